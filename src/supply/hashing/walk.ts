import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';

/** Excluded at the model root by default (OMS v1.0 §6.2; the reference ignores the same four). */
export const DEFAULT_IGNORES = ['.git', '.gitignore', '.gitattributes', '.github'] as const;

export interface ModelEntry {
  /** Canonical resource name: relative to the model root, `/`-separated (OMS §6.1.2). */
  readonly name: string;
  readonly path: string;
  readonly size: number;
}

export interface WalkOptions {
  /** Canonical relative paths; each excludes itself and, for a directory, its subtree. */
  readonly ignorePaths: readonly string[];
  readonly allowSymlinks: boolean;
  /** A hostile tree must not exhaust memory; past this many files the walk fails. */
  readonly maxFiles?: number;
}

export interface ModelListing {
  /** True when the model path is one file rather than a directory. */
  readonly single: boolean;
  readonly entries: ModelEntry[];
  readonly warnings: string[];
}

export class WalkError extends Error {
  override readonly name = 'WalkError';
}

const DEFAULT_MAX_FILES = 1_000_000;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Canonicalises a relative path per OMS §6.1.2 (collapse `.`, `//`, trailing `/`).
 * Returns undefined for paths that are absolute or climb out with `..`.
 */
export function canonicalRelPath(p: string): string | undefined {
  if (p.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.join('/');
}

export function isIgnored(name: string, ignorePaths: readonly string[]): boolean {
  return ignorePaths.some((p) => p !== '' && (name === p || name.startsWith(`${p}/`)));
}

/** Code-point order (OMS §5.2.1); JS's default `<` compares UTF-16 units, which differs past U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/**
 * Lists the regular files of a model the way the OMS reference does: every file under the
 * root (hidden ones included), minus ignored paths; symbolic links are an error unless
 * allowed, in which case they are followed (cycles and links leaving the root are warned
 * about and not descended twice).
 */
export async function listModel(root: string, opts: WalkOptions): Promise<ModelListing> {
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
  const warnings: string[] = [];
  const rootLst = await lstat(root);
  if (rootLst.isSymbolicLink() && !opts.allowSymlinks) {
    throw new WalkError(`${root} is a symbolic link; pass --allow-symlinks to follow it`);
  }
  const rootSt = rootLst.isSymbolicLink() ? await stat(root) : rootLst;
  if (rootSt.isFile()) {
    return { single: true, entries: [{ name: basename(root), path: root, size: rootSt.size }], warnings };
  }
  if (!rootSt.isDirectory()) throw new WalkError(`${root} is neither a file nor a directory`);

  const rootReal = await realpath(root);
  const entries: ModelEntry[] = [];
  const visiting = new Set<string>([rootReal]);

  const walk = async (dir: string, prefix: string): Promise<void> => {
    let dirents: Dirent<Buffer>[];
    try {
      dirents = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      throw new WalkError(`cannot read directory ${dir}: ${(e as Error).message}`);
    }
    for (const d of dirents) {
      let nameOnDisk: string;
      try {
        nameOnDisk = utf8.decode(d.name);
      } catch {
        throw new WalkError(`${join(dir, d.name.toString('latin1'))}: file name is not valid UTF-8 (OMS §6.1.2)`);
      }
      const name = prefix === '' ? nameOnDisk : `${prefix}/${nameOnDisk}`;
      if (isIgnored(name, opts.ignorePaths)) continue;
      const path = join(dir, nameOnDisk);
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      if (d.isSymbolicLink()) {
        if (!opts.allowSymlinks) throw new WalkError(`${name} is a symbolic link; pass --allow-symlinks to follow it`);
        let st: Awaited<ReturnType<typeof stat>>;
        try {
          st = await stat(path);
        } catch {
          throw new WalkError(`${name} is a broken symbolic link`);
        }
        const target = await realpath(path);
        const rel = relative(rootReal, target);
        if (rel.startsWith(`..${sep}`) || rel === '..')
          warnings.push(`${name} links outside the model root (${target})`);
        isDir = st.isDirectory();
        isFile = st.isFile();
        if (isDir && visiting.has(target)) {
          warnings.push(`${name} links back to an ancestor directory; not descended`);
          continue;
        }
        if (isDir) {
          visiting.add(target);
          await walk(path, name);
          visiting.delete(target);
          continue;
        }
      }
      if (isDir) {
        await walk(path, name);
      } else if (isFile) {
        if (entries.length >= maxFiles) throw new WalkError(`more than ${maxFiles} files under ${root}`);
        const st = await stat(path);
        entries.push({ name, path, size: st.size });
      } else {
        throw new WalkError(`${name} is not a regular file or directory (socket, FIFO or device)`);
      }
    }
  };
  await walk(root, '');
  entries.sort((a, b) => compareCodePoints(a.name, b.name));
  return { single: false, entries, warnings };
}
