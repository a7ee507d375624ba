import type { ByteSource } from '../../core/byte-source.js';
import { cleanEvidence, type Finding } from '../../core/finding.js';
import { type ParseError, ParseFailure } from '../../core/result.js';
import { findingOf } from '../../core/rule.js';
import { KERAS_RULE_LIST } from '../keras/rules.js';
import { headFields, isTextField, nestedHeadFields } from '../protobuf/sniff.js';
import { ProtoSource } from '../protobuf/source.js';
import { WIRE } from '../protobuf/wire.js';
import { TfWalker } from '../tf/graph.js';
import { scanKerasMetadata } from '../tf/keras-metadata.js';
import { TF_RULE_LIST, TF_RULES } from '../tf/rules.js';
import type { FormatScanner, ScanContext, ScanOutcome, SniffInput } from '../types.js';

export type TfKind = 'saved_model' | 'graph_def' | 'keras_metadata';

const OP_NAME = /^[A-Za-z_][A-Za-z0-9_>]*$/;

/**
 * TensorFlow protobufs have no magic, so the head is decoded and must match one shape exactly:
 *  - SavedModel: field 1 = varint 1 (saved_model_schema_version, always 1), then field 2
 *    (meta_graphs) whose first field is meta_info_def (1) or graph_def (2).
 *  - GraphDef: field 1 (node) whose NodeDef starts with a printable name (1) and an op (2)
 *    matching TF's op-name syntax.
 *  - keras_metadata.pb: field 1 (nodes) whose SavedObject holds only fields 2–6 and an
 *    identifier (4) starting with `_tf_keras`.
 * ONNX (field 1 is ir_version with a text producer at 2) and random bytes fail these tests.
 */
export function tfKind({ head, size }: SniffInput): TfKind | undefined {
  const fields = headFields(head, size, 8);
  const first = fields?.[0];
  if (!fields || !first) return undefined;
  if (first.no === 1 && first.wire === WIRE.VARINT && first.varint === 1n) {
    const mg = fields[1];
    if (mg?.no !== 2 || mg.wire !== WIRE.LEN) return undefined;
    const inner = nestedHeadFields(head, mg, 2)?.[0];
    return inner && (inner.no === 1 || inner.no === 2) && inner.wire === WIRE.LEN ? 'saved_model' : undefined;
  }
  if (first.no !== 1 || first.wire !== WIRE.LEN) return undefined;
  const inner = nestedHeadFields(head, first, 8);
  if (!inner || inner.length === 0) return undefined;
  const [a, b] = inner;
  if (
    a?.no === 1 &&
    a.wire === WIRE.LEN &&
    b?.no === 2 &&
    b.wire === WIRE.LEN &&
    isTextField(head, a) &&
    b.end <= head.length
  ) {
    const op = new TextDecoder().decode(head.subarray(b.start, b.end));
    return OP_NAME.test(op) ? 'graph_def' : undefined;
  }
  if (!inner.every((x) => x.no >= 2 && x.no <= 6)) return undefined;
  const id = inner.find((x) => x.no === 4 && x.wire === WIRE.LEN && x.end <= head.length);
  if (!id) return undefined;
  return new TextDecoder().decode(head.subarray(id.start, id.end)).startsWith('_tf_keras')
    ? 'keras_metadata'
    : undefined;
}

export const tfSavedModelScanner: FormatScanner = {
  id: 'tensorflow',
  version: 1,
  description: 'TensorFlow SavedModel (saved_model.pb), frozen GraphDef (.pb) and keras_metadata.pb',
  rules: [...TF_RULE_LIST, ...KERAS_RULE_LIST],
  sniff: (input) => tfKind(input) !== undefined,
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const at = { path: ctx.path, ...(ctx.member === undefined ? {} : { member: ctx.member }), scanner: 'tensorflow' };
    const head = await src.read(0, 4096);
    const kind = tfKind({ head, size: src.size, name: '' });
    const maxBytes = ctx.limits.maxHeaderBytes > 0 ? ctx.limits.maxHeaderBytes : Number.MAX_SAFE_INTEGER;
    const pb = new ProtoSource(src, { maxBytes, maxFields: 20_000_000 });
    const findings: Finding[] = [];
    const metadata: Record<string, unknown> = { format: 'tensorflow', kind: kind ?? 'unknown' };
    let error: ParseError | undefined;
    const walker = new TfWalker(pb);
    try {
      if (kind === 'keras_metadata') {
        const r = await scanKerasMetadata(pb, ctx, maxBytes);
        findings.push(...r.findings);
        metadata.kerasNodes = r.nodes;
        metadata.identifiers = r.identifiers;
      } else if (kind === 'saved_model') await walker.savedModel(0, src.size);
      else await walker.graphDef(0, src.size);
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      error = e.error;
      findings.push(
        findingOf(TF_RULES.invalidStructure, {
          ...at,
          ...(e.error.offset === undefined ? {} : { offset: e.error.offset }),
          message: e.error.message,
        }),
      );
    }
    for (const i of walker.issues)
      findings.push(
        findingOf(TF_RULES[i.rule], {
          ...at,
          offset: i.offset,
          message: i.message,
          ...(i.severity ? { severity: i.severity } : {}),
          ...(i.evidence === undefined ? {} : { evidence: cleanEvidence(i.evidence) }),
        }),
      );
    if (kind !== 'keras_metadata') {
      const info = walker.info;
      Object.assign(metadata, {
        nodeCount: info.nodeCount,
        functionCount: info.functions.length,
        opTypes: Object.fromEntries([...info.opTypes].slice(0, 300)),
        ...(info.tags.length ? { tags: info.tags } : {}),
        ...(info.tensorflowVersion ? { tensorflowVersion: info.tensorflowVersion } : {}),
        ...(info.signatures.length ? { signatures: info.signatures } : {}),
        ...(info.assets.length ? { assets: info.assets } : {}),
      });
    }
    return error ? { findings, metadata, error } : { findings, metadata };
  },
};
