/**
 * Turns what the symbolic machine reports into findings, with the policy of globals.ts. Loader
 * calls on embedded payloads (`pickle.loads(b'…')`) are queued as nested jobs; analyze.ts runs
 * them once the outer passes are done, reading the payload from its offset.
 */
import { cleanEvidence, type Finding } from '../../core/finding.js';
import type { Limits } from '../../core/limits.js';
import { findingOf, type Rule } from '../../core/rule.js';
import { atLeast } from '../../core/severity.js';
import { LOADER_ARGS } from './call-shapes.js';
import type { MachineSink } from './machine.js';
import { type Payload, payloadArg } from './nested.js';
import { judge, type Verdict } from './policy.js';
import type { FrameMode } from './reader.js';
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

/** Loader-in-pickle recursion stops here (each level is a full analysis). */
export const MAX_NESTED_DEPTH = 4;

/** A loader call on literal bytes, analysed after the passes that found it. */
export interface NestedJob {
  readonly g: GlobalRef;
  readonly kind: 'pickle' | 'torch';
  readonly payload: Payload;
  /** Reported offset of the call (base applied). */
  readonly at: number;
  readonly depth: number;
}

interface GlobalStat {
  readonly g: GlobalRef;
  readonly verdict: Verdict;
  calls: number;
  firstCall: CallResult | undefined;
}

export class Collector implements MachineSink {
  readonly seen = new Map<string, GlobalStat>();
  readonly findings: Finding[] = [];
  readonly jobs: NestedJob[] = [];
  private readonly reported = new Set<string>();
  opcodes = 0;
  inlineArrays = 0;
  pass: FrameMode = 'file';

  constructor(readonly opts: PickleAnalysisOptions) {}

  get base(): number {
    return this.opts.baseOffset ?? 0;
  }

  /** Adds a finding once per key; returns whether it was new. */
  add(
    rule: Rule,
    key: string,
    input: { message: string; offset?: number; evidence?: string; severity?: Rule['severity'] },
  ): boolean {
    if (this.reported.has(key)) return false;
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
    return true;
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

  /** A loader called on bytes inside the pickle: queue the bytes for their own analysis. */
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
        message: `${describe(g)} unmarshals ${payload.length} bytes into a code object on load`,
        offset: at,
        evidence: `${g.path}${argsPreview(c.args)}`,
      });
      return;
    }
    const depth = (this.opts.depth ?? 0) + 1;
    const fresh = this.add(PICKLE_RULES.nestedPickle, `nested:${at}`, {
      message: `${describe(g)} loads an embedded ${payload.length}-byte payload; it is analysed below`,
      offset: at,
      evidence: `${g.path}${argsPreview(c.args)}`,
    });
    // The second (linear) pass meets the same call again: one analysis is enough.
    if (!fresh) return;
    if (depth > MAX_NESTED_DEPTH) {
      this.add(PICKLE_RULES.limitExceeded, `nested-depth:${at}`, {
        message: `nested payloads deeper than ${MAX_NESTED_DEPTH} levels were not analysed`,
        offset: payloadOffset,
      });
      return;
    }
    this.jobs.push({ g, kind, payload, at, depth });
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

export function describe(g: GlobalRef): string {
  const shown = g.literal === g.path ? `\`${g.path}\`` : `\`${g.literal}\` (resolves to \`${g.path}\`)`;
  return g.assumed ? `${shown}, assuming the intermediate attribute is the module of that name` : shown;
}
