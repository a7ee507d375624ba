import { DESERIALIZATION_REFS, type Rule, ref } from '../../core/rule.js';

const PICKLE_DOCS = ref.url(
  'https://docs.python.org/3/library/pickle.html#restricting-globals',
  'python-pickle-security',
);
const REFS = [...DESERIALIZATION_REFS, PICKLE_DOCS];
const RESOURCE_REFS = [ref.cwe(400), ref.owaspLlm('LLM10:2025'), ref.atlas('AML.T0029')];

export const PICKLE_RULES = {
  dangerousGlobal: {
    id: 'pickle/dangerous-global',
    title: 'Pickle imports or calls a dangerous callable',
    severity: 'critical',
    description:
      'The pickle imports a callable that executes commands or code, loads other code or data, reaches the network or the file system. Loading the file runs it.',
    remediation:
      'Do not load the file. Obtain the model in a format without code (safetensors, ONNX) or from a trusted publisher, and load pickles only with an allow-list (`weights_only=True`).',
    references: REFS,
  },
  unknownGlobal: {
    id: 'pickle/unknown-global',
    title: 'Pickle imports a global outside the allow-list',
    severity: 'medium',
    description:
      'The pickle imports a module attribute that benign model files do not normally need. It may be harmless application code, or a gadget the scanner does not know.',
    remediation:
      'Check that the named class or function comes from a package you trust; load with an explicit allow-list of the globals you expect.',
    references: REFS,
  },
  computedImport: {
    id: 'pickle/computed-import',
    title: 'Pickle imports a name computed at load time',
    severity: 'high',
    description:
      'A STACK_GLOBAL takes its module or attribute name from the result of a call (not a literal string), so the import is only decided while loading: a known technique to hide the real callable from scanners.',
    remediation: 'Treat the file as hostile; do not load it.',
    references: REFS,
  },
  attributeInjection: {
    id: 'pickle/attribute-injection',
    title: 'Pickle writes onto an imported module, function or class',
    severity: 'high',
    description:
      'BUILD, SETITEM(S) or APPEND(S) is applied to an imported global rather than to a fresh object: the loader sets attributes or items on a module, function or class (e.g. replaces a function, edits `sys.modules` or `os.environ`).',
    remediation: 'Treat the file as hostile; do not load it.',
    references: REFS,
  },
  codeObject: {
    id: 'pickle/code-object',
    title: 'Pickle rebuilds a code object or function',
    severity: 'critical',
    description:
      'The pickle builds Python bytecode on load (marshal.loads, types.CodeType/FunctionType, cloudpickle or dill function reconstruction). The function runs whatever its bytecode says when called.',
    remediation:
      'Do not load pickled functions or lambdas from untrusted sources; ship code as reviewed source and data in a format without code.',
    references: REFS,
  },
  nestedPickle: {
    id: 'pickle/nested-pickle',
    title: 'Pickle loads an embedded serialised payload',
    severity: 'medium',
    description:
      'A bytes argument is handed to a loader (pickle.loads, dill/cloudpickle loads, torch.load, marshal.loads …). The embedded payload is analysed; its own findings are reported separately.',
    remediation: 'Review the embedded payload findings; avoid nested deserialisation of untrusted data.',
    references: REFS,
  },
  extensionCode: {
    id: 'pickle/extension-code',
    title: 'Pickle uses the copyreg extension registry',
    severity: 'high',
    description:
      'EXT1/EXT2/EXT4 import whatever callable a library registered under a numeric code. CPython registers none by default, so the callable cannot be known from the file.',
    remediation: 'Treat the file as hostile unless you control the extension registry of the loading process.',
    references: REFS,
  },
  frameOverrun: {
    id: 'pickle/frame-overrun',
    title: 'Pickle opcode overruns its FRAME',
    severity: 'high',
    description:
      'An opcode starts inside a protocol-4 FRAME and needs more bytes than the frame holds. CPython reading from a file without peek (torch.load of a zip member) skips the rest of the frame; a linear reader (pickletools, most scanners) does not. No pickler emits this: it makes two readers see different programs.',
    remediation: 'Treat the file as hostile; both readings are reported.',
    references: REFS,
  },
  malformed: {
    id: 'pickle/malformed',
    title: 'Pickle stream is malformed',
    severity: 'medium',
    description:
      'The stream breaks off (invalid opcode, stack underflow, truncation). Loaders execute every opcode before the break, so anything found before it still runs; payload-then-garbage files are a known scanner bypass.',
    remediation: 'Do not load files that fail to parse; obtain a fresh copy from the publisher.',
    references: REFS,
  },
  limitExceeded: {
    id: 'pickle/limit-exceeded',
    title: 'Pickle analysis hit a resource limit',
    severity: 'medium',
    description:
      'The stream exceeds a cap on bytes, opcodes, stack depth, memo size or nesting. The part after the cap was not analysed.',
    remediation: 'Scan with higher limits if the file is expected to be this large, or reject it.',
    references: RESOURCE_REFS,
  },
  trailingData: {
    id: 'pickle/trailing-data',
    title: 'Bytes follow the last pickle stream',
    severity: 'low',
    description:
      'Data that does not parse as a pickle follows the last STOP. A single `pickle.load` ignores it; other loaders (or a second load) may read it.',
    remediation: 'Check why the file carries trailing data.',
    references: [ref.cwe(502)],
  },
} as const satisfies Record<string, Rule>;

export const PICKLE_RULE_LIST: readonly Rule[] = Object.values(PICKLE_RULES);
