/**
 * The bytes the symbolic machine can see: a bounded window over the pickle, refilled from a
 * `ByteSource` by an async driver, so a multi-gigabyte pickle costs its opcodes, not its size.
 *
 * Why a resumable synchronous VM and not an async one: the machine runs tens of millions of
 * opcodes per second; an `await` (or a generator frame) per read would cost several times that.
 * Instead every read checks the window and, when bytes are missing, records what it needs and
 * throws `NEED_BYTES` before the opcode has changed any machine state (the reader rewinds to the
 * opcode start). The driver fetches the bytes and re-runs the opcode. Large payloads (BINBYTES8,
 * BINUNICODE8, joblib inline arrays …) are never fetched: the reader advances past them and keeps
 * a short head for evidence.
 *
 * The window holds a main segment, filled at the start of the opcode that ran out of bytes, and —
 * rarely — side segments for one opcode whose later operand lies more than a window past its start
 * (after a long skipped payload or line, or the FRAME-overrun jump of reader.ts).
 */
import { VmStop } from './vm-stop.js';

export interface Segment {
  readonly buf: Uint8Array;
  /** Absolute offset of `buf[0]`. */
  readonly start: number;
  readonly end: number;
}

/** One read the driver must answer (offset and length in the analysed space). */
export interface ReadRequest {
  readonly offset: number;
  readonly length: number;
}

/** What a line the window could not hold ends at (from a forward scan of the source). */
export interface KnownLine {
  readonly from: number;
  readonly limit: number;
  /** Absolute offset of the '\n', or -1 when none comes before `limit`. */
  readonly nl: number;
}

/** Thrown by the reader (one shared instance: it carries no data) when the window lacks bytes. */
export const NEED_BYTES: unique symbol = Symbol('pickle window needs bytes');

/**
 * Default (largest) main-segment size for streamed analysis. Larger windows bought nothing
 * measurable (a refill per MiB is one read and one generator step) and leave more garbage
 * between collections: on a 1 GiB opcode-dense pickle, 4 MiB windows peaked ~10 MB higher and
 * ran slower than 1 MiB ones.
 */
export const DEFAULT_WINDOW = 1024 * 1024;
/**
 * First main-segment size, and again after every skip: reading on past a payload the machine
 * skipped would fetch the payload. The segment doubles while opcodes follow each other.
 */
const FIRST_WINDOW = 64 * 1024;
/** Lines are scanned for their end in chunks of this size when they outgrow the window. */
const SCAN_CHUNK = 1024 * 1024;
/** Bytes fetched for a side segment beyond what the read needs. */
const SIDE_SEGMENT = 4096;
/** One opcode never legitimately needs more segments than this (each is a distinct later read). */
const MAX_SEGMENTS = 8;

export class ByteWindow {
  segs: Segment[];
  /** Bytes fetched so far (opcodes and the operands the machine keeps), for `maxPickleBytes`. */
  fetched = 0;
  /** The request the last `NEED_BYTES` stands for. */
  reqAt = 0;
  reqLen = 0;
  reqOpStart = 0;
  /** ≥ 0: find the end of the line starting at `reqAt` before this offset. */
  reqScanLimit = -1;
  knownLine: KnownLine | undefined;
  /** The opcode the side segments were fetched for: no other opcode needs them. */
  private sideOp = -1;
  /** Size of the next main segment, and where the last one ended. */
  private next: number;
  private mainStart = -1;
  private mainEnd = -1;

  private constructor(
    /** Main-segment size; Infinity for an in-memory buffer (never refilled). */
    readonly size: number,
    /** Fetch cap in bytes (0 = none). */
    readonly budget: number,
    /** End of the analysed range: reads never go past it. */
    readonly end: number,
    segs: Segment[],
  ) {
    this.segs = segs;
    this.next = Math.min(size, FIRST_WINDOW);
  }

  /** A window over bytes already in memory: every read is served, nothing is fetched. */
  static whole(bytes: Uint8Array, end: number): ByteWindow {
    return new ByteWindow(Number.POSITIVE_INFINITY, 0, end, [{ buf: bytes, start: 0, end: bytes.length }]);
  }

  static streamed(size: number, budget: number, end: number): ByteWindow {
    return new ByteWindow(Math.max(16, size), budget, end, []);
  }

  /** The segment holding [p, p+n) with the most bytes after p. */
  find(p: number, n: number): Segment | undefined {
    let best: Segment | undefined;
    for (const s of this.segs) if (s.start <= p && p + n <= s.end && (!best || s.end > best.end)) best = s;
    return best;
  }

  request(at: number, len: number, opStart: number, scanLimit = -1): void {
    this.reqAt = at;
    this.reqLen = len;
    this.reqOpStart = opStart;
    this.reqScanLimit = scanLimit;
  }

  /** Drops every segment (between passes and before nested analyses). */
  release(): void {
    if (this.size !== Number.POSITIVE_INFINITY) this.segs = [];
    this.knownLine = undefined;
    this.sideOp = -1;
    this.mainStart = -1;
    this.mainEnd = -1;
  }

  /**
   * Answers the pending request: yields reads for the driver, returns a VmStop when it cannot
   * (byte budget spent, source shorter than it claimed).
   */
  *refill(): Generator<ReadRequest, VmStop | undefined, Uint8Array> {
    const at = this.reqAt;
    const op = this.reqOpStart;
    const len = Math.min(this.reqLen, this.end - at);
    if (this.reqScanLimit >= 0) return yield* this.scanLine(at, this.reqScanLimit);
    if (this.size === Number.POSITIVE_INFINITY || len < 0)
      return new VmStop('truncated', `pickle bytes at offset ${at} are not available`, at);
    if (at >= op && at + len - op <= this.size) {
      // Every read of this opcode fits in one window from its start: restart the window there.
      this.segs = [];
      this.sideOp = -1;
      // Ran off the end of the last segment: opcodes are dense here, read more at a time.
      const sequential = op >= this.mainStart && op <= this.mainEnd;
      this.next = sequential ? Math.min(this.size, this.next * 2) : Math.min(this.size, FIRST_WINDOW);
      const seg = yield* this.fetch(op, Math.min(Math.max(this.next, at + len - op), this.end - op), at + len - op);
      if (seg instanceof VmStop) return seg;
      this.segs = [seg];
      this.mainStart = seg.start;
      this.mainEnd = seg.end;
    } else {
      // A read far past the opcode start: keep what the opcode read so far, add a side segment.
      if (this.sideOp !== op) this.segs = this.segs.slice(0, 1);
      this.sideOp = op;
      if (this.segs.length >= MAX_SEGMENTS)
        return new VmStop('limit_exceeded', 'one opcode needed too many separate reads', at);
      // Only this opcode reads here (the next one refills the main segment): fetch little.
      const seg = yield* this.fetch(at, Math.max(len, Math.min(SIDE_SEGMENT, this.end - at)), len);
      if (seg instanceof VmStop) return seg;
      // A growing line asks again at the same place: drop the side segments the new one covers.
      this.segs = this.segs.filter((x, i) => i === 0 || x.start < seg.start || x.end > seg.end);
      this.segs.push(seg);
    }
    // Each refill must serve its request, or the machine would ask again forever.
    if (!this.find(at, len))
      return new VmStop('truncated', `the source returned fewer bytes than its size at offset ${at}`, at);
    return undefined;
  }

  /** Fetches up to `length` bytes, of which `needed` must fit in what is left of the budget. */
  private *fetch(offset: number, length: number, needed: number): Generator<ReadRequest, Segment | VmStop, Uint8Array> {
    let n = length;
    if (this.budget > 0) {
      const left = this.budget - this.fetched;
      if (left < needed)
        return new VmStop(
          'limit_exceeded',
          `read ${this.budget} bytes of pickle opcodes and operands (maxPickleBytes; skipped payloads do not count)`,
          offset,
        );
      n = Math.min(n, left);
    }
    const buf = yield { offset, length: n };
    this.fetched += buf.length;
    return { buf, start: offset, end: offset + buf.length };
  }

  /** A line longer than the window: find its end by reading ahead, without keeping the bytes. */
  private *scanLine(from: number, limit: number): Generator<ReadRequest, VmStop | undefined, Uint8Array> {
    let p = from;
    let nl = -1;
    while (p < limit && nl < 0) {
      const got = yield* this.fetch(p, Math.min(SCAN_CHUNK, limit - p), 1);
      if (got instanceof VmStop) return got;
      if (got.buf.length === 0) return new VmStop('truncated', `the source ended early at offset ${p}`, p);
      const i = got.buf.subarray(0, limit - p).indexOf(0x0a);
      if (i >= 0) nl = p + i;
      p += got.buf.length;
    }
    this.knownLine = { from, limit, nl };
    return undefined;
  }
}
