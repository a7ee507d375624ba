import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import { FileSource } from '../../io/file-source.js';
import { inflateRawCapped } from '../../scan/archive/inflate.js';
import { readZip } from '../../scan/archive/zip-reader.js';
import { advisoriesFromOsv } from './osv.js';
import type { Advisory } from './types.js';

/** One OSV record is a few KiB; anything past this is not one. */
const MAX_RECORD_BYTES = 4 << 20;
const MAX_RECORDS = 2_000_000;

export interface OsvLoad {
  readonly advisories: Advisory[];
  readonly records: number;
  readonly errors: string[];
}

/**
 * Loads OSV records from a folder of `*.json` files (recursively, e.g. an osv.dev export or
 * osv-scanner's offline database folder) or from a zip such as osv-scanner's `all.zip`.
 */
export async function loadOsv(path: string): Promise<OsvLoad> {
  const st = await stat(path);
  const acc: OsvLoad = { advisories: [], records: 0, errors: [] };
  if (st.isDirectory()) await loadDir(path, acc, 0);
  else if (path.endsWith('.zip')) await loadZip(path, acc);
  else addJson(await readFile(path, 'utf8'), path, acc);
  return acc;
}

async function loadDir(dir: string, acc: OsvLoad, depth: number): Promise<void> {
  if (depth > 8) return;
  for (const d of await readdir(dir, { withFileTypes: true })) {
    if (acc.records >= MAX_RECORDS) return;
    const p = join(dir, d.name);
    if (d.isDirectory()) await loadDir(p, acc, depth + 1);
    else if (d.isFile() && d.name.endsWith('.json')) {
      if ((await stat(p)).size > MAX_RECORD_BYTES) acc.errors.push(`${p}: too large for an OSV record`);
      else addJson(await readFile(p, 'utf8'), p, acc);
    } else if (d.isFile() && d.name.endsWith('.zip')) await loadZip(p, acc);
  }
}

async function loadZip(path: string, acc: OsvLoad): Promise<void> {
  const src = await FileSource.open(path);
  try {
    const zip = await readZip(src, { ...DEFAULT_LIMITS, maxMembers: MAX_RECORDS });
    if (zip.error) acc.errors.push(`${path}: ${zip.error.message}`);
    for (const e of zip.entries) {
      if (!e.name.endsWith('.json') || e.dataOffset === undefined) continue;
      let bytes: Uint8Array;
      if (e.method === 0) bytes = await src.read(e.dataOffset, Math.min(e.dataLength, MAX_RECORD_BYTES));
      else if (e.method === 8) {
        const out = await inflateRawCapped(src, e.dataOffset, e.dataLength, {
          maxBytes: MAX_RECORD_BYTES,
          maxRatio: 1000,
        });
        if (out.error || out.stopped) {
          acc.errors.push(`${path}!${e.name}: ${out.error ?? out.stopped}`);
          continue;
        }
        bytes = out.data;
      } else {
        acc.errors.push(`${path}!${e.name}: unsupported compression method ${e.method}`);
        continue;
      }
      addJson(new TextDecoder().decode(bytes), `${path}!${e.name}`, acc);
    }
  } finally {
    await src.close();
  }
}

function addJson(text: string, where: string, acc: OsvLoad): void {
  try {
    const j: unknown = JSON.parse(text);
    for (const r of Array.isArray(j) ? j : [j]) {
      (acc as { records: number }).records++;
      acc.advisories.push(...advisoriesFromOsv(r));
    }
  } catch (e) {
    acc.errors.push(`${where}: ${(e as Error).message}`);
  }
}
