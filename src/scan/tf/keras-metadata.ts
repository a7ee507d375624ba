import type { Finding } from '../../core/finding.js';
import { analyzeKerasConfig } from '../keras/analyze.js';
import { kerasFindings, parseJson } from '../keras/findings.js';
import type { ProtoSource } from '../protobuf/source.js';
import { WIRE } from '../protobuf/wire.js';
import type { ScanContext } from '../types.js';

/**
 * `keras_metadata.pb` (TF-Keras SavedModel): `SavedMetadata { repeated SavedObject nodes = 1 }`,
 * `SavedObject { node_id = 2; node_path = 3; identifier = 4; metadata = 5 (JSON); version = 6 }`
 * (tf_keras/protobuf/saved_metadata.proto). Each node's JSON is a layer config; it goes through
 * the same Keras analysis as HDF5 configs. Nested layers repeat inside their parents' JSON, so
 * findings are de-duplicated.
 */
export async function scanKerasMetadata(
  pb: ProtoSource,
  ctx: ScanContext,
  maxJson: number,
): Promise<{ findings: Finding[]; identifiers: string[]; nodes: number }> {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const identifiers = new Set<string>();
  let nodes = 0;
  for await (const f of pb.fields(0, pb.size)) {
    if (f.no !== 1 || f.wire !== WIRE.LEN) continue;
    nodes++;
    let path = '';
    for await (const g of pb.fields(f.start, f.end)) {
      if (g.wire !== WIRE.LEN) continue;
      if (g.no === 3) path = await pb.text(g, 1024);
      if (g.no === 4 && identifiers.size < 64) identifiers.add(await pb.text(g, 256));
      if (g.no !== 5) continue;
      const parsed = parseJson(await pb.text(g, maxJson));
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) continue;
      const analysis = analyzeKerasConfig(parsed.value, 'h5');
      for (const finding of kerasFindings(analysis.issues, ctx, 'tensorflow', {
        offset: g.start,
        prefix: path || 'root',
      })) {
        const key = `${finding.ruleId}\u0000${finding.evidence ?? ''}\u0000${finding.message.replace(/^[^:]*: /, '')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push(finding);
      }
    }
  }
  return { findings, identifiers: [...identifiers], nodes };
}
