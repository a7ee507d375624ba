import { type Candidate, type CompiledSet, scanCandidates } from './engine.js';

/** Field names that hold credentials (JSON keys, CSV headers, Parquet columns). */
const CREDENTIAL_KEY =
  /(?:^|[^a-z])(?:pass(?:word|wd)?|pwd|secret|token|api[-_ ]?key|access[-_ ]?key|private[-_ ]?key|client[-_ ]?secret|auth|credentials?)(?:$|[^a-z])|password|secret|apikey|token$/i;

export const KEYED_REGEXES: readonly RegExp[] = [CREDENTIAL_KEY];

export function isCredentialKey(key: string): boolean {
  return key.length > 0 && key.length <= 64 && CREDENTIAL_KEY.test(key);
}

/**
 * Scans a value whose field name is known. A structured value has lost the `password = …`
 * shape the generic detector keys on, so a credential-named field is scanned as `key=value`
 * and offsets are mapped back to the value. Other fields are scanned as they are, the key
 * serving as context.
 */
export function scanKeyedValue(key: string, value: string, set: CompiledSet): Candidate[] {
  const lower = key.toLowerCase();
  if (!isCredentialKey(key)) return scanCandidates(value, set, { extraContext: lower });
  const prefix = `${key.replace(/[^A-Za-z0-9_]/g, '_')}=`;
  return scanCandidates(prefix + value, set, { extraContext: lower })
    .filter((c) => c.start >= prefix.length)
    .map((c) => ({ ...c, start: c.start - prefix.length, end: c.end - prefix.length }));
}
