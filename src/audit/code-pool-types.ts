import type { Finding } from '../core/finding.js';
import type { TargetResult } from '../core/target.js';
import type { PoolReply } from '../io/workers.js';
import type { CodeContext } from './code/types.js';
import type { CodeFile } from './code-files.js';

/** The project context a code check needs, in a form that crosses a worker boundary. */
export interface WireContext {
  readonly torchBefore26: boolean;
  /** Folders of the project (display paths) and the audited root's display path. */
  readonly dirs: readonly string[];
  readonly root: string;
}

export interface CodeJob {
  readonly items: readonly { readonly id: number; readonly file: CodeFile }[];
  readonly context: WireContext;
}

export type CodeReply = PoolReply<{ readonly target: TargetResult; readonly findings: Finding[] }>;

/** Rebuilds the code-check context: a `from_pretrained("a/b")` naming a project folder is local. */
export function contextOf(w: WireContext): CodeContext {
  const dirs = new Set(w.dirs);
  return {
    torchBefore26: w.torchBefore26,
    isLocalPath: (p) => dirs.has(p) || dirs.has(w.root === '.' ? p : `${w.root}/${p}`),
  };
}
