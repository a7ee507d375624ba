import { createHash } from 'node:crypto';
import { parquetMetadataAsync } from 'hyparquet';
import { parse as parseYaml } from 'yaml';
import type { ByteSource } from '../core/byte-source.js';
import type { Finding } from '../core/finding.js';
import { findingOf } from '../core/rule.js';
import { tokenizeRows } from './formats/csv-tokenize.js';
import { asyncBufferOf } from './formats/parquet.js';
import { type DataFormat, sniffDataFormat } from './formats/sniff.js';
import { FILE_ADDED_RULE, FILE_CHANGED_RULE, FILE_REMOVED_RULE } from './rules.js';

export const MANIFEST_VERSION = 1;

export interface ManifestEntry {
  /** POSIX path relative to the manifest root. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** Also kept so DVC's md5 can be checked against the same read. */
  readonly md5: string;
  readonly format: DataFormat;
  /** Data rows (CSV/TSV without header, JSONL non-empty lines, Parquet num_rows), when known. */
  readonly rows?: number;
}

export interface DvcOut {
  /** The .dvc file that declared it. */
  readonly file: string;
  /** Output path relative to the manifest root. */
  readonly path: string;
  readonly md5?: string;
  readonly size?: number;
  /** Directory outputs: md5 of the `.dir` listing (`…​.dir`). */
  readonly dir: boolean;
}

export interface DataManifest {
  readonly version: number;
  readonly tool: string;
  readonly created: string;
  readonly files: ManifestEntry[];
  readonly dvc?: DvcOut[];
}

/**
 * Digests one file in a single streamed pass: sha256 and md5 of the bytes, and the row count for
 * tabular formats (CSV rows honour quoted newlines).
 */
export async function digestSource(
  src: ByteSource,
  name: string,
  blockBytes = 4 << 20,
): Promise<Omit<ManifestEntry, 'path'>> {
  const head = await src.read(0, 8192);
  const format = sniffDataFormat(name, head);
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  const decoder = new TextDecoder('utf-8');
  const countLines = format === 'jsonl';
  const csv = format === 'csv' || format === 'tsv';
  let rows = 0;
  let carry = '';
  let lastNonEmpty = false;
  for (let pos = 0; pos < src.size; ) {
    const chunk = await src.read(pos, blockBytes);
    if (chunk.length === 0) break;
    pos += chunk.length;
    sha.update(chunk);
    md5.update(chunk);
    const last = pos >= src.size;
    if (countLines) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i]!;
        if (b === 10) {
          if (lastNonEmpty) rows++;
          lastNonEmpty = false;
        } else if (b !== 13 && b !== 32 && b !== 9) lastNonEmpty = true;
      }
      if (last && lastNonEmpty) rows++;
    } else if (csv) {
      const buf = carry + decoder.decode(chunk, { stream: !last });
      const r = tokenizeRows(buf, format === 'csv' ? 44 : 9, format === 'csv', last, 1, 1, (row, s, e) => {
        if (e > s || row.n > 1) rows++;
      });
      carry = buf.slice(r.consumed);
    }
  }
  if (csv && rows > 0) rows--; // header
  let parquetRows: number | undefined;
  if (format === 'parquet') {
    try {
      parquetRows = Number((await parquetMetadataAsync(asyncBufferOf(src))).num_rows);
    } catch {
      parquetRows = undefined;
    }
  }
  const count = format === 'parquet' ? parquetRows : countLines || csv ? rows : undefined;
  return {
    size: src.size,
    sha256: sha.digest('hex'),
    md5: md5.digest('hex'),
    format,
    ...(count === undefined ? {} : { rows: count }),
  };
}

/** Reads the `outs` of a DVC stage file (`data.csv.dvc`). */
export function parseDvcFile(text: string, file: string, dirOfFile: string): DvcOut[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 10 });
  } catch {
    return [];
  }
  const outs = (doc as { outs?: unknown })?.outs;
  if (!Array.isArray(outs)) return [];
  const res: DvcOut[] = [];
  for (const o of outs) {
    if (!o || typeof o !== 'object') continue;
    const { path, md5, size } = o as { path?: unknown; md5?: unknown; size?: unknown };
    if (typeof path !== 'string') continue;
    const rel = dirOfFile ? `${dirOfFile}/${path}` : path;
    res.push({
      file,
      path: rel.replace(/\/+$/, ''),
      ...(typeof md5 === 'string' ? { md5 } : {}),
      ...(typeof size === 'number' ? { size } : {}),
      dir: typeof md5 === 'string' && md5.endsWith('.dir'),
    });
  }
  return res;
}

/** A DVC `.dir` listing: `[{"md5": "…", "relpath": "…"}]`. */
export function parseDvcDir(text: string): Array<{ md5: string; relpath: string }> {
  try {
    const v: unknown = JSON.parse(text);
    if (!Array.isArray(v)) return [];
    return v.filter((e) => e && typeof e.md5 === 'string' && typeof e.relpath === 'string');
  } catch {
    return [];
  }
}

export interface VerifyInput {
  readonly manifestPath: string;
  readonly expected: readonly ManifestEntry[];
  readonly actual: readonly ManifestEntry[];
  /** Extra expectations from DVC: path → md5. */
  readonly dvcMd5?: ReadonlyMap<string, { md5: string; from: string }>;
}

/** Compares a manifest with the files now present: added, removed and changed files as findings. */
export function compareManifest(v: VerifyInput): Finding[] {
  const out: Finding[] = [];
  const now = new Map(v.actual.map((e) => [e.path, e]));
  const then = new Map(v.expected.map((e) => [e.path, e]));
  for (const e of v.expected) {
    const a = now.get(e.path);
    if (!a) {
      out.push(findingOf(FILE_REMOVED_RULE, { path: e.path, message: `${e.path} is in the manifest but missing` }));
      continue;
    }
    const what: string[] = [];
    if (a.size !== e.size) what.push(`size ${e.size} → ${a.size}`);
    if (a.sha256 !== e.sha256) what.push(`sha256 ${e.sha256.slice(0, 12)}… → ${a.sha256.slice(0, 12)}…`);
    if (e.rows !== undefined && a.rows !== e.rows) what.push(`rows ${e.rows} → ${a.rows ?? '?'}`);
    if (what.length)
      out.push(
        findingOf(FILE_CHANGED_RULE, {
          path: e.path,
          message: `${e.path} changed: ${what.join(', ')}`,
          evidence: a.sha256,
        }),
      );
  }
  for (const a of v.actual) {
    if (!then.has(a.path))
      out.push(
        findingOf(FILE_ADDED_RULE, { path: a.path, message: `${a.path} is not in the manifest`, evidence: a.sha256 }),
      );
  }
  for (const [path, { md5, from }] of v.dvcMd5 ?? []) {
    const a = now.get(path);
    if (a && a.md5 !== md5) {
      out.push(
        findingOf(FILE_CHANGED_RULE, {
          path,
          message: `${path} does not match ${from} (md5 ${md5} → ${a.md5})`,
          evidence: a.md5,
        }),
      );
    }
  }
  return out;
}
