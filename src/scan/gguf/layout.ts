import type { GgufFile, GgufIssue } from './reader.js';
import { tensorBytes } from './reader.js';
import { GGML_TYPES } from './tables.js';

const DEFAULT_ALIGNMENT = 32;

/**
 * Where tensor data starts and whether every tensor fits: offsets are relative to the data
 * section, which begins at the first multiple of `general.alignment` after the tensor infos.
 */
export function checkLayout(
  file: GgufFile,
  fileSize: number,
): { issues: GgufIssue[]; dataStart?: number; alignment: number } {
  const issues: GgufIssue[] = [];
  const alignKv = file.kvs.get('general.alignment');
  let alignment = DEFAULT_ALIGNMENT;
  if (alignKv) {
    const v = alignKv.value;
    if (alignKv.type !== 4 || typeof v !== 'number' || v === 0 || (v & (v - 1)) !== 0)
      issues.push({
        rule: 'invalidStructure',
        message: 'general.alignment is not a non-zero power of two u32',
        offset: alignKv.offset,
        evidence: String(v),
      });
    else alignment = v;
  }
  if (file.dataStart === undefined) return { issues, alignment };
  const dataStart = Math.ceil(file.dataStart / alignment) * alignment;
  const dataSize = BigInt(Math.max(0, fileSize - dataStart));
  const names = new Set<string>();
  const spans: { name: string; begin: bigint; end: bigint }[] = [];
  for (const t of file.tensors) {
    if (issues.length >= 100) break;
    if (names.has(t.name))
      issues.push({
        rule: 'invalidStructure',
        message: `duplicate tensor name ${JSON.stringify(t.name)}`,
        offset: dataStart,
        evidence: t.name,
      });
    names.add(t.name);
    if (t.offset % BigInt(alignment) !== 0n)
      issues.push({
        rule: 'invalidStructure',
        message: `tensor ${JSON.stringify(t.name)} offset ${t.offset} is not a multiple of the ${alignment}-byte alignment`,
        offset: dataStart,
      });
    if (!GGML_TYPES[t.type]) {
      issues.push({
        rule: 'invalidStructure',
        severity: 'low',
        message: `tensor ${JSON.stringify(t.name)} has unknown ggml type ${t.type}; its size was not checked`,
        offset: dataStart,
      });
      continue;
    }
    const bytes = tensorBytes(t);
    if (bytes === undefined) {
      issues.push({
        rule: 'invalidStructure',
        message: `tensor ${JSON.stringify(t.name)} shape [${t.dims.join(', ')}] is not a whole number of ${GGML_TYPES[t.type]?.[0]} blocks`,
        offset: dataStart,
      });
      continue;
    }
    const end = t.offset + bytes;
    if (end > dataSize)
      issues.push({
        rule: 'tensorOutOfBounds',
        message: `tensor ${JSON.stringify(t.name)} data [${t.offset}, ${end}) runs past the ${dataSize}-byte data section`,
        offset: dataStart,
        evidence: `${t.name} ${GGML_TYPES[t.type]?.[0]}[${t.dims.join(', ')}] @${t.offset}`,
      });
    else spans.push({ name: t.name, begin: t.offset, end });
  }
  spans.sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : 0));
  let cursor = 0n;
  let prev = '';
  for (const s of spans) {
    if (s.begin < cursor && issues.length < 100)
      issues.push({
        rule: 'invalidStructure',
        message: `tensor ${JSON.stringify(s.name)} overlaps tensor ${JSON.stringify(prev)}`,
        offset: dataStart,
      });
    if (s.end > cursor) {
      cursor = s.end;
      prev = s.name;
    }
  }
  return { issues, dataStart, alignment };
}
