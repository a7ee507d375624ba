/**
 * Concrete remediation for a finding: the rule's advice made specific to the file, line and
 * evidence (the command to run, the call rewritten). A table of small functions keyed by rule id
 * or area; anything not listed falls back to the rule's own remediation text.
 */
import type { Finding } from '../core/finding.js';
import type { Rule } from '../core/rule.js';

type Fix = (f: FindingLike, rule: Rule | undefined) => string | undefined;

/** The fields remediation reads; JSON findings and core findings both fit. */
export type FindingLike = Pick<Finding, 'ruleId' | 'path' | 'message' | 'severity'> &
  Partial<Pick<Finding, 'member' | 'line' | 'evidence'>>;

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const at = (f: FindingLike) => `${f.path}${f.line ? `:${f.line}` : ''}`;

/** A file whose scan found a payload is not converted, it is thrown away. */
function quarantine(f: FindingLike): string {
  return (
    `Do not load ${f.path}: delete or quarantine it (\`mkdir -p quarantine && git mv ${q(f.path)} quarantine/\`), ` +
    'restore the file from a trusted source, and verify it before use (`warden verify`, or compare its SHA-256 with the publisher).'
  );
}

/** Pickle-based weights with nothing malicious in them: convert them so they can never carry code. */
function convertToSafetensors(f: FindingLike): string {
  const out = `${f.path.replace(/\.(?:pt|pth|bin|ckpt|pkl)$/i, '')}.safetensors`;
  const py = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return (
    `Convert to safetensors, in an isolated environment with torch >= 2.6: \`python -c "import torch; from safetensors.torch import save_file; ` +
    `save_file(torch.load(${py(f.path)}, weights_only=True), ${py(out)})"\`, ` +
    'then load it with `safetensors.torch.load_file` and delete the pickle.'
  );
}

/** Rewrites the call in the evidence line, when the evidence holds exactly that call. */
function rewrite(evidence: string | undefined, from: RegExp, to: (m: RegExpExecArray) => string): string | undefined {
  if (!evidence) return undefined;
  const m = from.exec(evidence);
  return m ? evidence.slice(0, m.index) + to(m) + evidence.slice(m.index + m[0].length) : undefined;
}

const change = (f: FindingLike, after: string | undefined, fallback: string) =>
  after && after !== f.evidence ? `At ${at(f)} change \`${f.evidence}\` to \`${after}\`. ${fallback}` : fallback;

function hubSha(message: string): string {
  const repo = /"([A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*)"/.exec(message)?.[1] ?? 'ORG/NAME';
  return `python -c "from huggingface_hub import model_info; print(model_info('${repo}').sha)"`;
}

/** The file a load call names, when it is a literal (`joblib.load("m.joblib")`), for the scan command. */
function loadedPath(evidence: string | undefined): string {
  const m = evidence ? /\.load\(\s*(['"])([^'"]{1,200})\1/.exec(evidence) : null;
  return m?.[2] ? q(m[2]) : 'MODEL_FILE';
}

const FIXES: Readonly<Record<string, Fix>> = {
  'code/torch-load-unsafe': (f) =>
    change(
      f,
      rewrite(f.evidence, /torch\.load\(([^()]*(?:\([^()]*\)[^()]*)*)\)/, (m) =>
        /weights_only\s*=\s*False/.test(m[1] ?? '')
          ? `torch.load(${(m[1] ?? '').replace(/weights_only\s*=\s*False/, 'weights_only=True')})`
          : `torch.load(${m[1]}, weights_only=True)`,
      ),
      "Load tensors only (`weights_only=True`) and require torch >= 2.6.0 (`pip install 'torch>=2.6.0'`), where weights-only loading is the default and CVE-2025-32434 is fixed; better, store the checkpoint as safetensors.",
    ),
  'code/yaml-unsafe-load': (f) =>
    change(
      f,
      rewrite(
        f.evidence,
        /yaml\.(?:unsafe_load|full_load|load)\(([^(),]*(?:\([^()]*\))?[^(),]*)(?:,[^()]*)?\)/,
        (m) => `yaml.safe_load(${m[1]})`,
      ),
      'Use `yaml.safe_load`, which builds only plain data.',
    ),
  'code/numpy-allow-pickle': (f) =>
    change(
      f,
      rewrite(f.evidence, /,\s*allow_pickle\s*=\s*True/, () => ''),
      'Load without `allow_pickle` (False by default) and re-save object arrays as numeric arrays, JSON or Parquet.',
    ),
  'code/keras-unsafe-mode': (f) =>
    change(
      f,
      rewrite(f.evidence, /,\s*safe_mode\s*=\s*False/, () => ''),
      'Keep `safe_mode=True` (the default); replace `Lambda` layers with registered custom layers.',
    ),
  'code/trust-remote-code': (f) =>
    `Pin the code you reviewed: add \`revision="<commit sha>"\` to the call at ${at(f)} (get the sha with \`${hubSha(f.message)}\`), or vendor the model code and drop \`trust_remote_code=True\`.`,
  'code/unpinned-model-download': (f) =>
    `Add \`revision="<commit sha>"\` at ${at(f)}; get the current sha with \`${hubSha(f.message)}\` and record it in your AI-BOM.`,
  'code/pickle-load': (f) =>
    `At ${at(f)}: replace the pickle with a format that cannot carry code (safetensors for tensors, JSON/Parquet for data); until then load only files you wrote, after checking their SHA-256 against a value stored in code.`,
  'code/joblib-load': (f) =>
    `At ${at(f)}: verify the file before loading (\`hashlib.sha256(open(p, "rb").read()).hexdigest() == EXPECTED\`) and scan it (\`warden scan ${loadedPath(f.evidence)}\`); for untrusted sources export the model to ONNX (\`skl2onnx\`) or use \`skops.io.load(path, trusted=[...])\`.`,
  'code/hardcoded-secret': (f) =>
    `Revoke and rotate the key first, then read it from the environment at ${at(f)} (\`os.environ["…"]\` / \`process.env.…\`) and purge it from git history (\`git filter-repo --replace-text\`).`,
  'data/secret': (f) =>
    f.member?.includes('outputs')
      ? `Rotate the key now (it was printed into a notebook output), then clear the outputs: \`jupyter nbconvert --clear-output --inplace ${q(f.path)}\`, and purge the old notebook from git history.`
      : `Rotate the credential now, then remove it: \`warden data scan ${q(f.path)} --redact ${q(`${f.path}.redacted`)}\` writes a masked copy; purge the original from history.`,
  'data/pii': (f) =>
    `Drop or pseudonymise the field before training or sharing (\`warden data scan ${q(f.path)} --redact OUT\`), or allow the column in warden.yaml (\`data.pii_allowed_columns\`) if it is needed and lawful.`,
  'supply/vulnerable-dependency': (f) => {
    const m = /^(\S+) \S+ is affected by .*fixed in ([^\s;,)]+)/.exec(f.message);
    return m
      ? `Upgrade: set \`${m[1]}>=${m[2]}\` in ${f.path}${f.line ? ` (line ${f.line})` : ''}, reinstall (\`pip install '${m[1]}>=${m[2]}'\`) and regenerate lock files.`
      : undefined;
  },
  'supply/vulnerable-range': (f) => {
    const m = /^(\S+)\b.*fixed in ([^\s;,)]+)/.exec(f.message);
    return m ? `Raise the lower bound: \`${m[1]}>=${m[2]}\` in ${f.path}, then lock the environment.` : undefined;
  },
  'policy/expired-suppression': (f) =>
    `Fix the finding the suppression covered, or re-review it and give the entry a new \`expires:\` date in ${f.path}${f.line ? ` (line ${f.line})` : ''}.`,
  'hf/remote-code': (f) =>
    `Review the Python files next to ${f.path}; load the model without \`trust_remote_code\`, or pin \`revision=\` to the reviewed commit.`,
  'hf/remote-code-external': (f) =>
    `${f.path} points \`auto_map\` at another repository's code: do not load it with \`trust_remote_code=True\`; vendor reviewed code instead.`,
};

/** Model-file rules whose findings mean "this file is hostile", not "this file is risky". */
function hostileModelFinding(f: FindingLike): boolean {
  const area = f.ruleId.split('/')[0] ?? '';
  return (
    [
      'pickle',
      'pytorch',
      'numpy',
      'keras',
      'zip',
      'archive',
      'template',
      'tf',
      'tflite',
      'onnx',
      'gguf',
      'safetensors',
      'mlflow',
      'python',
    ].includes(area) &&
    (f.severity === 'critical' || f.severity === 'high')
  );
}

/** The remediation shown for a finding: specific when we know how, else the rule's advice. */
export function remediationFor(f: FindingLike, rule: Rule | undefined): string {
  const specific = FIXES[f.ruleId]?.(f, rule);
  if (specific) return specific;
  if (hostileModelFinding(f)) return quarantine(f);
  if (f.ruleId === 'policy/forbidden-format' && /pickle|pytorch/.test(f.message)) {
    return /\.(?:pt|pth|ckpt|bin)$/i.test(f.path)
      ? convertToSafetensors(f)
      : `Re-export ${f.path} without pickle: ONNX via \`skl2onnx.to_onnx(model, X[:1])\` for scikit-learn, or \`skops.io.dump\` and load with an explicit trusted-types list.`;
  }
  return rule?.remediation ?? 'See the rule page for remediation.';
}
