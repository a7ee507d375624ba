import { ARCHITECTURE_TASK, TASK_IO } from './model-card.js';
import type { BomFile, ModelFacts } from './types.js';

/** config.json keys worth a line in the model card (size, context, precision). */
const CONFIG_KEYS = [
  'model_type',
  'torch_dtype',
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'num_key_value_heads',
  'intermediate_size',
  'max_position_embeddings',
  'transformers_version',
] as const;

const GENERATION_KEYS = ['max_length', 'max_new_tokens', 'temperature', 'top_p', 'top_k', 'do_sample'] as const;

export function applyConfig(cfg: Record<string, unknown>, f: ModelFacts): void {
  const archs = Array.isArray(cfg.architectures) ? cfg.architectures.filter((a) => typeof a === 'string') : [];
  if (archs[0] && !f.modelArchitecture) f.modelArchitecture = String(archs[0]).slice(0, 200);
  if (typeof cfg.model_type === 'string' && !f.architectureFamily) f.architectureFamily = cfg.model_type.slice(0, 100);
  const inferred = ARCHITECTURE_TASK.find(([re]) => archs.some((a) => re.test(String(a))))?.[1];
  if (!f.task && inferred) f.task = inferred;
  for (const k of CONFIG_KEYS) if (scalar(cfg[k])) f.properties.push([`config:${k}`, String(cfg[k])]);
  // A Hub config that names code to import is the remote-code signal: worth a visible property.
  if (cfg.auto_map !== undefined) f.properties.push(['config:auto_map', JSON.stringify(cfg.auto_map).slice(0, 500)]);
}

export function applyGenerationConfig(cfg: Record<string, unknown>, f: ModelFacts): void {
  for (const k of GENERATION_KEYS) if (scalar(cfg[k])) f.properties.push([`generation_config:${k}`, String(cfg[k])]);
}

/** Facts the format scanners found in the weights themselves fill what the card left open. */
export function applyFileMetadata(file: BomFile, f: ModelFacts): void {
  const m = file.metadata;
  if (!m) return;
  if (file.format === 'gguf') {
    if (typeof m.architecture === 'string') {
      f.architectureFamily ??= m.architecture;
      f.modelArchitecture ??= m.architecture;
    }
    if (typeof m.name === 'string') f.name ??= m.name;
    if (typeof m.license === 'string' && f.licenses.length === 0) f.licenses.push(m.license);
    if (typeof m.description === 'string') f.description ??= m.description;
  }
  if (file.format === 'onnx' && typeof m.producerName === 'string')
    f.properties.push([
      `onnx:producer:${file.path}`,
      `${m.producerName}${typeof m.producerVersion === 'string' ? ` ${m.producerVersion}` : ''}`,
    ]);
  if (f.task && f.inputs.length === 0) {
    const io = TASK_IO[f.task];
    if (io) {
      f.inputs.push(io[0]);
      f.outputs.push(io[1]);
    }
  }
}

/**
 * Per-file facts as flat `warden:<format>:<key>` properties: tensor counts, dtypes, parameters,
 * GGUF general.* keys, ONNX producer. Nested values are JSON, clipped.
 */
export function fileProperties(file: BomFile): [string, string][] {
  const out: [string, string][] = [];
  const m = file.metadata ?? {};
  const keep = [
    'tensorCount',
    'parameters',
    'dtypes',
    'tensorTypes',
    'architecture',
    'name',
    'license',
    'file_type',
    'fileTypeName',
    'quantization_version',
    'contextLength',
    'ggufVersion',
    'producerName',
    'producerVersion',
    'irVersion',
    'opsetImports',
    'layout',
    'serializationVersion',
    'keras_version',
    'metadata',
    'globals',
  ];
  for (const k of keep) {
    const v = m[k];
    if (v === undefined || v === null) continue;
    const text = scalar(v) ? String(v) : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
    out.push([`warden:${file.format}:${k}`, text.length > 1000 ? `${text.slice(0, 999)}…` : text]);
  }
  return out;
}

function scalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
