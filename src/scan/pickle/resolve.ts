/**
 * Resolves `find_class(module, name)` the way protocol 4 does (`name` is split on dots and each
 * part is an attribute of the previous object), against a model of what modules bind, so that
 * `torch` + `serialization.os.system` and `random` + `_os.system` both resolve to `os.system`.
 * The model is data: which attributes of which modules are other modules. It never matches on
 * the final name alone.
 */
import { ATTR_GETTERS, CALL_WRAPPERS, IMPORTERS, TYPE_LOOKUPS } from './call-shapes.js';
import { asGlobal, GlobalRef, Seq, type Value } from './values.js';

/**
 * Module names as the loader sees them: Python 2 names fixed by `fix_imports`
 * (Lib/_compat_pickle.py IMPORT_MAPPING) and `os.path`, which `import` resolves to posixpath.
 */
export const MODULE_ALIASES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  exceptions: 'builtins',
  copy_reg: 'copyreg',
  cPickle: 'pickle',
  commands: 'subprocess',
  'os.path': 'posixpath',
  urllib2: 'urllib.request',
  httplib: 'http.client',
  cookielib: 'http.cookiejar',
  BaseHTTPServer: 'http.server',
  SimpleHTTPServer: 'http.server',
  CGIHTTPServer: 'http.server',
  SocketServer: 'socketserver',
  xmlrpclib: 'xmlrpc.client',
  urlparse: 'urllib.parse',
  robotparser: 'urllib.robotparser',
  StringIO: 'io',
  cStringIO: 'io',
  Queue: 'queue',
  _winreg: 'winreg',
  thread: '_thread',
  dummy_thread: '_dummy_thread',
  repr: 'reprlib',
  UserDict: 'collections',
  UserList: 'collections',
  UserString: 'collections',
  Tkinter: 'tkinter',
  __main__: '__main__',
};

/**
 * What a module binds at top level (from each module's source): attribute → `module` (another
 * module object) or `module:qual` (a re-exported object).
 */
export const MODULE_BINDINGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  os: { path: 'posixpath', sys: 'sys', st: 'stat', abc: 'abc' },
  posixpath: { os: 'os', sys: 'sys', stat: 'stat', genericpath: 'genericpath' },
  ntpath: { os: 'os', sys: 'sys', stat: 'stat', genericpath: 'genericpath' },
  genericpath: { os: 'os', stat: 'stat' },
  random: { _os: 'os', _sha512: 'hashlib:sha512' },
  tempfile: { _os: 'os', _shutil: 'shutil', _io: 'io', _sys: 'sys', _functools: 'functools' },
  shutil: { os: 'os', sys: 'sys', stat: 'stat', fnmatch: 'fnmatch', collections: 'collections' },
  subprocess: { os: 'os', sys: 'sys', signal: 'signal', _posixsubprocess: '_posixsubprocess', io: 'io' },
  pickle: { sys: 'sys', io: 'io', codecs: 'codecs', _pickle: '_pickle', re: 're' },
  codecs: { sys: 'sys', builtins: 'builtins' },
  io: { _io: '_io', abc: 'abc', open: '_io:open' },
  collections: { _sys: 'sys', _collections_abc: 'collections.abc', _heapq: 'heapq' },
  typing: { sys: 'sys', collections: 'collections', functools: 'functools', operator: 'operator', types: 'types' },
  platform: { os: 'os', sys: 'sys', subprocess: 'subprocess', re: 're' },
  pydoc: { os: 'os', sys: 'sys', subprocess: 'subprocess', builtins: 'builtins', importlib: 'importlib' },
  torch: {
    serialization: 'torch.serialization',
    hub: 'torch.hub',
    jit: 'torch.jit',
    nn: 'torch.nn',
    optim: 'torch.optim',
    utils: 'torch.utils',
    storage: 'torch.storage',
    _utils: 'torch._utils',
    os: 'os',
    sys: 'sys',
    builtins: 'builtins',
    inspect: 'inspect',
    platform: 'platform',
  },
  'torch.serialization': {
    os: 'os',
    sys: 'sys',
    io: 'io',
    pickle: 'pickle',
    tarfile: 'tarfile',
    tempfile: 'tempfile',
    shutil: 'shutil',
    struct: 'struct',
    torch: 'torch',
    _weights_only_unpickler: 'torch._weights_only_unpickler',
  },
  'torch.hub': {
    os: 'os',
    sys: 'sys',
    shutil: 'shutil',
    tempfile: 'tempfile',
    zipfile: 'zipfile',
    importlib: 'importlib',
    torch: 'torch',
  },
  'torch._utils': { torch: 'torch', sys: 'sys', traceback: 'traceback', warnings: 'warnings' },
  'torch.storage': { torch: 'torch', io: 'io', pickle: 'pickle' },
  'joblib.numpy_pickle': { os: 'os', io: 'io', pickle: 'pickle', warnings: 'warnings' },
  'dill._dill': { os: 'os', sys: 'sys', marshal: 'marshal', gc: 'gc', io: 'io' },
  'cloudpickle.cloudpickle': { sys: 'sys', types: 'types', pickle: 'pickle', builtins: 'builtins', io: 'io' },
  numpy: { core: 'numpy.core', _core: 'numpy._core', lib: 'numpy.lib', testing: 'numpy.testing', f2py: 'numpy.f2py' },
};

/**
 * Modules that other modules conventionally bind under their own name (`import os`) or an
 * underscored alias (`import os as _os`). An attribute of an unmodelled module with one of these
 * names is taken to be that module: the loader would reach it if it exists, and legitimate
 * pickles never address a module through another module's attribute.
 */
export const CONVENTIONAL_BINDINGS: ReadonlySet<string> = new Set([
  'os',
  'posix',
  'nt',
  'sys',
  'subprocess',
  'builtins',
  '__builtin__',
  'shutil',
  'socket',
  'importlib',
  'pickle',
  'cPickle',
  'marshal',
  'ctypes',
  'runpy',
  'pty',
  'tempfile',
  'io',
  'codecs',
  'types',
  'operator',
  'functools',
  'inspect',
  'pathlib',
  'urllib',
  'requests',
  'http',
  'webbrowser',
  'multiprocessing',
  'signal',
  'code',
  'codeop',
  'threading',
  'dill',
  'cloudpickle',
  'platform',
  'pydoc',
  'asyncio',
]);

const MAX_PARTS = 32;

interface Cursor {
  module: string;
  qual: string;
  isModule: boolean;
  assumed: boolean;
}

export function canonicalModule(m: string): string {
  return MODULE_ALIASES[m] ?? m;
}

function step(cur: Cursor, part: string): void {
  if (!cur.isModule) {
    cur.qual = cur.qual ? `${cur.qual}.${part}` : part;
    return;
  }
  const bound = MODULE_BINDINGS[cur.module]?.[part];
  if (bound !== undefined) {
    const colon = bound.indexOf(':');
    if (colon < 0) {
      cur.module = canonicalModule(bound);
      cur.qual = '';
    } else {
      cur.module = bound.slice(0, colon);
      cur.qual = bound.slice(colon + 1);
      cur.isModule = false;
    }
    return;
  }
  const bare = part.replace(/^_+/, '');
  if (CONVENTIONAL_BINDINGS.has(part) || (bare !== part && CONVENTIONAL_BINDINGS.has(bare))) {
    cur.module = canonicalModule(CONVENTIONAL_BINDINGS.has(part) ? part : bare);
    cur.qual = '';
    cur.assumed = true;
    return;
  }
  cur.qual = part;
  cur.isModule = false;
}

function toRef(literal: string, cur: Cursor, offset: number, dotted: boolean): GlobalRef {
  const path = cur.qual ? `${cur.module}.${cur.qual}` : cur.module;
  return new GlobalRef(literal, path, cur.module, cur.qual, cur.assumed, cur.isModule, offset, dotted);
}

/** `find_class(module, name)` with protocol-4 dotted names. */
export function resolveGlobal(module: string, name: string, offset: number): GlobalRef {
  const cur: Cursor = { module: canonicalModule(module), qual: '', isModule: true, assumed: false };
  const parts = name.split('.');
  const n = Math.min(parts.length, MAX_PARTS);
  for (let i = 0; i < n; i++) step(cur, parts[i] ?? '');
  if (parts.length > MAX_PARTS) cur.qual += '.…';
  return toRef(`${module}.${name}`, cur, offset, parts.length > 1);
}

/** `getattr(base, name)` on a value already resolved. */
export function attributeOf(base: GlobalRef, name: string, offset: number): GlobalRef {
  const cur: Cursor = { module: base.module, qual: base.qual, isModule: base.isModule, assumed: base.assumed };
  for (const part of name.split('.').slice(0, MAX_PARTS)) step(cur, part);
  return toRef(`${base.literal}.${name}`, cur, offset, true);
}

/** `__import__(name)` / `importlib.import_module(name)`. */
export function importedModule(name: string, offset: number, topLevel: boolean): GlobalRef {
  const mod = canonicalModule(topLevel ? (name.split('.')[0] ?? name) : name);
  return new GlobalRef(name, mod, mod, '', false, true, offset, false);
}

const BUILTIN_TYPE_NAMES: Readonly<Record<string, string>> = {
  ListType: 'list',
  DictType: 'dict',
  TupleType: 'tuple',
  SetType: 'set',
  FrozenSetType: 'frozenset',
  IntType: 'int',
  LongType: 'int',
  FloatType: 'float',
  ComplexType: 'complex',
  StringType: 'str',
  StrType: 'str',
  UnicodeType: 'str',
  BytesType: 'bytes',
  ByteArrayType: 'bytearray',
  BooleanType: 'bool',
  BoolType: 'bool',
  ObjectType: 'object',
  TypeType: 'type',
  ClassType: 'type',
  SliceType: 'slice',
  RangeType: 'range',
  XRangeType: 'range',
  MemoryViewType: 'memoryview',
  PropertyType: 'property',
};

/** `cloudpickle._builtin_type(name)` / `dill._load_type(name)`: a type looked up by name. */
export function typeByName(name: string, offset: number): GlobalRef {
  const builtin = BUILTIN_TYPE_NAMES[name] ?? (/^[a-z]+$/.test(name) ? name : undefined);
  if (builtin) return new GlobalRef(name, `builtins.${builtin}`, 'builtins', builtin, false, false, offset, false);
  return new GlobalRef(name, `types.${name}`, 'types', name, false, false, offset, false);
}

/** What a call evaluates to when the model knows: imports, getattr, type lookups, wrappers. */
export function knownResult(g: GlobalRef, args: Value, at: number): GlobalRef | undefined {
  const a = args instanceof Seq ? args.items : [];
  const first = a[0];
  if (IMPORTERS.has(g.path) && typeof first === 'string')
    return importedModule(first, at, g.path === 'builtins.__import__');
  if (ATTR_GETTERS.has(g.path)) {
    const base = asGlobal(first);
    const name = a[1];
    if (base && typeof name === 'string') return attributeOf(base, name, at);
  }
  if (TYPE_LOOKUPS.has(g.path) && typeof first === 'string') return typeByName(first, at);
  if (g.path === 'operator.attrgetter' || g.path === 'operator.methodcaller') return undefined;
  if (CALL_WRAPPERS.has(g.path)) return undefined;
  return undefined;
}
