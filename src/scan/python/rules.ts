import { type Rule, ref } from '../../core/rule.js';
import type { DangerCategory } from './danger.js';

// Model code shipped next to weights (trust_remote_code, MLflow code paths) is ML software supply chain.
const CODE_REFS = [
  ref.atlas('AML.T0010.001'), // ML Supply Chain Compromise: ML Software
  ref.atlas('AML.T0011.000'), // User Execution: Unsafe ML Artifacts
  ref.owaspMl('ML06:2023'),
  ref.owaspLlm('LLM03:2025'),
];

const WHERE =
  'Python files shipped with a model (Hugging Face `trust_remote_code` modules, MLflow code paths) run with the rights of whoever loads the model; calls at module level run on import.';

export const PYTHON_RULES: Record<DangerCategory, Rule> = {
  shell: {
    id: 'python/shell-command',
    title: 'Python code runs shell commands',
    severity: 'high',
    description: `The code calls \`os.system\`, \`subprocess.*\`, \`os.exec*\`/\`os.spawn*\` or similar. ${WHERE}`,
    remediation:
      'Do not load the model with `trust_remote_code=True` (or the equivalent) until the call is reviewed; pin a reviewed revision or remove the call.',
    references: [...CODE_REFS, ref.cwe(78)],
  },
  code: {
    id: 'python/code-execution',
    title: 'Python code evaluates or imports code dynamically',
    severity: 'high',
    description: `The code calls \`eval\`, \`exec\`, \`compile\`, \`__import__\`, \`importlib.import_module\` or \`runpy\`, which run code chosen at run time and hide what executes. ${WHERE}`,
    remediation: 'Review what is evaluated; replace dynamic evaluation with explicit code before trusting the model.',
    references: [...CODE_REFS, ref.cwe(95)],
  },
  network: {
    id: 'python/network-access',
    title: 'Python code reaches the network',
    severity: 'high',
    description: `The code uses \`requests\`, \`urllib\`, \`http.client\`, \`socket\` or another network client: model code that downloads or sends data can fetch a second stage or exfiltrate secrets. ${WHERE}`,
    remediation: 'Model code should not need the network. Review the endpoint and the data sent; load offline.',
    references: [...CODE_REFS, ref.cwe(494)],
  },
  deserialization: {
    id: 'python/unsafe-deserialization',
    title: 'Python code deserializes with pickle or an unsafe loader',
    severity: 'high',
    description: `The code calls \`pickle.load(s)\`, \`torch.load\` without \`weights_only=True\`, \`marshal.loads\`, \`joblib.load\`, \`numpy.load(allow_pickle=True)\` or \`yaml.load\` without a safe loader: any object in the loaded file can run code. ${WHERE}`,
    remediation:
      'Use `torch.load(..., weights_only=True)`, safetensors, `yaml.safe_load`, or `numpy.load` without `allow_pickle`; scan the loaded files.',
    references: [...CODE_REFS, ref.cwe(502)],
  },
  native: {
    id: 'python/native-code',
    title: 'Python code loads native code',
    severity: 'high',
    description: `The code uses \`ctypes\` or \`cffi\` to load shared libraries or call native functions, which bypasses every Python-level control. ${WHERE}`,
    remediation: 'Review which library is loaded and from where; do not load the model until it is.',
    references: [...CODE_REFS, ref.cwe(829)],
  },
};

export const PYTHON_RULE_LIST: readonly Rule[] = Object.values(PYTHON_RULES);
