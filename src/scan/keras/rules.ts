import { DESERIALIZATION_REFS, type Rule, ref } from '../../core/rule.js';

const CODE_INJECTION = [...DESERIALIZATION_REFS, ref.cwe(94)];

export const KERAS_RULES = {
  lambdaLayer: {
    id: 'keras/lambda-layer',
    title: 'Keras Lambda layer carries Python code',
    severity: 'high',
    description:
      'A Lambda layer stores a Python function (marshalled bytecode, or a function looked up by name). Keras rebuilds and runs it when the model is loaded or called, so the file can execute arbitrary code.',
    remediation:
      'Do not load the model from an untrusted source. Rebuild the architecture in code and load only the weights (safetensors or `model.load_weights`), or replace the Lambda with a registered custom layer whose code you review.',
    references: [...CODE_INJECTION, ref.cve('CVE-2024-3660')],
  },
  serializedFunction: {
    id: 'keras/serialized-function',
    title: 'Keras config embeds a serialized Python function',
    severity: 'high',
    description:
      'A `__lambda__` object (a Python function serialized as bytecode) appears in the model config, outside or inside a Lambda layer. Loading it with `safe_mode=False`, or through a safe-mode bypass, runs the bytecode.',
    remediation:
      'Treat the file as code from its author. Remove serialized functions; use registered, reviewed objects.',
    references: CODE_INJECTION,
  },
  dangerousModule: {
    id: 'keras/dangerous-module',
    title: 'Keras config references a dangerous Python module',
    severity: 'high',
    description:
      'An object in the model config names a module such as `os`, `subprocess` or `builtins`. Keras imports the module named in `module`/`registered_name`/`function_module` and calls what it finds there, so this is a code-execution gadget (CVE-2025-1550 class).',
    remediation: 'Do not load the file. Upgrade Keras to 3.9 or later and keep `safe_mode=True`.',
    references: [...CODE_INJECTION, ref.cve('CVE-2025-1550')],
  },
  nonKerasModule: {
    id: 'keras/non-keras-module',
    title: 'Keras config references a module outside Keras and TensorFlow',
    severity: 'high',
    description:
      'An object names a module (or a registered package) outside the Keras/TensorFlow namespaces. Keras before 3.9 imported such modules while loading a `.keras` file, even in safe mode (CVE-2025-1550); later versions require the class to be registered. In legacy HDF5 files the object needs custom code at load time (medium).',
    remediation:
      'Confirm the module is your own reviewed code, installed from a trusted source. Keep Keras up to date and `safe_mode=True`.',
    references: [...DESERIALIZATION_REFS, ref.cve('CVE-2025-1550')],
  },
  dangerousFunction: {
    id: 'keras/dangerous-function',
    title: 'Keras config calls a function that reaches files, the network or native code',
    severity: 'high',
    description:
      'The config references a Keras/TensorFlow function that downloads or reads files, loads another model, loads a native library, wraps arbitrary Python (`py_function`, `numpy_function`) or disables safe mode (`enable_unsafe_deserialization`). These are known safe-mode bypass gadgets (CVE-2025-8747, CVE-2025-9906).',
    remediation: 'Do not load the file. Upgrade Keras and inspect the config for the named call.',
    references: [...CODE_INJECTION, ref.cve('CVE-2025-8747'), ref.cve('CVE-2025-9906')],
  },
} as const satisfies Record<string, Rule>;

export const KERAS_RULE_LIST: readonly Rule[] = Object.values(KERAS_RULES);
