import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../core/finding.js';
import {
  compareManifest,
  type DataManifest,
  type DvcOut,
  digestSource,
  MANIFEST_VERSION,
  type ManifestEntry,
  parseDvcDir,
  parseDvcFile,
} from '../data/manifest.js';
import { FileSource } from './file-source.js';
import { walk } from './walk.js';

export const DEFAULT_MANIFEST_NAME = 'warden-data.manifest.json';

/** The folder a manifest describes: the folder itself, or a file's parent. */
export async function manifestRoot(path: string): Promise<string> {
  const st = await stat(path);
  return st.isDirectory() ? path : dirname(path);
}

const posix = (p: string) => p.split(sep).join('/');

/** Digests every file under `target` (skipping DVC's cache and the manifest itself). */
export async function collectEntries(
  target: string,
  root: string,
  skip: ReadonlySet<string>,
): Promise<ManifestEntry[]> {
  const { files } = await walk([target], { cwd: root, exclude: ['.dvc/**', '**/.dvc/**'] });
  const out: ManifestEntry[] = [];
  for (const f of files) {
    if (skip.has(f.absPath)) continue;
    const src = await FileSource.open(f.absPath);
    try {
      out.push({ path: posix(relative(root, f.absPath)), ...(await digestSource(src, basename(f.absPath))) });
    } finally {
      await src.close();
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** DVC outputs declared by `*.dvc` files among the entries; directory outputs expanded from the cache's `.dir` listing. */
export async function dvcExpectations(
  root: string,
  entries: readonly ManifestEntry[],
): Promise<{ outs: DvcOut[]; md5: Map<string, { md5: string; from: string }> }> {
  const outs: DvcOut[] = [];
  const md5 = new Map<string, { md5: string; from: string }>();
  for (const e of entries.filter((x) => x.path.endsWith('.dvc'))) {
    const text = await readFile(join(root, e.path), 'utf8').catch(() => '');
    const dir = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : '';
    for (const o of parseDvcFile(text, e.path, dir)) {
      outs.push(o);
      if (!o.md5) continue;
      if (!o.dir) {
        md5.set(o.path, { md5: o.md5, from: e.path });
        continue;
      }
      const h = o.md5.replace(/\.dir$/, '');
      for (const cache of [
        `.dvc/cache/files/md5/${h.slice(0, 2)}/${h.slice(2)}.dir`,
        `.dvc/cache/${h.slice(0, 2)}/${h.slice(2)}.dir`,
      ]) {
        const listing = await readFile(join(root, cache), 'utf8').catch(() => undefined);
        if (listing === undefined) continue;
        for (const item of parseDvcDir(listing))
          md5.set(`${o.path}/${item.relpath}`, { md5: item.md5, from: `${e.path} (${cache})` });
        break;
      }
    }
  }
  return { outs, md5 };
}

export async function buildManifest(
  target: string,
  output: string,
  tool: string,
): Promise<{ manifest: DataManifest; findings: Finding[] }> {
  const root = await manifestRoot(target);
  const files = await collectEntries(target, root, new Set([resolve(output)]));
  const dvc = await dvcExpectations(root, files);
  // A manifest made from files that already disagree with their .dvc files says so at once.
  const findings = compareManifest({ manifestPath: output, expected: files, actual: files, dvcMd5: dvc.md5 });
  const manifest: DataManifest = {
    version: MANIFEST_VERSION,
    tool,
    created: new Date().toISOString(),
    files,
    ...(dvc.outs.length ? { dvc: dvc.outs } : {}),
  };
  return { manifest, findings };
}

export async function verifyManifest(manifestPath: string, rootOverride?: string): Promise<Finding[]> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as DataManifest;
  if (manifest.version !== MANIFEST_VERSION || !Array.isArray(manifest.files)) {
    throw new Error(`${manifestPath}: not a Warden data manifest (version ${String(manifest.version)})`);
  }
  const root = rootOverride ?? dirname(manifestPath);
  const actual = await collectEntries(root, root, new Set([resolve(manifestPath)]));
  const dvc = await dvcExpectations(root, actual);
  return compareManifest({ manifestPath, expected: manifest.files, actual, dvcMd5: dvc.md5 });
}
