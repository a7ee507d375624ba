import { parseDocument } from 'yaml';
import type { ByteSource } from '../../core/byte-source.js';
import { cleanEvidence, type Finding } from '../../core/finding.js';
import { DESERIALIZATION_REFS, findingOf, type Rule, ref } from '../../core/rule.js';
import { readText } from '../keras/config-json.js';
import type { FormatScanner, ScanContext, ScanOutcome } from '../types.js';

const CODE_REFS = [...DESERIALIZATION_REFS.filter((r) => r.type !== 'cwe'), ref.atlas('AML.T0010.001'), ref.cwe(829)];

export const MLFLOW_RULES = {
  customLoader: {
    id: 'mlflow/custom-loader',
    title: 'MLflow model imports a custom loader module',
    severity: 'high',
    description:
      "`python_function.loader_module` (or a flavour's `keras_module`) names a module outside MLflow/Keras/TensorFlow. `mlflow.pyfunc.load_model` imports it and calls its `_load_pyfunc`, so loading the model runs that code.",
    remediation:
      "Review the loader module (usually shipped in the model's `code` directory) before loading; prefer built-in flavours.",
    references: CODE_REFS,
  },
  codePath: {
    id: 'mlflow/code-path',
    title: 'MLflow model ships Python code that is put on sys.path',
    severity: 'medium',
    description:
      "A flavour declares `code` paths: MLflow adds them to `sys.path` when loading, and the loader or pickles import from them. That code runs with the loader's rights; its `.py` files are scanned on their own.",
    remediation: 'Review the code directory and pin the model version you reviewed.',
    references: CODE_REFS,
  },
  pickledModel: {
    id: 'mlflow/pickled-model',
    title: 'MLflow model is unpickled on load',
    severity: 'medium',
    description:
      'A flavour stores its model as a pickle (`python_model` cloudpickle, sklearn `pickled_model` with pickle/cloudpickle serialization, statsmodels, fastai, PyTorch `model_data`). Loading unpickles it, which can run arbitrary code; the pickle files are scanned on their own and their findings decide.',
    remediation:
      'Make sure the named pickle files are scanned clean and come from a trusted run; prefer flavours that save weights without pickle (e.g. ONNX, safetensors).',
    references: DESERIALIZATION_REFS,
  },
} as const satisfies Record<string, Rule>;

const TRUSTED_LOADER = /^(?:mlflow|keras|tensorflow|tf_keras)(?:\.|$)/;
const MAX_MLMODEL_BYTES = 4 * 1024 * 1024;

/** Flavours whose artefact is a pickle: key naming the file, and when it is one. */
const PICKLE_FLAVOURS: readonly { flavour: string; key: string; when?: (f: Record<string, unknown>) => boolean }[] = [
  { flavour: 'python_function', key: 'python_model' },
  {
    flavour: 'sklearn',
    key: 'pickled_model',
    when: (f) => f.serialization_format === undefined || /pickle/.test(String(f.serialization_format)),
  },
  { flavour: 'statsmodels', key: 'data' },
  { flavour: 'fastai', key: 'data' },
  { flavour: 'pytorch', key: 'model_data' },
  { flavour: 'diviner', key: 'data' },
  { flavour: 'pmdarima', key: 'data' },
];

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function codePaths(v: unknown): string[] {
  if (typeof v === 'string' && v.length > 0) return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').slice(0, 64);
  return [];
}

function present(file: string, siblings: readonly string[]): string {
  if (siblings.length === 0) return file;
  return siblings.includes(file) ? `${file} (next to MLmodel)` : file;
}

function analyze(doc: Rec, ctx: ScanContext, scanner: string): { findings: Finding[]; metadata: Rec } {
  const at = { path: ctx.path, ...(ctx.member === undefined ? {} : { member: ctx.member }), scanner };
  const findings: Finding[] = [];
  const flavors = isRec(doc.flavors) ? doc.flavors : {};
  const names = Object.keys(flavors).slice(0, 64);
  const pickles: string[] = [];
  const code = new Set<string>();
  for (const name of names) {
    const f = flavors[name];
    if (!isRec(f)) continue;
    for (const p of codePaths(f.code)) code.add(p);
    for (const key of ['loader_module', 'keras_module'] as const) {
      const m = f[key];
      if (typeof m === 'string' && !TRUSTED_LOADER.test(m)) {
        findings.push(
          findingOf(MLFLOW_RULES.customLoader, {
            ...at,
            message: `MLmodel flavour ${name} imports ${key} ${m} when the model is loaded`,
            evidence: cleanEvidence(`${name}.${key}: ${m}`),
          }),
        );
      }
    }
    for (const p of PICKLE_FLAVOURS.filter((p) => p.flavour === name)) {
      const file = f[p.key];
      if (typeof file === 'string' && (!p.when || p.when(f))) pickles.push(`${name}.${p.key}: ${file}`);
    }
  }
  if (code.size > 0) {
    findings.push(
      findingOf(MLFLOW_RULES.codePath, {
        ...at,
        message: `MLmodel puts ${[...code].join(', ')} on sys.path when the model is loaded`,
        evidence: cleanEvidence([...code].map((c) => `code: ${c}`).join('; ')),
      }),
    );
  }
  if (pickles.length > 0) {
    const files = pickles.map((p) => present(p.slice(p.indexOf(': ') + 2), ctx.siblings));
    findings.push(
      findingOf(MLFLOW_RULES.pickledModel, {
        ...at,
        message: `MLmodel unpickles ${files.join(', ')} on load; scan those files`,
        evidence: cleanEvidence(pickles.join('; ')),
      }),
    );
  }
  const metadata: Rec = { kind: 'mlflow-model', flavors: names };
  for (const k of ['mlflow_version', 'run_id', 'model_uuid', 'artifact_path']) {
    if (typeof doc[k] === 'string') metadata[k] = doc[k];
  }
  if (pickles.length > 0) metadata.pickles = pickles;
  return { findings, metadata };
}

/**
 * MLflow model folders: the `MLmodel` YAML names the flavours, the loader module, code paths and
 * the pickled artefacts that `mlflow.<flavour>.load_model` will import or unpickle. Parsed with the
 * `yaml` package's core schema (no custom tags, aliases capped); every file in the folder is
 * scanned by the engine anyway, so the findings here name what loading will execute.
 */
export const mlflowScanner: FormatScanner = {
  id: 'mlflow',
  version: 1,
  description: 'MLflow MLmodel file (flavours, loader_module, code paths, pickled artefacts)',
  rules: Object.values(MLFLOW_RULES),
  sniff: ({ head, name }) =>
    name === 'MLmodel' && !head.includes(0) && /^flavors\s*:/m.test(new TextDecoder().decode(head)),
  async scan(src: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    const text = await readText(src, MAX_MLMODEL_BYTES);
    if (text === undefined) {
      return {
        findings: [],
        error: { code: 'limit_exceeded', message: `MLmodel larger than ${MAX_MLMODEL_BYTES} bytes` },
      };
    }
    const doc = parseDocument(text, { schema: 'core', uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length > 0) {
      return { findings: [], error: { code: 'invalid_structure', message: `MLmodel YAML: ${doc.errors[0]?.message}` } };
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      return {
        findings: [],
        error: { code: 'limit_exceeded', message: `MLmodel YAML: ${e instanceof Error ? e.message : e}` },
      };
    }
    if (!isRec(value))
      return { findings: [], error: { code: 'invalid_structure', message: 'MLmodel is not a mapping' } };
    return analyze(value, ctx, this.id);
  },
};
