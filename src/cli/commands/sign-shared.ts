import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { canonicalRelPath } from '../../supply/hashing/walk.js';
import { UsageError } from '../types.js';

/** Default signature location: `model.sig` inside a model folder, `FILE.sig` beside a one-file model. */
export async function defaultSignaturePath(model: string): Promise<string> {
  const st = await statOrUsage(model);
  return st.isDirectory() ? join(model, 'model.sig') : `${model}.sig`;
}

export async function statOrUsage(path: string) {
  try {
    return await stat(path);
  } catch {
    throw new UsageError(`${path}: no such file or folder`);
  }
}

/**
 * Turns user paths (relative to the working directory, as the reference CLI reads them) into
 * canonical paths relative to the model root; paths outside the model are dropped.
 */
export function toModelRelative(paths: readonly string[], cwd: string, modelRoot: string): string[] {
  const root = resolve(cwd, modelRoot);
  const out: string[] = [];
  for (const p of paths) {
    const rel = relative(root, resolve(cwd, p));
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) continue;
    const canon = canonicalRelPath(rel.split(sep).join('/'));
    if (canon !== undefined && canon !== '') out.push(canon);
  }
  return out;
}
