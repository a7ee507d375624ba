import type { Finding } from '../../core/finding.js';
import { atLeast, maxSeverity } from '../../core/severity.js';
import type { TargetResult } from '../../core/target.js';
import type { FileKind, ScanVerdict } from './types.js';

/** Formats whose bytes are model weights or a serialized model whatever the file is called. */
const MODEL_FORMATS = new Set([
  'safetensors',
  'gguf',
  'pytorch/zip',
  'pytorch/legacy',
  'onnx',
  'pickle',
  'keras-h5',
  'torchscript',
]);
/** Containers that hold a model when named like one (`.keras`, `.nemo`, `.mar` …). */
const MODEL_EXT =
  /\.(pt|pth|bin|ckpt|safetensors|gguf|ggml|onnx|h5|hdf5|keras|pb|tflite|mlmodel|nemo|mar|joblib|pkl|pickle|sav|model|llamafile)$/i;
const DATA_EXT = /\.(csv|tsv|jsonl|ndjson|parquet|arrow|feather|npy|npz|tfrecords?|avro|orc|xlsx?)$/i;
const CONFIG_EXT =
  /\.(json|ya?ml|toml|cfg|ini|conf)$|(^|\/)(MLmodel|Pipfile|Pipfile\.lock|poetry\.lock|requirements[^/]*\.txt)$/i;
const CODE_EXT = /\.(py|ipynb|sh|js|mjs|ts|jinja2?)$/i;
const DOC_EXT = /\.(md|rst|txt)$|(^|\/)(LICENSE|NOTICE|COPYING)[^/]*$/i;

export function classifyFile(path: string, format: string, metadata?: Readonly<Record<string, unknown>>): FileKind {
  if (format === 'numpy' || DATA_EXT.test(path)) return 'data';
  if (format === 'keras-h5' && metadata?.kind !== 'keras-model') return MODEL_EXT.test(path) ? 'model' : 'data';
  if (MODEL_FORMATS.has(format)) return 'model';
  if (MODEL_EXT.test(path) && format !== 'unknown' && !CONFIG_EXT.test(path)) return 'model';
  if (CONFIG_EXT.test(path)) return 'config';
  if (CODE_EXT.test(path)) return 'code';
  if (DOC_EXT.test(path)) return 'doc';
  return MODEL_EXT.test(path) ? 'model' : 'other';
}

/** Folds a file's findings (archive members included) and its scan status into one verdict. */
export function verdictOf(top: TargetResult | undefined, findings: readonly Finding[]): ScanVerdict {
  const highest = maxSeverity(findings.map((f) => f.severity));
  const ruleIds = [...new Set(findings.map((f) => f.ruleId))].sort();
  const status = top?.status ?? 'skipped';
  let verdict: ScanVerdict['verdict'];
  if (highest && atLeast(highest, 'high')) verdict = 'unsafe';
  else if (highest && atLeast(highest, 'medium')) verdict = 'suspicious';
  else if (status === 'error') verdict = 'error';
  else if (status === 'skipped') verdict = 'not-scanned';
  else verdict = 'clean';
  return {
    verdict,
    status,
    ...(highest ? { highestSeverity: highest } : {}),
    findingCount: findings.length,
    ruleIds,
  };
}
