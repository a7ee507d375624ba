/**
 * Byte reading with FRAME semantics (protocol 4+).
 *
 * Hand-written (not ported) because it is the crux of a known scanner differential. CPython's C
 * unpickler treats FRAME as a prefetch: it reads `len` bytes from the file into its buffer and
 * rewinds (Modules/_pickle.c `load_frame`). Opcodes are then served from that buffer. When an
 * opcode needs more bytes than the buffer still holds, `_Unpickler_ReadImpl` calls
 * `_Unpickler_ReadFromFile(n)`, which reads `n` *fresh* bytes from the file (positioned at the
 * frame's end) — the bytes left in the frame are silently skipped. That is how `torch.load`
 * reads a zip member (an `io.BytesIO` without `peek`). `pickle.loads(bytes)` and files with
 * `peek` read the same bytes linearly instead, like `pickletools` and most scanners do.
 *
 * Mode `file` reproduces the first behaviour, mode `linear` the second; the analyzer runs
 * `linear` again whenever `file` saw an overrun, so both readings are judged.
 */
export type FrameMode = 'file' | 'linear';

/** Thrown inside the VM to stop a stream; caught at the machine boundary. */
export class VmStop extends Error {
  constructor(
    readonly code: 'truncated' | 'invalid_structure' | 'limit_exceeded' | 'unsupported_version' | 'timeout',
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface Overrun {
  /** Offset of the first skipped byte (the opcode that overran starts before it). */
  readonly offset: number;
  /** Bytes left in the frame that the loader skips. */
  readonly skipped: number;
}

export class PickleReader {
  /** Next byte to read. */
  pos: number;
  /** Readable limit: the frame end in `file` mode inside a frame, else the data end. */
  end: number;
  inFrame = false;
  /** Where the next read from the underlying file happens while inside a frame. */
  filePos = 0;
  /** Offset where the current frame's payload starts (for reporting). */
  frameStart = 0;
  readonly overruns: Overrun[] = [];
  /** Set by `line()`: offset of the '\n' that ends the line just read. */
  lineEnd = 0;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly dataEnd: number,
    readonly mode: FrameMode,
  ) {
    this.pos = start;
    this.end = dataEnd;
  }

  /** Reserves `n` bytes and returns their start offset. */
  take(n: number): number {
    const p = this.pos;
    if (p + n <= this.end) {
      this.pos = p + n;
      return p;
    }
    return this.takeSlow(n);
  }

  private takeSlow(n: number): number {
    if (this.inFrame) this.leaveFrame();
    const p = this.pos;
    if (p + n > this.dataEnd) throw new VmStop('truncated', 'pickle data was truncated', p);
    this.pos = p + n;
    return p;
  }

  /** The C unpickler's read-from-file after a frame: skip what the frame still holds. */
  private leaveFrame(): void {
    if (this.mode === 'file') {
      if (this.pos < this.end && this.overruns.length < 16)
        this.overruns.push({ offset: this.pos, skipped: this.end - this.pos });
      this.pos = Math.max(this.pos, this.filePos);
    }
    this.inFrame = false;
    this.end = this.dataEnd;
  }

  /** Reads a '\n'-terminated line; returns its start, sets `lineEnd` to the newline. */
  line(): number {
    const nl = this.bytes.indexOf(0x0a, this.pos);
    if (nl >= 0 && nl < this.end) {
      const p = this.pos;
      this.pos = nl + 1;
      this.lineEnd = nl;
      return p;
    }
    if (this.inFrame && this.mode === 'file') {
      this.leaveFrame();
      return this.line();
    }
    throw new VmStop('truncated', 'pickle data was truncated (no end of line)', this.pos);
  }

  /** FRAME: `len` bytes of payload follow; see the module comment for the two modes. */
  frame(len: number, opOffset: number): void {
    if (this.mode === 'linear') {
      if (this.pos + len > this.dataEnd)
        throw new VmStop('truncated', 'FRAME extends past the end of the data', opOffset);
      this.inFrame = true;
      this.frameStart = this.pos;
      this.filePos = this.pos + len;
      return;
    }
    // Nested frame that fits in the current buffer: the C loader's read is served from the buffer.
    if (this.inFrame && this.pos + len <= this.end) return;
    if (this.inFrame) this.leaveFrame();
    if (this.pos + len > this.dataEnd)
      throw new VmStop('truncated', 'FRAME extends past the end of the data', opOffset);
    this.inFrame = true;
    this.frameStart = this.pos;
    this.end = this.pos + len;
    this.filePos = this.end;
  }

  /**
   * A read straight from the underlying file, bypassing the frame buffer (joblib reads inline
   * array bytes through `unpickler.file_handle`). Returns the start offset.
   */
  fileRead(n: number): number {
    if (this.inFrame && this.mode === 'file') {
      const p = this.filePos;
      if (p + n > this.dataEnd) throw new VmStop('truncated', 'inline data extends past the end of the file', p);
      this.filePos = p + n;
      if (this.pos >= this.end) {
        // Frame fully consumed: the next opcode comes from the file after the inline data.
        this.inFrame = false;
        this.end = this.dataEnd;
        this.pos = this.filePos;
      }
      return p;
    }
    if (this.inFrame) {
      this.pos = Math.max(this.pos, this.filePos);
      this.inFrame = false;
    }
    const p = this.pos;
    if (p + n > this.dataEnd) throw new VmStop('truncated', 'inline data extends past the end of the file', p);
    this.pos = p + n;
    return p;
  }

  /** The offset the loader has reached in the file (for stream ends). */
  get consumed(): number {
    // Both loaders read a whole frame from the file up front, so the file stands at the frame end.
    return this.inFrame ? Math.max(this.pos, this.filePos) : this.pos;
  }
}
