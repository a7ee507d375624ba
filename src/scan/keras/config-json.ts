import type { ByteSource } from '../../core/byte-source.js';
import { type ParseError, parseError } from '../../core/result.js';

/** JSON configs larger than this are not parsed (a Keras or HF config is kilobytes to a few MiB). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: false });
const FIRST_KEY = /^\s*\{\s*"([^"\\]{1,64})"\s*:/;
const HF_MARKERS = ['"model_type"', '"architectures"', '"transformers_version"', '"auto_map"', '"_name_or_path"'];

/**
 * `config.json` is claimed by name, and both Keras 3 (inside a `.keras` zip) and Hugging Face use
 * that name; the content decides. Keras serializes `{"module": …, "class_name": …, "config": …}`.
 */
export function headLooksKeras(head: Uint8Array): boolean {
  const text = decoder.decode(head);
  const first = FIRST_KEY.exec(text)?.[1];
  if (first === 'module' || first === 'class_name') return true;
  return text.includes('"class_name"') && !HF_MARKERS.some((m) => text.includes(m));
}

/** The full-parse check: a Keras-serialized object at the top level. */
export function isKerasConfigObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.class_name === 'string' && 'config' in v;
}

export type JsonRead = { ok: true; value: unknown; text: string } | { ok: false; error: ParseError };

/** Reads and parses a JSON file whole, refusing anything above the cap. */
export async function readJson(src: ByteSource, cap: number): Promise<JsonRead> {
  const text = await readText(src, cap);
  if (text === undefined) return { ok: false, error: parseError('limit_exceeded', `JSON larger than ${cap} bytes`) };
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (e) {
    return { ok: false, error: parseError('invalid_structure', `invalid JSON: ${e instanceof Error ? e.message : e}`) };
  }
}

export async function readText(src: ByteSource, cap: number): Promise<string | undefined> {
  if (src.size > cap) return undefined;
  return decoder.decode(await src.read(0, src.size));
}
