import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';

/**
 * Policy globs are relative to the folder holding warden.yaml. A pattern without a slash matches
 * the file name at any depth (`*.pkl`), as in .gitignore; `dir/**` matches below `dir`.
 */
export type PathMatcher = (path: string) => boolean;

const cache = new Map<string, PathMatcher>();

export function globMatcher(globs: readonly string[]): PathMatcher {
  const key = globs.join('\u0000');
  let m = cache.get(key);
  if (!m) {
    const anchored = globs.filter((g) => g.includes('/'));
    const basenames = globs.filter((g) => !g.includes('/'));
    const a = anchored.length > 0 ? picomatch(anchored.map(stripDotSlash), { dot: true }) : () => false;
    const b = basenames.length > 0 ? picomatch(basenames, { dot: true, basename: true }) : () => false;
    m = (p: string) => a(p) || b(p);
    if (cache.size > 1000) cache.clear();
    cache.set(key, m);
  }
  return m;
}

function stripDotSlash(g: string): string {
  return g.startsWith('./') ? g.slice(2) : g;
}

/**
 * Turns a reported path (relative to the working directory, or absolute) into the path the policy
 * sees: relative to the policy root, with forward slashes. Without a root the path is used as given.
 */
export function policyPathOf(reported: string, root: string | undefined, cwd: string | undefined): string {
  if (root === undefined || cwd === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(reported)) {
    return stripDotSlash(reported.split(sep).join('/'));
  }
  const abs = isAbsolute(reported) ? reported : resolve(cwd, reported);
  const rel = relative(root, abs).split(sep).join('/');
  return rel === '' ? '.' : rel;
}

/** Folders from a file's own folder up to the root of its relative path: `a/b/c.pt` → `a/b`, `a`, ``. */
export function parentDirs(path: string): string[] {
  const out: string[] = [];
  let dir = posix.dirname(path);
  for (;;) {
    out.push(dir === '.' ? '' : dir);
    if (dir === '.' || dir === '/' || dir === '') break;
    const up = posix.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}
