/**
 * Byte reading with FRAME semantics (protocol 4+), over a bounded window (window.ts).
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
 *
 * Positions are absolute offsets in the analysed space. Reads return an index into `cur`, the
 * window segment holding the bytes; when no segment holds them the reader records the request on
 * the window and throws `NEED_BYTES`. The machine calls `mark()` at each opcode start and
 * `rewind()` when the opcode is abandoned, so the retried opcode sees the same reader state.
 */
import { STRING_KEEP } from './text.js';
import { VmStop } from './vm-stop.js';
import { type ByteWindow, NEED_BYTES } from './window.js';

export { VmStop } from './vm-stop.js';

export type FrameMode = 'file' | 'linear';

export interface Overrun {
  /** Offset of the first skipped byte (the opcode that overran starts before it). */
  readonly offset: number;
  /** Bytes left in the frame that the loader skips. */
  readonly skipped: number;
}

const EMPTY = new Uint8Array(0);
/**
 * A line that has not ended after this many bytes decodes to a `LongStr` head whatever its
 * length, so the reader only needs to know where it ends (the window scans ahead for that).
 */
const LINE_FULL = STRING_KEEP + 2;

export class PickleReader {
  /** Next byte to read (absolute). */
  pos: number;
  /** Readable limit: the frame end in `file` mode inside a frame, else the data end. */
  end: number;
  inFrame = false;
  /** Where the next read from the underlying file happens while inside a frame. */
  filePos = 0;
  /** Offset where the current frame's payload starts (for reporting). */
  frameStart = 0;
  readonly overruns: Overrun[] = [];
  /** Set by `line()`: index in `cur` of the '\n' that ends the line just read. */
  lineEnd = 0;
  /** The segment the last read was served from: read results index into it. */
  cur: Uint8Array = EMPTY;
  private curStart = 0;
  private curEnd = -1;
  /** Fast-path bound for `take`: min(end, segment end). */
  private lim = -1;
  // Reader state at the start of the current opcode (see mark/rewind).
  private mPos = 0;
  private mEnd = 0;
  private mInFrame = false;
  private mFilePos = 0;
  private mFrameStart = 0;
  private mOverruns = 0;

  constructor(
    readonly win: ByteWindow,
    start: number,
    readonly dataEnd: number,
    readonly mode: FrameMode,
  ) {
    this.pos = start;
    this.end = dataEnd;
  }

  /** Remembers the state at an opcode start. */
  mark(): void {
    this.mPos = this.pos;
    this.mEnd = this.end;
    this.mInFrame = this.inFrame;
    this.mFilePos = this.filePos;
    this.mFrameStart = this.frameStart;
    this.mOverruns = this.overruns.length;
  }

  /** Back to the last `mark()`, after an opcode ran out of window. */
  rewind(): void {
    this.pos = this.mPos;
    this.end = this.mEnd;
    this.inFrame = this.mInFrame;
    this.filePos = this.mFilePos;
    this.frameStart = this.mFrameStart;
    this.overruns.length = this.mOverruns;
    this.cur = EMPTY;
    this.curEnd = -1;
    this.lim = -1;
  }

  /** Reserves `n` bytes and returns the index of the first in `cur`. */
  take(n: number): number {
    const p = this.pos;
    if (p + n <= this.lim) {
      this.pos = p + n;
      return p - this.curStart;
    }
    return this.takeSlow(n, n);
  }

  /**
   * Reserves `n` bytes of which only the first `keep` are looked at (large payloads): the rest
   * is skipped without being fetched. Returns the index of the first kept byte in `cur`.
   */
  takeLazy(n: number, keep: number): number {
    return this.takeSlow(n, Math.min(n, keep));
  }

  private takeSlow(n: number, keep: number): number {
    if (this.pos + n > this.end) {
      if (this.inFrame) this.leaveFrame();
      if (this.pos + n > this.dataEnd) throw new VmStop('truncated', 'pickle data was truncated', this.pos);
    }
    const p = this.pos;
    const i = keep > 0 ? this.select(p, keep) : 0;
    this.pos = p + n;
    return i;
  }

  u8(): number {
    const i = this.take(1);
    return this.cur[i] as number;
  }

  u16(): number {
    const i = this.take(2);
    const b = this.cur;
    return (b[i] as number) | ((b[i + 1] as number) << 8);
  }

  /** Unsigned little-endian 32-bit operand. */
  u32(): number {
    const i = this.take(4);
    const b = this.cur;
    return (
      ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16)) + (b[i + 3] as number) * 0x1000000
    );
  }

  /** Unsigned little-endian 64-bit operand, refused above 2^53. */
  u64(at: number): number {
    const i = this.take(8);
    const b = this.cur;
    const lo =
      ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16)) +
      (b[i + 3] as number) * 0x1000000;
    const hi =
      ((b[i + 4] as number) | ((b[i + 5] as number) << 8) | ((b[i + 6] as number) << 16)) +
      (b[i + 7] as number) * 0x1000000;
    if (hi >= 0x200000) throw new VmStop('limit_exceeded', 'length beyond 2^53 bytes', at);
    return hi * 0x100000000 + lo;
  }

  /** Points `cur` at a segment holding [p, p+n), or asks the driver for it. */
  private select(p: number, n: number): number {
    const s = this.win.find(p, n);
    if (!s) {
      this.win.request(p, n, this.mPos);
      throw NEED_BYTES;
    }
    this.cur = s.buf;
    this.curStart = s.start;
    this.curEnd = s.end;
    this.lim = Math.min(this.end, s.end);
    return p - s.start;
  }

  /** The C unpickler's read-from-file after a frame: skip what the frame still holds. */
  private leaveFrame(): void {
    if (this.mode === 'file') {
      if (this.pos < this.end && this.overruns.length < 16)
        this.overruns.push({ offset: this.pos, skipped: this.end - this.pos });
      this.pos = Math.max(this.pos, this.filePos);
    }
    this.inFrame = false;
    this.setEnd(this.dataEnd);
  }

  private setEnd(end: number): void {
    this.end = end;
    this.lim = Math.min(end, this.curEnd);
  }

  /** Reads a '\n'-terminated line; returns its start index in `cur`, sets `lineEnd` to the newline. */
  line(): number {
    const p = this.pos;
    const limit = this.end;
    const s = this.win.find(p, 0);
    if (p < limit) {
      const stop = s ? Math.min(limit, s.end) : p;
      const nl = s ? s.buf.indexOf(0x0a, p - s.start) : -1;
      if (s && nl >= 0 && nl < stop - s.start) return this.lineAt(s.buf, s.start, p, nl);
      if (stop < limit) {
        const avail = stop - p;
        if (avail < LINE_FULL) {
          this.win.request(p, Math.min(Math.max(2 * avail, 4096), LINE_FULL, limit - p), this.mPos);
          throw NEED_BYTES;
        }
        // Longer than any line the machine decodes in full: only its end and head matter.
        const k = this.win.knownLine;
        if (!k || k.from !== p || k.limit !== limit) {
          this.win.request(p, LINE_FULL, this.mPos, limit);
          throw NEED_BYTES;
        }
        // `s` holds LINE_FULL bytes from p: more than the head text.ts decodes of a long line.
        if (k.nl >= 0 && s) return this.lineAt(s.buf, s.start, p, k.nl - s.start);
      }
    }
    if (this.inFrame && this.mode === 'file') {
      this.leaveFrame();
      return this.line();
    }
    throw new VmStop('truncated', 'pickle data was truncated (no end of line)', this.pos);
  }

  /** `nl` is an index relative to `buf` (it may lie past its end for a known long line). */
  private lineAt(buf: Uint8Array, start: number, p: number, nl: number): number {
    this.cur = buf;
    this.curStart = start;
    this.curEnd = start + buf.length;
    this.lim = Math.min(this.end, this.curEnd);
    this.pos = start + nl + 1;
    this.lineEnd = nl;
    return p - start;
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
    this.setEnd(this.pos + len);
    this.filePos = this.end;
  }

  /** Where `fileRead` would read next. */
  private filePoint(): number {
    if (this.inFrame && this.mode === 'file') return this.filePos;
    return this.inFrame ? Math.max(this.pos, this.filePos) : this.pos;
  }

  /**
   * Makes sure the next `fileRead` byte is in the window, without changing any state: called
   * before an opcode mutates the machine and then reads inline data (joblib padding).
   */
  ensureFileByte(): void {
    const p = this.filePoint();
    if (p < this.dataEnd && !this.win.find(p, 1)) {
      this.win.request(p, 1, this.mPos);
      throw NEED_BYTES;
    }
  }

  /** The byte at absolute offset `p` (made available by `ensureFileByte`). */
  byteAt(p: number): number {
    const i = this.select(p, 1);
    return this.cur[i] as number;
  }

  /**
   * A read straight from the underlying file, bypassing the frame buffer (joblib reads inline
   * array bytes through `unpickler.file_handle`). Nothing is fetched. Returns the start offset.
   */
  fileRead(n: number): number {
    if (this.inFrame && this.mode === 'file') {
      const p = this.filePos;
      if (p + n > this.dataEnd) throw new VmStop('truncated', 'inline data extends past the end of the file', p);
      this.filePos = p + n;
      if (this.pos >= this.end) {
        // Frame fully consumed: the next opcode comes from the file after the inline data.
        this.inFrame = false;
        this.setEnd(this.dataEnd);
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
