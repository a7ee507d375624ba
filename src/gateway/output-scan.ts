import type { Guard, GuardSpan, ScanOutputOptions, ScanResult } from '../guard/index.js';
import type { RedactionSession } from './redact.js';
import type { TextSlot } from './texts.js';
import type { OutputPolicy, Verdict } from './types.js';

/** Our own canary format (see src/guard/canary.ts): found in a system message, it is watched for in the output. */
const CANARY_IN_PROMPT = /\bwdn-[a-z2-7]{16}\b/g;

/** Everything output scanning needs for one request, resolved once before the upstream call. */
export interface OutputContext {
  readonly policy: OutputPolicy;
  readonly scan: (text: string) => ScanResult;
  readonly session: RedactionSession;
  readonly restoreMode: 'restore' | 'mask';
}

export function outputContext(
  guard: Guard,
  policy: OutputPolicy,
  systemTexts: readonly string[],
  session: RedactionSession,
  restoreMode: 'restore' | 'mask',
): OutputContext {
  const canaries = [...policy.canaries];
  for (const t of systemTexts) for (const m of t.matchAll(CANARY_IN_PROMPT)) canaries.push(m[0]);
  const opts: ScanOutputOptions = {
    detectData: policy.detectData,
    allowedHosts: policy.allowedHosts,
    canaries,
    systemPrompts: policy.systemPromptLeak ? systemTexts : [],
    ...(policy.threshold !== undefined ? { threshold: policy.threshold } : {}),
  };
  return { policy, scan: (text) => guard.scanOutput(text, opts), session, restoreMode };
}

/** Accumulates the verdict of one response over many scans. */
export class OutputVerdict {
  flagged = false;
  score = 0;
  readonly categories = new Set<string>();

  add(r: ScanResult, spans: readonly GuardSpan[] = r.spans): void {
    this.score = Math.max(this.score, r.score);
    if (spans.length === 0) return;
    this.flagged = true;
    for (const s of spans) this.categories.add(s.category);
  }

  toVerdict(action: OutputPolicy['action']): Verdict {
    const act = !this.flagged ? 'allow' : action === 'block' || action === 'redact' ? action : 'log';
    return { flagged: this.flagged, score: this.score, categories: [...this.categories].sort(), action: act };
  }
}

/** The mask that replaces a leaked span: detector id for secrets/PII, the category otherwise. */
export function leakMask(s: GuardSpan): string {
  const what = s.category === 'secret-leak' || s.category === 'pii-leak' ? s.signal : s.category;
  return `[REDACTED:${what}]`;
}

/** Replaces spans (offsets shifted by `-offset`, clipped at 0) with masks; overlapping spans merge. */
export function maskSpans(text: string, spans: readonly GuardSpan[], offset = 0): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const s of sorted) {
    const start = Math.max(0, s.start - offset);
    const end = Math.min(text.length, s.end - offset);
    if (end <= pos) continue;
    out += text.slice(pos, Math.max(pos, start)) + leakMask(s);
    pos = end;
  }
  return out + text.slice(pos);
}

/**
 * Scans and rewrites complete texts (a non-streaming body, or the full-text `done` events of a stream):
 * masks leaks under `redact`, then restores request placeholders. Returns false when the policy blocks.
 */
export function guardSlots(ctx: OutputContext, slots: readonly TextSlot[], verdict: OutputVerdict): boolean {
  for (const s of slots) {
    let text = s.text;
    if (ctx.policy.action !== 'off') {
      const r = ctx.scan(text);
      verdict.add(r);
      if (r.flagged && ctx.policy.action === 'block') return false;
      if (r.flagged && ctx.policy.action === 'redact') text = maskSpans(text, r.spans);
    }
    text = ctx.session.restore(text, ctx.restoreMode);
    if (text !== s.text) s.set(text);
  }
  return true;
}
