/**
 * Pickle analysis: runs the symbolic machine over every stream of a buffer or a `ByteSource` and
 * turns what it saw into findings (collector.ts). Total: never throws.
 *
 * One implementation serves both entry points: the analysis is a generator that yields the reads
 * it needs. `analyzePickle(bytes)` answers them from memory, synchronously (in practice it never
 * yields: the window is the whole buffer); `analyzePickleSource(src)` awaits `src.read`, so a
 * pickle of any size is analysed end to end in a window of at most 1 MiB (window.ts), skipping large
 * payloads without reading them.
 */
import type { ByteSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import type { Limits } from '../../core/limits.js';
import { type ParseError, parseError } from '../../core/result.js';
import { Collector, describe, type NestedJob, type PickleAnalysisOptions } from './collector.js';
import { type MachineSink, PickleMachine, type StreamResult } from './machine.js';
import { isTorchLegacy, type PayloadRead, storedPickleRecords } from './nested.js';
import { type FrameMode, PickleReader, VmStop } from './reader.js';
import { PICKLE_RULES } from './rules.js';
import { ByteWindow, DEFAULT_WINDOW, NEED_BYTES, type ReadRequest } from './window.js';

export type { PickleAnalysisOptions } from './collector.js';

export interface PickleSourceOptions extends PickleAnalysisOptions {
  /** Analyse src[start, end) (default: the whole source). Offsets stay those of the source. */
  start?: number;
  end?: number;
  /** Largest main window in bytes (default 1 MiB). */
  windowBytes?: number;
}

export interface PickleAnalysis {
  findings: Finding[];
  /** Byte ranges of each pickle found (end = offset after STOP). */
  streams: { start: number; end: number }[];
  /** Every resolved module.qualname imported, deduplicated, in order. */
  globals: string[];
  /** The malformation that stopped analysis, if any (findings before it are kept). */
  error?: ParseError;
}

/** Concatenated streams one pass follows: each costs a machine, and their list is kept. */
const MAX_STREAMS = 100_000;

type Steps<T> = Generator<ReadRequest, T, Uint8Array>;

/** Where an analysis reads: bytes in memory, or the driver's source (reads are yielded). */
interface Space {
  readonly mem: Uint8Array | undefined;
  readonly windowBytes: number;
}

function* readSpace(space: Space, offset: number, length: number): Steps<Uint8Array> {
  if (space.mem) return space.mem.subarray(offset, offset + length);
  return yield { offset, length };
}

interface PassResult {
  streams: { start: number; end: number }[];
  error?: VmStop;
  overruns: { offset: number; skipped: number }[];
  trailingAt?: number;
}

function* runMachine(machine: PickleMachine, win: ByteWindow): Steps<StreamResult> {
  machine.begin();
  let res = machine.resume();
  while (res === NEED_BYTES) {
    const stop = yield* win.refill();
    res = stop ? machine.abort(stop) : machine.resume();
  }
  return res;
}

function* runPass(
  win: ByteWindow,
  start: number,
  end: number,
  opts: PickleAnalysisOptions,
  sink: Collector,
  mode: FrameMode,
): Steps<PassResult> {
  const streams: { start: number; end: number }[] = [];
  const overruns: { offset: number; skipped: number }[] = [];
  let pos = start;
  const maxStreams = opts.maxStreams ?? Number.POSITIVE_INFINITY;
  while (pos < end && streams.length < maxStreams) {
    if (streams.length >= MAX_STREAMS)
      return { streams, overruns, error: new VmStop('limit_exceeded', `more than ${MAX_STREAMS} pickles`, pos) };
    if (opts.signal?.aborted) return { streams, overruns, error: new VmStop('timeout', 'time budget exhausted', pos) };
    const reader = new PickleReader(win, pos, end, mode);
    const machine = new PickleMachine(reader, sink, { limits: opts.limits, mode, signal: opts.signal });
    const res = yield* runMachine(machine, win);
    overruns.push(...reader.overruns);
    if (res.stopped) {
      streams.push({ start: res.start, end: res.end });
      if (res.end <= pos) break;
      pos = res.end;
      continue;
    }
    const err = res.error as VmStop;
    // Bytes after a complete stream that do not even start a pickle: trailing data, not a break.
    if (streams.length > 0 && res.opcodes <= 2 && err.code !== 'limit_exceeded' && err.code !== 'timeout')
      return { streams, overruns, trailingAt: pos };
    return { streams, overruns, error: err };
  }
  return { streams, overruns };
}

/** The analysis of space[start, end): both FRAME readings, nested payloads, findings. */
function* analysisSteps(space: Space, start: number, end: number, opts: PickleAnalysisOptions): Steps<PickleAnalysis> {
  const sink = new Collector(opts);
  const base = opts.baseOffset ?? 0;
  const win = space.mem
    ? ByteWindow.whole(space.mem, end)
    : ByteWindow.streamed(space.windowBytes, opts.limits.maxPickleBytes, end);
  try {
    const first = yield* runPass(win, start, end, opts, sink, 'file');
    if (first.overruns.length) {
      const o = first.overruns[0] as { offset: number; skipped: number };
      sink.add(PICKLE_RULES.frameOverrun, `overrun:${o.offset}`, {
        message: `an opcode overruns its FRAME at offset ${base + o.offset}: torch.load-style readers skip ${o.skipped} byte(s) that linear readers execute (${first.overruns.length} overrun(s)); both readings were analysed`,
        offset: base + o.offset,
      });
      sink.pass = 'linear';
      win.release();
      yield* runPass(win, start, end, opts, sink, 'linear');
    }
    win.release();
    for (const job of sink.jobs) yield* runNested(space, sink, job);
    sink.finish();
    if (first.trailingAt !== undefined) {
      sink.add(PICKLE_RULES.trailingData, 'trailing', {
        message: `${end - first.trailingAt} byte(s) after the last pickle stream do not parse as a pickle`,
        offset: base + first.trailingAt,
      });
    }
    let error: ParseError | undefined;
    if (first.error) {
      const e = first.error;
      const limit = e.code === 'limit_exceeded' || e.code === 'timeout';
      if (limit) {
        sink.add(PICKLE_RULES.limitExceeded, 'limit', {
          message: `analysis stopped: ${e.message}`,
          offset: base + e.offset,
        });
      } else {
        const dangerous = sink.dangerous();
        sink.add(PICKLE_RULES.malformed, 'malformed', {
          message: `pickle stream breaks off at offset ${base + e.offset}: ${e.message}${dangerous ? '; the dangerous calls before it run when the file is loaded' : ''}`,
          offset: base + e.offset,
          severity: dangerous ? 'high' : 'medium',
        });
      }
      error = parseError(e.code, e.message, base + e.offset);
    }
    const result: PickleAnalysis = {
      findings: sink.findings,
      streams: first.streams.map((s) => ({ start: base + s.start, end: base + s.end })),
      globals: [...sink.seen.keys()],
    };
    if (error) result.error = error;
    return result;
  } catch (e) {
    return {
      findings: sink.findings,
      streams: [],
      globals: [...sink.seen.keys()],
      error: parseError('internal', `pickle analysis failed: ${(e as Error).message}`),
    };
  } finally {
    win.release();
  }
}

/**
 * A loader call on literal bytes: the payload is analysed in its own right. A bytes operand is
 * read back from its offset in the same data (it was skipped, never held); a `str` argument is
 * in memory already.
 */
function* runNested(space: Space, sink: Collector, job: NestedJob): Steps<void> {
  const { payload, g, at } = job;
  const sub: Space = payload.inline ? { mem: payload.inline, windowBytes: space.windowBytes } : space;
  const start = payload.inline ? 0 : (payload.offset as number);
  const len = payload.length;
  const base = payload.inline ? at : sink.base;
  const read: PayloadRead = (o, n) => readSpace(sub, start + o, Math.max(0, Math.min(n, len - o)));
  const where = ` [in the payload ${g.path} loads at offset ${at}]`;
  const inner = function* (s: number, n: number, maxStreams?: number): Steps<void> {
    const a = yield* analysisSteps(sub, s, s + n, {
      ...sink.opts,
      baseOffset: base,
      depth: job.depth,
      ...(maxStreams !== undefined ? { maxStreams } : {}),
    });
    for (const f of a.findings) sink.findings.push({ ...f, message: `${f.message}${where}` });
  };
  if (job.kind === 'torch') {
    const head = yield* read(0, 16);
    if (head[0] === 0x50 && head[1] === 0x4b) {
      const records = yield* storedPickleRecords(read, len);
      if (!records) {
        sink.add(PICKLE_RULES.nestedPickle, `nested-zip:${at}`, {
          message: `${describe(g)} loads an embedded torch.save archive the pickle analyzer cannot open (compressed or streamed records)`,
          offset: base + start,
          severity: 'high',
        });
        return;
      }
      for (const rec of records) yield* inner(start + rec.start, rec.length);
      return;
    }
    yield* inner(start, len, isTorchLegacy(head) ? 5 : undefined);
    return;
  }
  yield* inner(start, len);
}

/** Analyses every pickle stream in `bytes`. Synchronous, total: never throws. */
export function analyzePickle(bytes: Uint8Array, opts: PickleAnalysisOptions): PickleAnalysis {
  const steps = analysisSteps({ mem: bytes, windowBytes: DEFAULT_WINDOW }, 0, bytes.length, opts);
  // A memory space serves every read itself; answering here keeps the loop total regardless.
  let r = steps.next();
  while (!r.done) r = steps.next(bytes.subarray(r.value.offset, r.value.offset + r.value.length));
  return r.value;
}

/**
 * Analyses every pickle stream in src[start, end) with bounded memory: opcodes are read through
 * a window, payloads are skipped unread. Offsets in the result are those of `src`. Never throws.
 */
export async function analyzePickleSource(src: ByteSource, opts: PickleSourceOptions): Promise<PickleAnalysis> {
  const start = Math.max(0, Math.min(opts.start ?? 0, src.size));
  const end = Math.max(start, Math.min(opts.end ?? src.size, src.size));
  const steps = analysisSteps({ mem: undefined, windowBytes: opts.windowBytes ?? DEFAULT_WINDOW }, start, end, opts);
  let r = steps.next();
  while (!r.done) {
    let bytes: Uint8Array;
    try {
      bytes = await src.read(r.value.offset, r.value.length);
    } catch (e) {
      // The analysis turns a failed read into an error result with the findings so far.
      r = steps.throw(e);
      continue;
    }
    r = steps.next(bytes);
  }
  return r.value;
}

/**
 * Cheap sniff: do the first bytes run as a pickle? Runs the machine on the head only, with
 * strict identifier names, accepting a stream that is cut off by the end of the head.
 */
export function looksLikePickle(head: Uint8Array): boolean {
  if (head.length < 2) return false;
  const first = head[0] as number;
  if (first === 0x80 && (head[1] as number) > 5) return false;
  const reader = new PickleReader(ByteWindow.whole(head, head.length), 0, head.length, 'linear');
  let imports = 0;
  const sink: MachineSink = {
    onImport: () => {
      imports++;
    },
    onComputedImport: () => {},
    onExtension: () => {},
    onCall: () => {},
    onWrite: () => {},
    onInlineArray: () => {},
    onOpcodes: () => {},
  };
  const m = new PickleMachine(reader, sink, {
    limits: SNIFF_LIMITS,
    mode: 'linear',
    strictNames: true,
    maxOpcodes: 4096,
  });
  const res = m.runStream();
  if (res.stopped) return true;
  const e = res.error;
  if (!e) return false;
  // Cut off by the end of the head (or a frame/length that runs past it): plausible if it got going.
  // A stream that ran several opcodes before breaking is a pickle too (payload-then-garbage).
  const cutOff = e.code === 'truncated' || e.code === 'limit_exceeded';
  const ran = res.opcodes - (cutOff ? 0 : 1);
  return imports > 0 || ran >= (first === 0x80 ? 2 : 3);
}

const SNIFF_LIMITS: Limits = {
  maxFileSize: 0,
  maxPickleBytes: 1 << 16,
  maxOpcodes: 4096,
  maxStackDepth: 4096,
  maxMemo: 4096,
  maxNesting: 1,
  maxMembers: 1,
  maxDecompressedBytes: 1 << 16,
  maxCompressionRatio: 1,
  timeBudgetMs: 1000,
  maxHeaderBytes: 1 << 16,
};
