import { maskSecret } from '../../core/finding.js';
import { type Detection, detect } from '../../data/detect/index.js';

// Literals shorter than any provider key cannot hold one; very long ones are data blobs, not keys.
const MIN_LEN = 12;
const MAX_LEN = 4096;

/**
 * Runs the data module's secret detectors on one string literal. The detectors score context
 * ("api_key =" before a value raises confidence), so the literal is shown to them the way it
 * appears in code: after the name it is assigned to, when there is one.
 */
export function literalSecrets(value: string, contextName: string): Detection[] {
  if (value.length < MIN_LEN || value.length > MAX_LEN) return [];
  const prefix = contextName ? `${contextName.slice(0, 80)} = "` : '"';
  const text = `${prefix}${value}"`;
  return detect(text, { kinds: ['secret'] })
    .filter((d) => d.start >= prefix.length && d.end <= prefix.length + value.length)
    .map((d) => ({ ...d, start: d.start - prefix.length, end: d.end - prefix.length }));
}

/** The source line with every detected value masked, for evidence. */
export function maskedLine(line: string, values: readonly string[]): string {
  let out = line;
  for (const v of values) if (v) out = out.split(v).join(maskSecret(v));
  return out;
}
