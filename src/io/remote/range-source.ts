import type { ByteSource } from '../../core/byte-source.js';
import { ParseFailure, parseError } from '../../core/result.js';
import { fetchBytes, type HttpOptions, type HttpRequest } from './http.js';
import { RemoteError } from './remote-error.js';

export interface RangeSourceOptions {
  /** Cache granularity: every fetch is whole blocks. */
  readonly blockSize: number;
  /** Largest single request once sequential reading has ramped the read-ahead up. */
  readonly maxReadAhead: number;
  /** Blocks kept in memory (least recently used go first). */
  readonly cacheBytes: number;
  /** Bytes this source may transfer in all; past it reads fail with `limit_exceeded`. */
  readonly maxTransfer: number;
  /** A server that ignores Range is only used if the whole object is at most this big. */
  readonly maxWholeDownload: number;
}

export const DEFAULT_RANGE: RangeSourceOptions = {
  blockSize: 64 * 1024,
  maxReadAhead: 4 * 1024 * 1024,
  cacheBytes: 32 * 1024 * 1024,
  maxTransfer: 512 * 1024 * 1024,
  maxWholeDownload: 256 * 1024 * 1024,
};

/** Builds the request for one object; S3 adds signing, Hugging Face a bearer token. */
export type RequestFactory = (headers: Record<string, string>) => HttpRequest;

/**
 * A remote object read with HTTP range requests through a block cache.
 *
 * Scanners make many small reads (an 8-byte length, a 4 KiB head, a zip central directory, a
 * pickle streamed in pieces); each one becoming a request would be slow, so reads are rounded out
 * to whole blocks, concurrent reads of a block share one request, and a run of sequential reads
 * doubles its read-ahead up to `maxReadAhead`. Every byte received counts towards `maxTransfer`.
 */
export class HttpRangeSource implements ByteSource {
  bytesRead = 0;
  private readonly blocks = new Map<number, Uint8Array>();
  private readonly inflight = new Map<number, Promise<void>>();
  private readAhead: number;
  private lastEnd = -1;
  /** Set when the server ignored Range and sent the whole object (small enough to keep). */
  private whole: Uint8Array | undefined;

  private constructor(
    private readonly make: RequestFactory,
    private readonly http: HttpOptions,
    private readonly opts: RangeSourceOptions,
    readonly size: number,
  ) {
    this.readAhead = opts.blockSize;
  }

  /**
   * Opens the object with a first ranged GET of its first block, which also tells the size
   * (Content-Range), so no HEAD is spent. `knownSize` (from a listing) is checked against it.
   */
  static async open(
    make: RequestFactory,
    http: HttpOptions,
    opts: RangeSourceOptions = DEFAULT_RANGE,
    knownSize?: number,
  ): Promise<HttpRangeSource> {
    const what = make({}).what;
    let first: Awaited<ReturnType<typeof fetchBytes>>;
    try {
      first = await fetchBytes(make({ range: `bytes=0-${opts.blockSize - 1}` }), http, (status, headers) =>
        status === 200 ? wholeLimit(headers, opts, what) : opts.blockSize,
      );
    } catch (e) {
      if (e instanceof RemoteError && e.code === 'too_large')
        throw new RemoteError('no_range', `${what}: the server ignored the Range header and sent more than the cap`);
      throw e;
    }
    if (first.status === 416) return new HttpRangeSource(make, http, opts, 0);
    if (first.status === 200) {
      const src = new HttpRangeSource(make, http, opts, first.body.length);
      src.whole = first.body;
      src.bytesRead = first.body.length;
      return src;
    }
    const range = parseContentRange(first.headers.get('content-range'));
    const size = range?.total ?? knownSize;
    if (range === undefined || size === undefined || range.start !== 0)
      throw new RemoteError('bad_response', `${what}: server sent 206 without a usable Content-Range`);
    if (knownSize !== undefined && knownSize !== size)
      throw new RemoteError('bad_response', `${what}: listed as ${knownSize} bytes but served as ${size}`);
    const src = new HttpRangeSource(make, http, opts, size);
    src.bytesRead = first.body.length;
    src.store(0, first.body);
    return src;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || offset >= this.size || length <= 0) return new Uint8Array(0);
    const end = Math.min(this.size, offset + length);
    if (this.whole) return this.whole.subarray(offset, end);
    // A read bigger than the read-ahead (a whole pickle) is fetched as it is, past the cache.
    if (end - offset > this.opts.maxReadAhead) return this.fetchRange(offset, end);
    const bs = this.opts.blockSize;
    const first = Math.floor(offset / bs);
    const last = Math.floor((end - 1) / bs);
    this.readAhead =
      offset === this.lastEnd ? Math.min(this.opts.maxReadAhead, this.readAhead * 2) : this.opts.blockSize;
    this.lastEnd = end;
    await this.ensure(first, last);
    if (first === last) {
      const b = this.blocks.get(first);
      if (!b) return this.fetchRange(offset, end);
      this.touch(first, b);
      return b.subarray(offset - first * bs, end - first * bs);
    }
    const out = new Uint8Array(end - offset);
    for (let i = first; i <= last; i++) {
      const b = this.blocks.get(i);
      // Evicted by a concurrent read between fetch and copy: fetch the span once more, uncached.
      if (!b) return this.fetchRange(offset, end);
      this.touch(i, b);
      const from = Math.max(offset, i * bs);
      const to = Math.min(end, i * bs + b.length);
      out.set(b.subarray(from - i * bs, to - i * bs), from - offset);
    }
    return out;
  }

  /** Makes blocks [first, last] resident, fetching each missing run with one request. */
  private async ensure(first: number, last: number): Promise<void> {
    const waits: Promise<void>[] = [];
    let i = first;
    while (i <= last) {
      const pending = this.inflight.get(i);
      if (pending) {
        waits.push(pending);
        i++;
        continue;
      }
      if (this.blocks.has(i)) {
        i++;
        continue;
      }
      let j = i;
      const maxBlocks = Math.max(last - i + 1, Math.ceil(this.readAhead / this.opts.blockSize));
      const lastBlock = Math.floor((this.size - 1) / this.opts.blockSize);
      while (j + 1 <= lastBlock && j + 1 - i < maxBlocks && !this.blocks.has(j + 1) && !this.inflight.has(j + 1)) j++;
      const p = this.fetchRun(i, j);
      for (let k = i; k <= j; k++) this.inflight.set(k, p);
      waits.push(p);
      i = j + 1;
    }
    // Every read waits for all its blocks, even when one fails, so no request is left unobserved.
    const results = await Promise.allSettled(waits);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private async fetchRun(first: number, last: number): Promise<void> {
    const bs = this.opts.blockSize;
    const start = first * bs;
    try {
      this.store(start, await this.fetchRange(start, Math.min(this.size, (last + 1) * bs)));
    } finally {
      for (let k = first; k <= last; k++) this.inflight.delete(k);
    }
  }

  /** One ranged GET of [start, end), counted against the transfer cap and checked against the ask. */
  private async fetchRange(start: number, end: number): Promise<Uint8Array> {
    const what = this.make({}).what;
    if (this.bytesRead + (end - start) > this.opts.maxTransfer)
      throw new ParseFailure(
        parseError(
          'limit_exceeded',
          `remote transfer cap of ${this.opts.maxTransfer} bytes reached for ${what}`,
          start,
        ),
      );
    let res: Awaited<ReturnType<typeof fetchBytes>>;
    try {
      res = await fetchBytes(this.make({ range: `bytes=${start}-${end - 1}` }), this.http, end - start);
    } catch (e) {
      // Scanners unwind on ParseFailure and keep the findings made so far; a network failure
      // mid-file is an I/O error of this target, not a crash of the scan.
      if (e instanceof RemoteError) throw new ParseFailure(parseError('io_error', e.message, start));
      throw e;
    }
    this.bytesRead += res.body.length;
    const range = parseContentRange(res.headers.get('content-range'));
    if (res.status !== 206 || range?.start !== start || res.body.length !== end - start)
      throw new ParseFailure(
        parseError('io_error', `${what}: server answered bytes ${start}-${end - 1} inconsistently`, start),
      );
    return res.body;
  }

  private store(start: number, bytes: Uint8Array): void {
    const bs = this.opts.blockSize;
    for (let at = 0; at < bytes.length; at += bs) {
      const idx = (start + at) / bs;
      // A copy, so evicting a block frees it instead of pinning the whole response buffer.
      this.blocks.set(idx, bytes.slice(at, Math.min(bytes.length, at + bs)));
    }
    const maxBlocks = Math.max(1, Math.floor(this.opts.cacheBytes / bs));
    while (this.blocks.size > maxBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
  }

  /** Map order is insertion order: re-inserting marks the block most recently used. */
  private touch(idx: number, b: Uint8Array): void {
    this.blocks.delete(idx);
    this.blocks.set(idx, b);
  }
}

function wholeLimit(headers: Headers, opts: RangeSourceOptions, what: string): number {
  const declared = Number(headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > opts.maxWholeDownload)
    throw new RemoteError(
      'no_range',
      `${what}: the server does not support range requests and the object is ${declared} bytes, over the ` +
        `${opts.maxWholeDownload}-byte whole-download cap`,
    );
  return opts.maxWholeDownload;
}

export function parseContentRange(v: string | null): { start: number; end: number; total?: number } | undefined {
  if (!v) return undefined;
  const m = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16}|\*)$/.exec(v.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) return undefined;
  return m[3] === '*' ? { start, end } : { start, end, total: Number(m[3]) };
}
