/**
 * Pickle analysis: runs the symbolic machine over every stream in a buffer and turns what it
 * saw into findings with the policy of globals.ts. Synchronous, total, never throws.
 */
import { cleanEvidence, type Finding } from '../../core/finding.js';
import type { Limits } from '../../core/limits.js';
import { type ParseError, parseError } from '../../core/result.js';
import { findingOf, type Rule } from '../../core/rule.js';
import { atLeast } from '../../core/severity.js';
import { LOADER_ARGS } from './globals.js';
import { type MachineSink, PickleMachine } from './machine.js';
import { isTorchLegacy, payloadArg, storedPickleRecords } from './nested.js';
import { judge, type Verdict } from './policy.js';
import { type FrameMode, PickleReader, type VmStop } from './reader.js';
import { PICKLE_RULES } from './rules.js';
import { argsPreview, asGlobal, type CallResult, type GlobalRef, preview, type Value } from './values.js';

export interface PickleAnalysisOptions {
  limits: Limits;
  path: string;
  member?: string;
  /** Added to offsets in findings (pickle embedded in a bigger member). */
  baseOffset?: number;
  /** Stop after this many STOP-terminated pickles (PyTorch legacy reads exactly 5). */
  maxStreams?: number;
  /** Scanner id stamped on findings (default 'pickle'). */
  scanner?: string;
  /** Nesting for recursive loads() analysis. */
  depth?: number;
  signal?: AbortSignal;
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

/** Loader-in-pickle recursion stops here (each level is a full analysis). */
const MAX_NESTED_DEPTH = 4;

interface GlobalStat {
  readonly g: GlobalRef;
  readonly verdict: Verdict;
  calls: number;
  firstCall: CallResult | undefined;
}

class Collector implements MachineSink {
  readonly seen = new Map<string, GlobalStat>();
  readonly findings: Finding[] = [];
  private readonly reported = new Set<string>();
  opcodes = 0;
  inlineArrays = 0;
  pass: FrameMode = 'file';

  constructor(
    readonly bytes: Uint8Array,
    readonly opts: PickleAnalysisOptions,
  ) {}

  get base(): number {
    return this.opts.baseOffset ?? 0;
  }

  add(
    rule: Rule,
    key: string,
    input: { message: string; offset?: number; evidence?: string; severity?: Rule['severity'] },
  ) {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.findings.push(
      findingOf(rule, {
        message: input.message,
        path: this.opts.path,
        ...(this.opts.member !== undefined ? { member: this.opts.member } : {}),
        ...(input.offset !== undefined ? { offset: input.offset } : {}),
        ...(input.evidence !== undefined ? { evidence: cleanEvidence(input.evidence) } : {}),
        ...(input.severity !== undefined ? { severity: input.severity } : {}),
        scanner: this.opts.scanner ?? 'pickle',
      }),
    );
  }

  private stat(g: GlobalRef): GlobalStat {
    let s = this.seen.get(g.path);
    if (!s) {
      s = { g, verdict: judge(g), calls: 0, firstCall: undefined };
      this.seen.set(g.path, s);
    }
    return s;
  }

  onImport(g: GlobalRef): void {
    this.stat(g);
  }

  onComputedImport(module: Value, name: Value, offset: number): void {
    this.add(PICKLE_RULES.computedImport, `computed:${offset}`, {
      message: `STACK_GLOBAL imports a name computed at load time (module ${preview(module)}, name ${preview(name)})`,
      offset: this.base + offset,
      evidence: `STACK_GLOBAL(${preview(module)}, ${preview(name)})`,
    });
  }

  onExtension(code: number, offset: number): void {
    this.add(PICKLE_RULES.extensionCode, `ext:${code}`, {
      message: `EXT opcode imports extension code ${code}, which CPython's copyreg registry does not define: the callable is whatever the loading process registered`,
      offset: this.base + offset,
      evidence: `EXT ${code}`,
    });
  }

  onCall(c: CallResult): void {
    const g = asGlobal(c.callee);
    if (!g) return;
    const s = this.stat(g);
    s.calls++;
    if (!s.firstCall) s.firstCall = c;
    const loader = LOADER_ARGS[g.path];
    if (loader) this.nested(g, c, loader);
  }

  onWrite(target: Value, payload: Value, offset: number, opcode: string): void {
    const g = asGlobal(target);
    if (!g) return;
    this.add(PICKLE_RULES.attributeInjection, `inject:${g.path}:${opcode}`, {
      message: `${opcode} writes onto the imported ${g.isModule ? 'module' : 'global'} ${describe(g)}: the loader sets its attributes or items`,
      offset: this.base + offset,
      evidence: `${g.path} <- ${preview(payload)}`,
    });
  }

  onInlineArray(): void {
    this.inlineArrays++;
  }

  onOpcodes(n: number): void {
    this.opcodes += n;
  }

  /** A loader called on bytes inside the pickle: open the bytes and analyse them too. */
  private nested(g: GlobalRef, c: CallResult, kind: 'pickle' | 'marshal' | 'torch'): void {
    const at = this.base + c.offset;
    const payload = payloadArg(c.args);
    if (!payload) {
      this.add(PICKLE_RULES.dangerousGlobal, `loader-computed:${g.path}`, {
        message: `${describe(g)} loads data computed at load time, which cannot be analysed`,
        offset: at,
        evidence: `${g.path}${argsPreview(c.args)}`,
        severity: 'high',
      });
      return;
    }
    const payloadOffset = payload.offset !== undefined ? this.base + payload.offset : at;
    if (kind === 'marshal') {
      this.add(PICKLE_RULES.codeObject, `marshal:${at}`, {
        message: `${describe(g)} unmarshals ${payload.bytes.length} bytes into a code object on load`,
        offset: at,
        evidence: `${g.path}${argsPreview(c.args)}`,
      });
      return;
    }
    const depth = (this.opts.depth ?? 0) + 1;
    this.add(PICKLE_RULES.nestedPickle, `nested:${at}`, {
      message: `${describe(g)} loads an embedded ${payload.bytes.length}-byte payload; it is analysed below`,
      offset: at,
      evidence: `${g.path}${argsPreview(c.args)}`,
    });
    if (depth > MAX_NESTED_DEPTH) {
      this.add(PICKLE_RULES.limitExceeded, `nested-depth:${at}`, {
        message: `nested payloads deeper than ${MAX_NESTED_DEPTH} levels were not analysed`,
        offset: payloadOffset,
      });
      return;
    }
    const sub = (bytes: Uint8Array, base: number, member: string | undefined, maxStreams?: number) => {
      const inner = analyzePickle(bytes, {
        ...this.opts,
        baseOffset: base,
        depth,
        ...(member !== undefined ? { member } : {}),
        ...(maxStreams !== undefined ? { maxStreams } : {}),
      });
      const where = ` [in the payload ${g.path} loads at offset ${at}]`;
      for (const f of inner.findings) this.findings.push({ ...f, message: `${f.message}${where}` });
    };
    const b = payload.bytes;
    if (kind === 'torch' && b[0] === 0x50 && b[1] === 0x4b) {
      const records = storedPickleRecords(b);
      if (!records) {
        this.add(PICKLE_RULES.nestedPickle, `nested-zip:${at}`, {
          message: `${describe(g)} loads an embedded torch.save archive the pickle analyzer cannot open (compressed or streamed records)`,
          offset: payloadOffset,
          severity: 'high',
        });
        return;
      }
      for (const rec of records) {
        const inner = b.subarray(rec.start, rec.start + rec.length);
        sub(inner, payloadOffset + rec.start, this.opts.member);
      }
      return;
    }
    sub(b, payloadOffset, this.opts.member, kind === 'torch' && isTorchLegacy(b) ? 5 : undefined);
  }

  /** Turns per-global statistics into findings, in import order. */
  finish(): void {
    for (const s of this.seen.values()) {
      const { g, verdict } = s;
      if (verdict.kind === 'allow') continue;
      const evidence = s.firstCall ? `${g.path}${argsPreview(s.firstCall.args)}` : `import ${g.literal}`;
      const offset = this.base + (s.firstCall?.offset ?? g.offset);
      const used = s.calls ? `is called${s.calls > 1 ? ` ${s.calls} times` : ''}` : 'is imported';
      if (verdict.kind === 'deny') {
        const rule = verdict.entry.category === 'code' ? PICKLE_RULES.codeObject : PICKLE_RULES.dangerousGlobal;
        this.add(rule, `global:${g.path}`, {
          message: `${describe(g)} ${used}: ${verdict.entry.why}`,
          offset,
          evidence,
          severity: verdict.entry.severity,
        });
      } else {
        // Extension codes already have their own finding.
        if (g.path.startsWith('copyreg.extension[')) continue;
        const why = `${verdict.reason ? ` (${verdict.reason})` : ''}: not in the allow-list of globals benign model files use`;
        this.add(PICKLE_RULES.unknownGlobal, `global:${g.path}`, {
          message: `unknown global ${describe(g)} ${used}${why}`,
          offset,
          evidence,
        });
      }
    }
  }

  dangerous(): boolean {
    return this.findings.some((f) => atLeast(f.severity, 'high'));
  }
}

function describe(g: GlobalRef): string {
  const shown = g.literal === g.path ? `\`${g.path}\`` : `\`${g.literal}\` (resolves to \`${g.path}\`)`;
  return g.assumed ? `${shown}, assuming the intermediate attribute is the module of that name` : shown;
}

interface PassResult {
  streams: { start: number; end: number }[];
  error?: VmStop;
  overruns: { offset: number; skipped: number }[];
  trailingAt?: number;
}

function runPass(bytes: Uint8Array, opts: PickleAnalysisOptions, sink: Collector, mode: FrameMode): PassResult {
  const streams: { start: number; end: number }[] = [];
  const overruns: { offset: number; skipped: number }[] = [];
  let pos = 0;
  const maxStreams = opts.maxStreams ?? Number.POSITIVE_INFINITY;
  while (pos < bytes.length && streams.length < maxStreams) {
    const reader = new PickleReader(bytes, pos, bytes.length, mode);
    const machine = new PickleMachine(reader, sink, { limits: opts.limits, mode, signal: opts.signal });
    const res = machine.runStream();
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

/** Analyses every pickle stream in `bytes`. Synchronous, total: never throws. */
export function analyzePickle(bytes: Uint8Array, opts: PickleAnalysisOptions): PickleAnalysis {
  const sink = new Collector(bytes, opts);
  const base = opts.baseOffset ?? 0;
  try {
    const first = runPass(bytes, opts, sink, 'file');
    if (first.overruns.length) {
      const o = first.overruns[0] as { offset: number; skipped: number };
      sink.add(PICKLE_RULES.frameOverrun, `overrun:${o.offset}`, {
        message: `an opcode overruns its FRAME at offset ${base + o.offset}: torch.load-style readers skip ${o.skipped} byte(s) that linear readers execute (${first.overruns.length} overrun(s)); both readings were analysed`,
        offset: base + o.offset,
      });
      sink.pass = 'linear';
      runPass(bytes, opts, sink, 'linear');
    }
    sink.finish();
    if (first.trailingAt !== undefined) {
      sink.add(PICKLE_RULES.trailingData, 'trailing', {
        message: `${bytes.length - first.trailingAt} byte(s) after the last pickle stream do not parse as a pickle`,
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
  }
}

/**
 * Cheap sniff: do the first bytes run as a pickle? Runs the machine on the head only, with
 * strict identifier names, accepting a stream that is cut off by the end of the head.
 */
export function looksLikePickle(head: Uint8Array): boolean {
  if (head.length < 2) return false;
  const first = head[0] as number;
  if (first === 0x80 && (head[1] as number) > 5) return false;
  const reader = new PickleReader(head, 0, head.length, 'linear');
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
