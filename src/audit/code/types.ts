import type { Rule } from '../../core/rule.js';
import type { Severity } from '../../core/severity.js';

/** One code-check hit, before it becomes a Finding (the caller knows the path and member). */
export interface CodeIssue {
  readonly rule: Rule;
  readonly line: number;
  readonly message: string;
  /** The source line, trimmed; secrets already masked. */
  readonly evidence: string;
  /** When the context makes it more or less severe than the rule's default. */
  readonly severity?: Severity;
}

/** What the rest of the project tells a code check (e.g. which torch the manifests allow). */
export interface CodeContext {
  /** True when a manifest allows a torch release before 2.6, where `torch.load` unpickles by default. */
  readonly torchBefore26?: boolean;
  /** True when a `from_pretrained("a/b")` argument names a folder of the project rather than a hub repository. */
  readonly isLocalPath?: (p: string) => boolean;
}

/** Taint labels: where a value may come from. */
export const USER = 1;
export const LLM = 2;
/** The value is (or contains) a string built from user input: a prompt assembled by concatenation. */
export const BUILT = 4;

/** The trimmed source line, capped. */
export function lineText(lines: readonly string[], line: number): string {
  return (lines[line - 1] ?? '').trim().slice(0, 240);
}

/** One finding per rule and line: the same pattern reached twice is one problem. */
export function dedupe(issues: readonly CodeIssue[]): CodeIssue[] {
  const seen = new Set<string>();
  const out: CodeIssue[] = [];
  for (const i of issues) {
    const k = `${i.rule.id}:${i.line}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(i);
  }
  return out.sort((a, b) => a.line - b.line || (a.rule.id < b.rule.id ? -1 : 1));
}
