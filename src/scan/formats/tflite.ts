import type { ByteSource } from '../../core/byte-source.js';
import { cleanEvidence, type Finding } from '../../core/finding.js';
import { type ParseError, ParseFailure } from '../../core/result.js';
import { findingOf } from '../../core/rule.js';
import { FlatReader } from '../tflite/flatbuffer.js';
import { type TfliteInfo, type TfliteIssue, walkTflite } from '../tflite/model.js';
import { TFLITE_RULE_LIST, TFLITE_RULES } from '../tflite/rules.js';
import type { FormatScanner, ScanContext, ScanOutcome } from '../types.js';

/** FlatBuffers file identifier "TFL3" at bytes 4..8 (schema.fbs `file_identifier`). */
export function sniffTflite(head: Uint8Array, size: number): boolean {
  if (head.length < 8 || head[4] !== 0x54 || head[5] !== 0x46 || head[6] !== 0x4c || head[7] !== 0x33) return false;
  const root = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
  return root >= 8 && root < size;
}

export const tfliteScanner: FormatScanner = {
  id: 'tflite',
  version: 1,
  description: 'TensorFlow Lite flatbuffer model (operator codes, custom and Flex ops, buffer bounds)',
  rules: TFLITE_RULE_LIST,
  sniff: ({ head, size }) => sniffTflite(head, size),
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const at = { path: ctx.path, ...(ctx.member === undefined ? {} : { member: ctx.member }), scanner: 'tflite' };
    const maxBytes = ctx.limits.maxHeaderBytes > 0 ? ctx.limits.maxHeaderBytes : Number.MAX_SAFE_INTEGER;
    const fb = new FlatReader(src, maxBytes);
    const issues: TfliteIssue[] = [];
    const info: TfliteInfo = { subgraphs: 0, buffers: 0, builtinCodes: new Map(), customCodes: [], metadataNames: [] };
    let error: ParseError | undefined;
    try {
      await walkTflite(fb, issues, info);
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      error = e.error;
      issues.push({ rule: 'invalidStructure', message: e.error.message, offset: e.error.offset ?? 0 });
    }
    const findings: Finding[] = issues.map((i) =>
      findingOf(TFLITE_RULES[i.rule], {
        ...at,
        offset: i.offset,
        message: i.message,
        ...(i.severity ? { severity: i.severity } : {}),
        ...(i.evidence === undefined ? {} : { evidence: cleanEvidence(i.evidence) }),
      }),
    );
    const metadata: Record<string, unknown> = {
      format: 'tflite',
      schemaVersion: info.version,
      ...(info.description ? { description: info.description } : {}),
      subgraphs: info.subgraphs,
      buffers: info.buffers,
      builtinOpcodes: Object.fromEntries(info.builtinCodes),
      ...(info.customCodes.length ? { customOps: info.customCodes } : {}),
      ...(info.metadataNames.length ? { metadataNames: info.metadataNames } : {}),
    };
    return error ? { findings, metadata, error } : { findings, metadata };
  },
};
