import type { ByteSource } from '../../core/byte-source.js';
import { cleanEvidence, type Finding } from '../../core/finding.js';
import { type ParseError, ParseFailure } from '../../core/result.js';
import { findingOf } from '../../core/rule.js';
import { OnnxWalker } from '../onnx/model.js';
import { ONNX_RULE_LIST, ONNX_RULES } from '../onnx/rules.js';
import { headFields, isTextField, nestedHeadFields } from '../protobuf/sniff.js';
import { ProtoSource } from '../protobuf/source.js';
import { WIRE } from '../protobuf/wire.js';
import type { FormatScanner, ScanContext, ScanOutcome, SniffInput } from '../types.js';

/** ModelProto field → wire type (onnx/onnx.proto). */
const MODEL_FIELDS: Readonly<Record<number, number>> = {
  1: WIRE.VARINT,
  2: WIRE.LEN,
  3: WIRE.LEN,
  4: WIRE.LEN,
  5: WIRE.VARINT,
  6: WIRE.LEN,
  7: WIRE.LEN,
  8: WIRE.LEN,
  14: WIRE.LEN,
  20: WIRE.LEN,
  25: WIRE.LEN,
  26: WIRE.LEN,
};
const GRAPH_FIELDS = new Set([1, 2, 5, 10, 11, 12, 13, 14, 15, 16]);
const MAX_IR_VERSION = 15;

/**
 * ONNX has no magic number, so a file is claimed only when its head decodes as a ModelProto:
 * field 1 (ir_version) first as a varint in 1..15 — the onnx serializer writes fields in number
 * order — then only ModelProto fields with their proper wire types, producer/domain strings that
 * are printable UTF-8, and a graph/opset whose own first fields decode, with at least one
 * field after ir_version. A TF SavedModel (also `08 01 12 …`) fails the producer-string test;
 * random bytes fail within the first few bytes (see onnx.test.ts for the property).
 */
export function sniffOnnx({ head, size }: SniffInput): boolean {
  const fields = headFields(head, size);
  const first = fields?.[0];
  if (!fields || !first || first.no !== 1 || first.wire !== WIRE.VARINT) return false;
  if (first.varint === undefined || first.varint < 1n || first.varint > BigInt(MAX_IR_VERSION)) return false;
  if (fields.length < 2) return false;
  for (const f of fields.slice(1)) {
    if (MODEL_FIELDS[f.no] !== f.wire) return false;
    if ((f.no === 2 || f.no === 3 || f.no === 4) && !isTextField(head, f)) return false;
    if (f.no === 6 && !isTextField(head, f, true)) return false;
    if (f.no === 7) {
      const g = nestedHeadFields(head, f);
      if (!g || (g.length > 0 && !g.every((x) => GRAPH_FIELDS.has(x.no) && x.wire === WIRE.LEN))) return false;
    }
    if (f.no === 8) {
      const o = nestedHeadFields(head, f);
      if (!o?.every((x) => (x.no === 1 && isTextField(head, x)) || (x.no === 2 && x.wire === WIRE.VARINT)))
        return false;
    }
  }
  return true;
}

export const onnxScanner: FormatScanner = {
  id: 'onnx',
  version: 1,
  description: 'ONNX model (graphs, subgraphs, functions, custom domains, external data; tensor data is never read)',
  rules: ONNX_RULE_LIST,
  sniff: sniffOnnx,
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const at = { path: ctx.path, ...(ctx.member === undefined ? {} : { member: ctx.member }), scanner: 'onnx' };
    const maxBytes = ctx.limits.maxHeaderBytes > 0 ? ctx.limits.maxHeaderBytes : Number.MAX_SAFE_INTEGER;
    const pb = new ProtoSource(src, { maxBytes, maxFields: 5_000_000 });
    const walker = new OnnxWalker(pb);
    let error: ParseError | undefined;
    try {
      await walker.model(0, src.size);
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      error = e.error;
    }
    const findings: Finding[] = walker.issues.map((i) =>
      findingOf(ONNX_RULES[i.rule], {
        ...at,
        offset: i.offset,
        message: i.message,
        ...(i.severity ? { severity: i.severity } : {}),
        ...(i.evidence === undefined ? {} : { evidence: cleanEvidence(i.evidence) }),
      }),
    );
    const info = walker.info;
    const metadata: Record<string, unknown> = {
      format: 'onnx',
      irVersion: info.irVersion,
      producerName: info.producerName,
      producerVersion: info.producerVersion,
      modelVersion: info.modelVersion,
      opsetImports: info.opsetImports,
      nodeCount: info.nodeCount,
      initializerCount: info.initializerCount,
      opTypes: Object.fromEntries([...info.opTypes].slice(0, 200)),
      ...(info.functions.length ? { functions: info.functions } : {}),
      ...(info.externalLocations.size ? { externalData: [...info.externalLocations].slice(0, 100) } : {}),
      ...(Object.keys(info.metadataProps).length ? { metadataProps: info.metadataProps } : {}),
    };
    for (const k of Object.keys(metadata)) if (metadata[k] === undefined) delete metadata[k];
    return error ? { findings, metadata, error } : { findings, metadata };
  },
};
