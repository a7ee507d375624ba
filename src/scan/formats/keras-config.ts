import type { ByteSource } from '../../core/byte-source.js';
import { headLooksKeras, isKerasConfigObject, MAX_CONFIG_BYTES, readJson } from '../keras/config-json.js';
import { KERAS_RULE_LIST } from '../keras/rules.js';
import { kerasConfigOutcome } from '../keras/scan-config.js';
import type { FormatScanner, ScanContext, ScanOutcome } from '../types.js';
import { hfJsonOutcome } from './hf-config.js';

/**
 * Keras 3 `.keras` archives: the zip scanner hands over `config.json` (the serialized model) and
 * `metadata.json` (Keras version, save date). A `config.json` whose content turns out not to be a
 * Keras config is judged as a Hugging Face config instead, so the two scanners cannot disagree.
 */
export const kerasConfigScanner: FormatScanner = {
  id: 'keras-config',
  version: 1,
  description: 'Keras 3 model config (config.json, metadata.json inside a .keras archive)',
  rules: KERAS_RULE_LIST,
  sniff: ({ head, name }) =>
    (name === 'config.json' && headLooksKeras(head)) ||
    (name === 'metadata.json' && new TextDecoder().decode(head).includes('"keras_version"')),
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const json = await readJson(src, Math.min(MAX_CONFIG_BYTES, ctx.limits.maxHeaderBytes));
    if (!json.ok) return { findings: [], error: json.error };
    if (isKerasConfigObject(json.value)) return kerasConfigOutcome(json.value as Record<string, unknown>, ctx, this.id);
    const v = json.value as Record<string, unknown> | null;
    if (typeof v === 'object' && v !== null && typeof v.keras_version === 'string') {
      return { findings: [], metadata: { kind: 'keras-metadata', keras_version: v.keras_version } };
    }
    return hfJsonOutcome(json.value, 'config.json', ctx, this.id);
  },
};
