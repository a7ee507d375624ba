import { ParseFailure } from '../../core/result.js';
import { SUSPICIOUS_CODE_NAMES } from './danger.js';
import { decodeCodeObject, summarizeCode } from './marshal.js';

/** Base64 text larger than this is not decoded (a Lambda body is a few KiB). */
const MAX_BASE64 = 8 * 1024 * 1024;

export interface LambdaCode {
  /** One line for the finding's evidence: names, constants, locals. */
  readonly evidence: string;
  /** Names from the bytecode that are on the suspicious list (`os`, `system`). */
  readonly suspicious: readonly string[];
  readonly functionName?: string;
  readonly error?: string;
}

function base64Bytes(text: string): Uint8Array | undefined {
  if (text.length > MAX_BASE64 || !/^[A-Za-z0-9+/=\s_-]*$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function list(items: readonly string[], max = 12): string {
  const shown = items.slice(0, max).map((s) => JSON.stringify(s.length > 40 ? `${s.slice(0, 39)}…` : s));
  return `[${shown.join(', ')}${items.length > max ? ', …' : ''}]`;
}

/** Decodes a base64 marshalled code object into evidence; never throws. */
export function describeLambdaCode(base64: string): LambdaCode {
  const bytes = base64Bytes(base64);
  if (!bytes || bytes.length === 0) return { evidence: 'bytecode not base64', suspicious: [], error: 'not base64' };
  try {
    const s = summarizeCode(decodeCodeObject(bytes));
    const suspicious = s.names.filter((n) => SUSPICIOUS_CODE_NAMES.includes(n));
    const parts = [`function ${s.functions[0] ?? '?'}`, `co_names ${list(s.names)}`];
    if (s.strings.length > 0) parts.push(`co_consts ${list(s.strings)}`);
    if (s.varnames.length > 0) parts.push(`co_varnames ${list(s.varnames)}`);
    const functionName = s.functions[0];
    return functionName === undefined
      ? { evidence: parts.join('; '), suspicious }
      : { evidence: parts.join('; '), suspicious, functionName };
  } catch (e) {
    const message = e instanceof ParseFailure ? e.error.message : 'undecodable';
    return { evidence: `${bytes.length} bytes of bytecode (undecoded: ${message})`, suspicious: [], error: message };
  }
}
