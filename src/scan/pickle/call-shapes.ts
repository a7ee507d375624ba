/** How calls to well-known functions shape the values the machine tracks (data, not branching code). */

/**
 * Functions whose bytes argument is itself a serialised payload the analyzer opens: `pickle`
 * streams are analysed recursively; `marshal` payloads are code objects.
 */
export const LOADER_ARGS: Readonly<Record<string, 'pickle' | 'marshal' | 'torch'>> = {
  'pickle.loads': 'pickle',
  'pickle._loads': 'pickle',
  'pickle.load': 'pickle',
  '_pickle.loads': 'pickle',
  '_pickle.load': 'pickle',
  'cPickle.loads': 'pickle',
  'dill.loads': 'pickle',
  'dill._dill.loads': 'pickle',
  'cloudpickle.loads': 'pickle',
  'cloudpickle.cloudpickle.loads': 'pickle',
  'numpy.loads': 'pickle',
  'numpy.core.multiarray.loads': 'pickle',
  'numpy.ma.core.loads': 'pickle',
  'pandas.read_pickle': 'pickle',
  'joblib.load': 'pickle',
  'torch.load': 'torch',
  'torch.serialization.load': 'torch',
  'torch.storage._load_from_bytes': 'torch',
  'marshal.loads': 'marshal',
  'marshal.load': 'marshal',
};

/** Wrappers whose argument is a file-like over bytes (`torch.load(io.BytesIO(b))`). */
export const BYTES_WRAPPERS: ReadonlySet<string> = new Set(['io.BytesIO', '_io.BytesIO', 'io.BufferedReader']);

/**
 * Helpers that return a type looked up by name. Calling their result is calling that type, so
 * `_builtin_type('CodeType')(…)` is `types.CodeType(…)`.
 */
export const TYPE_LOOKUPS: ReadonlySet<string> = new Set([
  'cloudpickle.cloudpickle._builtin_type',
  'cloudpickle.cloudpickle_fast._builtin_type',
  'dill._dill._load_type',
  'dill._dill._get_attr_of_type',
]);

/** Calls whose result is a module (`__import__('os')`). */
export const IMPORTERS: ReadonlySet<string> = new Set([
  'builtins.__import__',
  'importlib.import_module',
  'importlib.__import__',
  'cloudpickle.cloudpickle.subimport',
  'cloudpickle.cloudpickle_fast.subimport',
  'dill._dill._import_module',
]);

/** Calls whose result is an attribute of their first argument (`getattr(obj, 'name')`). */
export const ATTR_GETTERS: ReadonlySet<string> = new Set(['builtins.getattr', 'dill._dill._get_attr']);

/** Wrappers that call their first argument later (`partial(os.system, 'id')`). */
export const CALL_WRAPPERS: ReadonlySet<string> = new Set([
  'functools.partial',
  'functools.partialmethod',
  'functools.reduce',
  'builtins.map',
  'builtins.filter',
  'builtins.apply',
  'operator.call',
  'copyreg._reconstructor',
]);

/**
 * The copyreg extension registry (`copyreg._extension_registry`): empty in CPython by default.
 * Any EXT code in a pickle resolves to whatever some library registered at run time.
 */
export const EXTENSION_REGISTRY: Readonly<Record<number, string>> = {};
