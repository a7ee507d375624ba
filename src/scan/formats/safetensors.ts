import { type ByteSource, SliceSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { cleanEvidence } from '../../core/finding.js';
import { type ParseError, parseError } from '../../core/result.js';
import { findingOf } from '../../core/rule.js';
import { analyzeHeader, type HeaderReport } from '../safetensors/header.js';
import { SAFETENSORS_RULE_LIST, SAFETENSORS_RULES } from '../safetensors/rules.js';
import type { FormatScanner, Member, ScanContext, ScanOutcome, SniffInput } from '../types.js';

/**
 * safetensors has no magic: 8 bytes of little-endian header length, then a JSON object. We claim
 * a file only when byte 8 is `{`, the next non-blank byte is `"` or `}`, and the header bytes we
 * can see are printable text — random or other binary files almost never pass all three (≈ 1 in
 * 10^5 for the first two alone), while every safetensors writer produces exactly this shape.
 * The declared length is not used to reject: a length beyond the file is the attack we report.
 */
export function sniffSafetensors({ head, size }: SniffInput): boolean {
  if (size < 10 || head.length < 10 || head[8] !== 0x7b) return false;
  let i = 9;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (i >= head.length || (head[i] !== 0x22 && head[i] !== 0x7d)) return false;
  // Only the header itself must be text: a small header is followed by binary tensor data.
  const declared = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
  const end = Math.min(head.length, 8 + 256, 8 + Number(declared > 256n ? 256n : declared));
  for (let j = 9; j < end; j++) {
    const b = head[j]!;
    if (b < 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
    if (b === 0x7f) return false;
  }
  return true;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const safetensorsScanner: FormatScanner = {
  id: 'safetensors',
  version: 1,
  description: 'safetensors tensor file (strict header validation; tensor data is never read)',
  rules: SAFETENSORS_RULE_LIST,
  sniff: sniffSafetensors,
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const at = { path: ctx.path, ...(ctx.member === undefined ? {} : { member: ctx.member }), scanner: 'safetensors' };
    const findings: Finding[] = [];
    const prefix = await src.read(0, 8);
    if (prefix.length < 8)
      return { findings, error: parseError('truncated', 'file shorter than the 8-byte header length') };
    const declared = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
    const available = BigInt(Math.max(0, src.size - 8));
    if (declared > available) {
      findings.push(
        findingOf(SAFETENSORS_RULES.headerOutOfBounds, {
          ...at,
          offset: 0,
          message: `header length declares ${declared} bytes but only ${available} follow the length field`,
          evidence: `header_len=${declared} file_size=${src.size}`,
        }),
      );
      return {
        findings,
        error: parseError('truncated', 'declared header length exceeds the file', 0),
        metadata: { format: 'safetensors', declaredHeaderBytes: declared.toString() },
      };
    }
    const n = Number(declared);
    const cap = ctx.limits.maxHeaderBytes;
    if (cap > 0 && n > cap) {
      findings.push(
        findingOf(SAFETENSORS_RULES.headerTooLarge, {
          ...at,
          offset: 0,
          message: `header is ${n} bytes, over the ${cap}-byte cap; tensors not checked`,
          evidence: `header_len=${n}`,
        }),
      );
      return { findings, error: parseError('limit_exceeded', `header larger than ${cap} bytes`, 0) };
    }
    const bytes = await src.read(8, n);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      findings.push(
        findingOf(SAFETENSORS_RULES.invalidHeader, { ...at, offset: 8, message: 'header is not valid UTF-8' }),
      );
      return { findings, error: parseError('invalid_structure', 'header is not UTF-8', 8) };
    }
    const dataStart = 8 + n;
    const report = analyzeHeader(text, src.size - dataStart);
    for (const issue of report.issues)
      findings.push(
        findingOf(SAFETENSORS_RULES[issue.rule], {
          ...at,
          offset: 8,
          message: issue.message,
          ...(issue.evidence === undefined ? {} : { evidence: cleanEvidence(issue.evidence) }),
        }),
      );
    const members: Member[] = [];
    // Bytes no tensor claims are handed back so pickle/zip scanners judge any appended payload.
    if (report.trailingBytes > 0 && report.tensors.length > 0) {
      const start = src.size - report.trailingBytes;
      members.push({ name: '#trailing-data', source: new SliceSource(src, start, report.trailingBytes) });
    }
    let error: ParseError | undefined;
    if (report.truncated) error = parseError('limit_exceeded', 'too many tensors; the rest were not checked', 8);
    const outcome = { findings, metadata: metadataOf(report, n, src.size - dataStart) };
    return {
      ...outcome,
      ...(members.length > 0 ? { members } : {}),
      ...(error ? { error } : {}),
    };
  },
};

function metadataOf(r: HeaderReport, headerBytes: number, dataBytes: number): Record<string, unknown> {
  const dtypes: Record<string, number> = {};
  let parameters = 0n;
  for (const t of r.tensors) {
    dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;
    parameters += t.shape.reduce((p, d) => p * BigInt(d), 1n);
  }
  return {
    format: 'safetensors',
    headerBytes,
    dataBytes,
    tensorCount: r.tensors.length,
    dtypes,
    parameters: parameters <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(parameters) : parameters.toString(),
    ...(r.metadata ? { metadata: clipMetadata(r.metadata) } : {}),
  };
}

/** `__metadata__` is author-controlled and unbounded; the AI-BOM gets a bounded copy. */
function clipMetadata(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m).slice(0, 64))
    out[k.slice(0, 128)] = v.length > 1024 ? `${v.slice(0, 1023)}…` : v;
  return out;
}
