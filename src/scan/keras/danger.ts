/** Allow/deny tables for Keras configs: data, not branching code. */

/** Top-level packages that belong to the Keras/TensorFlow ecosystem. */
export const KERAS_NAMESPACES: readonly string[] = [
  'keras',
  'tf_keras',
  'tensorflow',
  'keras_hub',
  'keras_nlp',
  'keras_cv',
  'keras_rs',
  'tensorflow_hub',
  'tensorflow_text',
];

/** Python modules whose functions execute commands, code, files or network I/O. */
export const DANGEROUS_MODULES: readonly string[] = [
  'os',
  'posix',
  'nt',
  'subprocess',
  'builtins',
  '__builtin__',
  'sys',
  'shutil',
  'socket',
  'pty',
  'ctypes',
  'importlib',
  'runpy',
  'pickle',
  '_pickle',
  'cPickle',
  'dill',
  'marshal',
  'code',
  'codeop',
  'commands',
  'webbrowser',
  'requests',
  'urllib',
  'urllib2',
  'urllib3',
  'http',
  'httpx',
  'ftplib',
  'smtplib',
  'telnetlib',
  'multiprocessing',
  'pip',
  'setuptools',
  'distutils',
  'asyncio',
  'types',
  'operator',
  'functools',
  'pydoc',
  'timeit',
  'platform',
  'tempfile',
  'pathlib',
  'io',
  'glob',
];

/**
 * Function names (the last part of a reference) that fetch or read files, load models, load native
 * code, wrap arbitrary Python or switch safe mode off, even inside Keras/TensorFlow namespaces.
 */
export const DANGEROUS_FUNCTIONS: readonly string[] = [
  'get_file',
  'load_model',
  'load_weights',
  'enable_unsafe_deserialization',
  'load_op_library',
  'load_library',
  'py_function',
  'py_func',
  'numpy_function',
  'eager_py_func',
  'read_file',
  'write_file',
  'gfile',
  'GFile',
  'remove',
  'rmtree',
  'exec',
  'eval',
  'system',
  'popen',
  'import_module',
];

/**
 * Keras 3 serializes a plain builtin function as `{"module": "builtins", "class_name": "function",
 * "config": <name>}`; these builtins compute values only and are not worth a finding.
 */
export const HARMLESS_BUILTIN_FUNCTIONS: readonly string[] = [
  'abs',
  'min',
  'max',
  'len',
  'sum',
  'round',
  'float',
  'int',
  'bool',
  'str',
  'tuple',
  'list',
  'dict',
  'sorted',
  'pow',
  'divmod',
];

/** Segments of a TFOpLambda/`tf.*` function path that reach outside the tensor graph. */
export const DANGEROUS_TF_SEGMENTS: readonly string[] = [
  'io',
  'gfile',
  'saved_model',
  'raw_ops',
  'debugging',
  'summary',
];

/** Names in Lambda bytecode worth calling out in evidence. */
export const SUSPICIOUS_CODE_NAMES: readonly string[] = [
  ...DANGEROUS_MODULES,
  'system',
  'popen',
  'Popen',
  'run',
  'call',
  'check_output',
  'exec',
  'eval',
  'compile',
  '__import__',
  'getattr',
  'open',
  'urlopen',
  'loads',
  'load',
  'spawn',
  'fork',
  'remove',
  'unlink',
  'rmtree',
  'connect',
];

export function rootModule(module: string): string {
  return module.split('.')[0] ?? module;
}

export function isKerasNamespace(module: string): boolean {
  return KERAS_NAMESPACES.includes(rootModule(module));
}

export function isDangerousModule(module: string): boolean {
  return DANGEROUS_MODULES.includes(rootModule(module));
}
