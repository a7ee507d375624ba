import type { ByteSource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { type ParseError, ParseFailure, parseError } from '../../core/result.js';
import { DEFAULT_HDF5_LIMITS, type Hdf5Attribute, readRootAttributes, sniffHdf5 } from '../hdf5/reader.js';
import { analyzeKerasConfig } from '../keras/analyze.js';
import { kerasFindings, parseJson } from '../keras/findings.js';
import { KERAS_RULE_LIST } from '../keras/rules.js';
import type { FormatScanner, ScanContext, ScanOutcome } from '../types.js';

/** Root attributes that hold serialized Keras objects (the architecture and the compile setup). */
const CONFIG_ATTRIBUTES = ['model_config', 'training_config'] as const;

function text(attrs: readonly Hdf5Attribute[], name: string): Hdf5Attribute | undefined {
  return attrs.find((a) => a.name === name && typeof a.value === 'string');
}

/**
 * Keras 2 HDF5 models (`.h5`, `.hdf5`, legacy `.keras`): reads only the root group's attributes
 * (`model_config`, `training_config`, `keras_version`, `backend`) and never a weight dataset.
 * Any other HDF5 file (weights only, Keras 3 `model.weights.h5`) is claimed too and judged clean
 * when it carries no model config.
 */
export const kerasH5Scanner: FormatScanner = {
  id: 'keras-h5',
  version: 1,
  description: 'Keras 2 HDF5 model (root attributes: model_config, training_config) and other HDF5 files',
  rules: KERAS_RULE_LIST,
  sniff: ({ head }) => sniffHdf5(head),
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const findings: Finding[] = [];
    const metadata: Record<string, unknown> = {};
    let error: ParseError | undefined;
    try {
      const maxBytes = Math.min(DEFAULT_HDF5_LIMITS.maxBytes, ctx.limits.maxHeaderBytes);
      const root = await readRootAttributes(src, { ...DEFAULT_HDF5_LIMITS, maxBytes, maxBlock: maxBytes });
      metadata.hdf5SuperblockVersion = root.superblock.version;
      error = root.error;
      metadata.rootAttributes = root.attributes.map((a) => a.name);
      for (const key of ['keras_version', 'backend']) {
        const a = text(root.attributes, key);
        if (a) metadata[key] = a.value;
      }
      for (const name of CONFIG_ATTRIBUTES) {
        const attr = text(root.attributes, name);
        if (!attr) continue;
        metadata.kind = 'keras-model';
        const parsed = parseJson(attr.value as string);
        if (!parsed.ok) {
          error ??= parseError('invalid_structure', `${name} is not valid JSON: ${parsed.message}`, attr.offset);
          continue;
        }
        const analysis = analyzeKerasConfig(parsed.value, 'h5');
        if (name === 'model_config') metadata.layers = analysis.layers;
        findings.push(...kerasFindings(analysis.issues, ctx, this.id, { offset: attr.offset, prefix: name }));
        if (analysis.truncated) {
          error ??= parseError('limit_exceeded', `${name} walk stopped at the ${analysis.truncated} cap`, attr.offset);
        }
      }
      metadata.kind ??= 'hdf5';
      if (root.denseAttributes) metadata.denseAttributes = true;
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      error = e.error;
    }
    return error ? { findings, metadata, error } : { findings, metadata };
  },
};
