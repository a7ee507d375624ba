export const DATA_FORMATS = ['notebook', 'jsonl', 'json', 'csv', 'tsv', 'parquet', 'text', 'binary'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

const EXT: Readonly<Record<string, DataFormat>> = {
  ipynb: 'notebook',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  json: 'json',
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  parquet: 'parquet',
};

/**
 * Picks a data format: Parquet by its magic bytes, binary by NUL bytes, notebooks by their JSON
 * keys, JSON Lines by two JSON-object lines; the extension decides between CSV/TSV and text,
 * which have no signature.
 */
export function sniffDataFormat(name: string, head: Uint8Array): DataFormat {
  if (head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet';
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const sample = head.subarray(0, 8192);
  if (sample.includes(0)) return 'binary';
  const text = new TextDecoder('utf-8').decode(sample).replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (ext === 'ipynb' || (trimmed.startsWith('{') && /"cells"\s*:/.test(text) && /"nbformat"/.test(text)))
    return 'notebook';
  const byExt = EXT[ext];
  if (byExt && byExt !== 'json') return byExt;
  if (trimmed.startsWith('{')) {
    const lines = trimmed.split('\n', 3);
    if (lines.length >= 2 && lines[0]!.trimEnd().endsWith('}') && lines[1]!.trimStart().startsWith('{')) return 'jsonl';
    return 'json';
  }
  if (trimmed.startsWith('[') || byExt === 'json') return 'json';
  return 'text';
}
