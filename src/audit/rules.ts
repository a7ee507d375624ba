import type { Reference } from '../core/finding.js';
import { type Rule, ref } from '../core/rule.js';
import type { Severity } from '../core/severity.js';

/**
 * Rules of `warden audit` itself: code checks on the project's own Python and TypeScript/JavaScript
 * (`code/*`). Model, data and supply-chain findings keep the rules of the module that produced them.
 */

// Loading an untrusted artefact with a code-executing loader: the project is the victim of a poisoned model.
const LOAD_REFS: readonly Reference[] = [
  ref.atlas('AML.T0011.000'), // User Execution: Unsafe ML Artifacts
  ref.atlas('AML.T0010.003'), // ML Supply Chain Compromise: Model
  ref.owaspMl('ML06:2023'), // AI Supply Chain Attacks
  ref.owaspLlm('LLM03:2025'), // Supply Chain
  ref.cwe(502), // Deserialization of Untrusted Data
];

// What an LLM returns is attacker-influenced (prompt injection, poisoned context): treat it as input.
const OUTPUT_REFS: readonly Reference[] = [
  ref.atlas('AML.T0051'), // LLM Prompt Injection (the way an attacker steers the output)
  ref.atlas('AML.T0053'), // LLM Plugin Compromise (the output reaches a tool)
  ref.owaspLlm('LLM05:2025'), // Improper Output Handling
  ref.owaspLlm('LLM06:2025'), // Excessive Agency
];

function rule(
  id: string,
  severity: Severity,
  title: string,
  description: string,
  remediation: string,
  references: readonly Reference[],
): Rule {
  return { id, title, severity, description, remediation, references };
}

export const CODE_RULES = {
  pickleLoad: rule(
    'code/pickle-load',
    'high',
    'Project code unpickles a file or bytes',
    'The code calls `pickle.load(s)`, `pickle.Unpickler`, `dill`/`cloudpickle.load(s)`, `pandas.read_pickle`, `marshal.load(s)`, `shelve.open` or `jsonpickle.decode`. Unpickling runs whatever the bytes ask for (`__reduce__`): a model, cache or dataset file that anyone else can write is code execution.',
    'Store tensors as safetensors and structured data as JSON/Parquet. If a pickle is unavoidable, only load files you produced, verify their digest or signature first (`warden verify`), and scan them (`warden scan FILE`).',
    LOAD_REFS,
  ),
  torchLoad: rule(
    'code/torch-load-unsafe',
    'high',
    '`torch.load` without `weights_only=True`',
    '`torch.load` unpickles the checkpoint. With `weights_only=False` (or on PyTorch before 2.6, where it is the default) any object in the file is rebuilt, so a malicious checkpoint runs code on load. PyTorch 2.6 made `weights_only=True` the default; before 2.6.0 even `weights_only=True` could be bypassed (CVE-2025-32434).',
    'Load with `torch.load(path, weights_only=True)` on PyTorch >= 2.6.0, or switch the checkpoint to safetensors (`safetensors.torch.load_file`).',
    [...LOAD_REFS, ref.cve('CVE-2025-32434')],
  ),
  joblibLoad: rule(
    'code/joblib-load',
    'high',
    '`joblib.load` of a model file',
    '`joblib.load` is pickle with extra support for NumPy arrays: loading a `.joblib`/`.pkl` scikit-learn model runs any code the file carries.',
    'Only load models you produced, verify the digest or signature before loading, and scan them with `warden scan`. For portable models export to ONNX (`skl2onnx`) or use `skops.io.load` with an explicit trusted-types list.',
    LOAD_REFS,
  ),
  numpyPickle: rule(
    'code/numpy-allow-pickle',
    'high',
    '`numpy.load(..., allow_pickle=True)`',
    'With `allow_pickle=True`, object arrays in `.npy`/`.npz` files are unpickled, so a crafted array file runs code.',
    'Drop `allow_pickle=True` (the default is False since NumPy 1.16.3) and store plain numeric arrays; convert object arrays to JSON or Parquet.',
    LOAD_REFS,
  ),
  yamlLoad: rule(
    'code/yaml-unsafe-load',
    'high',
    '`yaml.load` without a safe loader',
    '`yaml.load` with the default, `Loader`, `UnsafeLoader` or `FullLoader`, and `yaml.unsafe_load`, can construct arbitrary Python objects from tags such as `!!python/object/apply`, so a config or model card becomes code.',
    'Use `yaml.safe_load(stream)` (or `yaml.load(stream, Loader=yaml.SafeLoader)`).',
    [...LOAD_REFS.filter((r) => r.id !== 'AML.T0010.003'), ref.cwe(20)],
  ),
  kerasUnsafe: rule(
    'code/keras-unsafe-mode',
    'high',
    'Keras model loaded with `safe_mode=False`',
    '`keras.models.load_model(..., safe_mode=False)` re-enables deserialisation of `Lambda` layers and other Python code stored in the model, so loading the model runs it.',
    'Remove `safe_mode=False`; replace `Lambda` layers with registered custom layers whose code lives in your repository.',
    [...LOAD_REFS.filter((r) => r.id !== 'CWE-502'), ref.cwe(94), ref.cve('CVE-2024-3660')],
  ),
  trustRemoteCode: rule(
    'code/trust-remote-code',
    'high',
    '`trust_remote_code=True` runs Python from the model repository',
    'With `trust_remote_code=True`, `transformers` (and `datasets`, `sentence-transformers`) download and import Python files from the model repository. Whoever can push to that repository runs code in your process; without a pinned `revision` that is whatever the branch holds today.',
    'Prefer a model whose architecture is built into the library. If remote code is needed, review it, pin `revision="<commit sha>"`, or vendor the code into your repository and load with `trust_remote_code=False`.',
    [
      ref.atlas('AML.T0010.001'), // ML Supply Chain Compromise: ML Software
      ref.atlas('AML.T0011.000'),
      ref.owaspMl('ML06:2023'),
      ref.owaspLlm('LLM03:2025'),
      ref.cwe(829), // Inclusion of Functionality from Untrusted Control Sphere
    ],
  ),
  unpinnedDownload: rule(
    'code/unpinned-model-download',
    'medium',
    'Model or dataset downloaded without a pinned revision',
    '`from_pretrained`, `pipeline`, `hf_hub_download`, `snapshot_download`, `load_dataset` or `SentenceTransformer` fetch a hub repository by name without `revision=` set to a commit hash. The files loaded can change at any time: a compromised or renamed account ships new weights or code to every run.',
    'Pass `revision="<40-hex commit sha>"` (find it on the hub under "Files and versions" or with `huggingface_hub.model_info(repo).sha`), and record the hash in your AI-BOM.',
    [
      ref.atlas('AML.T0010.003'),
      ref.atlas('AML.T0010.002'), // ML Supply Chain Compromise: Data
      ref.owaspMl('ML06:2023'),
      ref.owaspLlm('LLM03:2025'),
      ref.cwe(494), // Download of Code Without Integrity Check
    ],
  ),
  evalOutput: rule(
    'code/llm-output-eval',
    'critical',
    'LLM output evaluated as code',
    '`eval`, `exec`, `compile`, `new Function` or `vm.run*` receives a value derived from a model completion. Anyone who can influence the prompt or the context (prompt injection, a poisoned document) chooses the code that runs.',
    'Never execute model output. Parse it as data (`json.loads`/`ast.literal_eval` into a fixed schema) and dispatch to an allow-list of functions; if code execution is the product, run it in a sandbox without credentials or network.',
    [...OUTPUT_REFS, ref.cwe(95)],
  ),
  shellOutput: rule(
    'code/llm-output-shell',
    'critical',
    'LLM output passed to a shell or process',
    '`os.system`, `subprocess.*`, `child_process.exec*`/`spawn` or similar receives a value derived from a model completion: prompt injection becomes command execution on the host.',
    "Map the model's answer to an allow-list of commands with fixed arguments, pass arguments as a list without `shell=True`, and run tools in a sandbox with least privilege; require human approval for destructive actions.",
    [...OUTPUT_REFS, ref.atlas('AML.T0050'), ref.cwe(78)],
  ),
  sqlOutput: rule(
    'code/llm-output-sql',
    'high',
    'LLM output used as an SQL statement',
    'A database `execute`/`query`/`raw` call receives a value derived from a model completion. Text-to-SQL without guards lets prompt injection read or destroy any table the connection can reach.',
    'Use a read-only database role restricted to the needed views, parse and allow-list the generated statement (single SELECT, known tables), and bind values as parameters; never concatenate model output into SQL.',
    [...OUTPUT_REFS, ref.cwe(89)],
  ),
  promptConcat: rule(
    'code/prompt-injection-concat',
    'medium',
    'Prompt built by concatenating untrusted input',
    "Request or user input is pasted into a prompt with an f-string, `+`, `%`, `.format()` or a template literal. The input can then rewrite the instructions around it (direct prompt injection); in the system prompt it overrides the application's own rules.",
    'Keep instructions in the system message and pass user text as a separate `user` message; delimit and length-limit untrusted text, screen it (`warden guard check`), and never give the model more authority than the user.',
    [ref.atlas('AML.T0051.000'), ref.owaspLlm('LLM01:2025'), ref.owaspMl('ML01:2023'), ref.cwe(77), ref.cwe(74)],
  ),
  hardcodedKey: rule(
    'code/hardcoded-secret',
    'high',
    'Provider key or credential hard-coded in source',
    'A string literal in Python or TypeScript/JavaScript source matches a credential detector (model-provider keys such as OpenAI, Anthropic, Hugging Face; cloud keys; tokens). Source is shared, committed and logged; the key is as good as public.',
    'Revoke and rotate the key now, then read it from the environment or a secret manager (`os.environ["OPENAI_API_KEY"]`, `process.env.OPENAI_API_KEY`) and purge it from history.',
    [ref.atlas('AML.T0055'), ref.owaspLlm('LLM02:2025'), ref.owaspMl('ML06:2023'), ref.cwe(798)],
  ),
} as const satisfies Record<string, Rule>;

export const AUDIT_RULE_LIST: readonly Rule[] = Object.values(CODE_RULES);
