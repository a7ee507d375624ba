import { lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';

export interface WalkEntry {
  /** Absolute path on disk. */
  readonly absPath: string;
  /** Path as reported: relative to the working directory when under it. */
  readonly displayPath: string;
  readonly size: number;
  /** Names of the regular files in the same folder. */
  readonly siblings: readonly string[];
}

export interface WalkProblem {
  readonly displayPath: string;
  readonly code: 'not_found' | 'permission' | 'excluded' | 'io_error';
  readonly message: string;
}

export interface WalkOptions {
  readonly cwd: string;
  readonly exclude: readonly string[];
  /** Symbolic links are not followed unless asked: a link can point anywhere on the machine. */
  readonly followSymlinks?: boolean;
}

/** Folders never worth descending into. */
const ALWAYS_SKIPPED = new Set(['.git', '.hg', '.svn']);

/**
 * Lists the files under the given paths in a stable order, without reading them. Synchronous
 * syscalls: one thread-pool round trip per stat made listing large trees slower than scanning them.
 */
export async function walk(
  paths: readonly string[],
  opts: WalkOptions,
): Promise<{ files: WalkEntry[]; problems: WalkProblem[] }> {
  const files: WalkEntry[] = [];
  const problems: WalkProblem[] = [];
  const isExcluded = opts.exclude.length > 0 ? picomatch(opts.exclude as string[], { dot: true }) : () => false;
  const display = (abs: string) => {
    const rel = relative(opts.cwd, abs);
    return rel === '' ? '.' : rel.startsWith('..') ? abs : rel.split(sep).join('/');
  };
  const excluded = (abs: string) => {
    const d = display(abs);
    return isExcluded(d) || isExcluded(basename(abs));
  };

  const visitDir = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push(problemOf(display(dir), e));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const siblings = entries.filter((e) => e.isFile()).map((e) => e.name);
    for (const e of entries) {
      const abs = join(dir, e.name);
      if (excluded(abs)) continue;
      if (e.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(e.name)) await visitDir(abs);
      } else if (e.isFile()) {
        await addFile(abs, siblings);
      } else if (e.isSymbolicLink() && opts.followSymlinks) {
        await visitPath(abs, siblings);
      }
    }
  };

  const seen = new Set<string>();
  const addFile = async (abs: string, siblings: readonly string[]) => {
    if (seen.has(abs)) return; // the same file named twice (a folder and a file in it) is scanned once
    seen.add(abs);
    try {
      const st = statSync(abs);
      files.push({ absPath: abs, displayPath: display(abs), size: st.size, siblings });
    } catch (e) {
      problems.push(problemOf(display(abs), e));
    }
  };

  const visitPath = async (abs: string, siblings?: readonly string[]) => {
    let st: import('node:fs').Stats;
    try {
      st = opts.followSymlinks ? statSync(abs) : lstatSync(abs);
      if (st.isSymbolicLink()) st = statSync(abs);
    } catch (e) {
      problems.push(problemOf(display(abs), e));
      return;
    }
    if (st.isDirectory()) await visitDir(abs);
    else if (st.isFile()) await addFile(abs, siblings ?? (await siblingsOf(abs)));
  };

  for (const p of paths) {
    const abs = resolve(opts.cwd, p);
    await visitPath(abs);
  }
  return { files, problems };
}

async function siblingsOf(file: string): Promise<string[]> {
  try {
    const entries = readdirSync(dirname(file), { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

function problemOf(displayPath: string, e: unknown): WalkProblem {
  const code = (e as NodeJS.ErrnoException).code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'ENOENT') return { displayPath, code: 'not_found', message: `no such file or folder: ${displayPath}` };
  if (code === 'EACCES' || code === 'EPERM') return { displayPath, code: 'permission', message };
  return { displayPath, code: 'io_error', message };
}
