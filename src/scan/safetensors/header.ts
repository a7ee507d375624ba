import { findDuplicateKeys } from './json-keys.js';
import type { SAFETENSORS_RULES } from './rules.js';

/**
 * Pure validation of a safetensors JSON header against the data section that follows it.
 * Follows the format as specified by huggingface/safetensors (README "Format"): a JSON object of
 * `name → {dtype, shape, data_offsets:[begin,end]}` plus an optional `__metadata__` string map;
 * offsets are relative to the byte after the header, tensors are contiguous and fill the data.
 */

/** Bits per element; sub-byte float formats (F4, F6_*) are packed. */
export const DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  F64: 64,
  I64: 64,
  U64: 64,
  C64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
};

export type HeaderRuleKey = keyof typeof SAFETENSORS_RULES;

export interface HeaderIssue {
  readonly rule: HeaderRuleKey;
  readonly message: string;
  readonly evidence?: string;
}

export interface TensorEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

export interface HeaderReport {
  readonly issues: HeaderIssue[];
  readonly tensors: TensorEntry[];
  readonly metadata?: Record<string, string>;
  /** Bytes of the data section after the last tensor (0 for a well-formed file). */
  readonly trailingBytes: number;
  readonly truncated: boolean;
}

const MAX_ISSUES = 50;
const MAX_TENSORS = 10_000_000;
const MAX_RANK = 64;

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function short(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    // Too deep to stringify (hostile nesting); String() would recurse just as deep.
    s = Array.isArray(v) ? '[…]' : typeof v === 'object' ? '{…}' : '?';
  }
  return s.length > 120 ? `${s.slice(0, 119)}…` : s;
}

export function analyzeHeader(text: string, dataSize: number): HeaderReport {
  const issues: HeaderIssue[] = [];
  const add = (rule: HeaderRuleKey, message: string, evidence?: string) => {
    if (issues.length < MAX_ISSUES)
      issues.push(evidence === undefined ? { rule, message } : { rule, message, evidence });
  };
  const tensors: TensorEntry[] = [];
  const empty = { issues, tensors, trailingBytes: 0, truncated: false };

  if (!text.startsWith('{')) add('invalidHeader', 'header does not start with `{`', text.slice(0, 40));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    add('invalidHeader', `header is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    return empty;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    add('invalidHeader', 'header is not a JSON object', short(parsed));
    return empty;
  }
  for (const d of findDuplicateKeys(text))
    add('invalidHeader', `duplicate key ${JSON.stringify(d.key)} (parsers disagree on which one wins)`, d.key);

  let metadata: Record<string, string> | undefined;
  let truncated = false;
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        add('invalidHeader', '`__metadata__` is not an object', short(entry));
        continue;
      }
      metadata = {};
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') add('invalidHeader', `\`__metadata__.${k}\` is not a string`, short(v));
        else metadata[k] = v;
      }
      continue;
    }
    if (tensors.length >= MAX_TENSORS) {
      truncated = true;
      break;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      add('invalidHeader', `tensor ${JSON.stringify(name)} is not an object`, short(entry));
      continue;
    }
    const extra = Object.keys(entry).filter((k) => k !== 'dtype' && k !== 'shape' && k !== 'data_offsets');
    if (extra.length > 0) add('invalidHeader', `tensor ${JSON.stringify(name)} has unknown fields`, extra.join(','));
    const offs = e.data_offsets;
    const shape = e.shape;
    if (typeof e.dtype !== 'string') {
      add('invalidHeader', `tensor ${JSON.stringify(name)} has no string dtype`, short(e.dtype));
      continue;
    }
    if (!Array.isArray(shape) || shape.length > MAX_RANK || !shape.every(isNonNegInt)) {
      add('invalidHeader', `tensor ${JSON.stringify(name)} has an invalid shape`, short(shape));
      continue;
    }
    if (!Array.isArray(offs) || offs.length !== 2 || typeof offs[0] !== 'number' || typeof offs[1] !== 'number') {
      add('invalidHeader', `tensor ${JSON.stringify(name)} has invalid data_offsets`, short(offs));
      continue;
    }
    const [begin, end] = offs as [number, number];
    if (!isNonNegInt(begin) || !isNonNegInt(end) || end < begin || end > dataSize) {
      add(
        'tensorOutOfBounds',
        `tensor ${JSON.stringify(name)} data_offsets [${begin}, ${end}] fall outside the ${dataSize}-byte data section`,
        short({ [name]: entry }),
      );
      continue;
    }
    tensors.push({ name, dtype: e.dtype, shape: shape as number[], begin, end });
    const bits = DTYPE_BITS[e.dtype];
    if (bits === undefined) {
      add('tensorLayout', `tensor ${JSON.stringify(name)} has unknown dtype ${JSON.stringify(e.dtype)}`, e.dtype);
      continue;
    }
    const elements = (shape as number[]).reduce((p, d) => p * BigInt(d), 1n);
    const wantBits = elements * BigInt(bits);
    if (wantBits !== BigInt(end - begin) * 8n)
      add(
        'tensorLayout',
        `tensor ${JSON.stringify(name)} holds ${end - begin} bytes but ${e.dtype}${short(shape)} needs ${wantBits % 8n === 0n ? `${wantBits / 8n}` : `${wantBits} bits`}`,
        short({ [name]: entry }),
      );
  }

  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const t of sorted) {
    if (t.begin > cursor)
      add(
        'tensorLayout',
        `${t.begin - cursor} unused bytes before tensor ${JSON.stringify(t.name)}`,
        `[${cursor}, ${t.begin})`,
      );
    else if (t.begin < cursor)
      add('tensorLayout', `tensor ${JSON.stringify(t.name)} overlaps the tensor before it`, `[${t.begin}, ${t.end})`);
    cursor = Math.max(cursor, t.end);
  }
  const trailingBytes = dataSize - cursor;
  if (trailingBytes > 0)
    add(
      'tensorLayout',
      `${trailingBytes} bytes after the last tensor are not described by the header`,
      `[${cursor}, ${dataSize})`,
    );
  return metadata
    ? { issues, tensors, metadata, trailingBytes, truncated }
    : { issues, tensors, trailingBytes, truncated };
}
