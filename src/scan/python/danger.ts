import type { CallFact } from './extract.js';

export type DangerCategory = 'shell' | 'code' | 'network' | 'deserialization' | 'native';

/**
 * Calls that run commands, code, native libraries, reach the network or deserialize arbitrary
 * objects. A pattern ending in `.*` matches every member of the module (and submodules).
 */
export const DANGEROUS_CALLS: readonly { readonly pattern: string; readonly category: DangerCategory }[] = [
  ...[
    'os.system',
    'os.popen',
    'os.exec*',
    'os.spawn*',
    'os.posix_spawn',
    'os.posix_spawnp',
    'os.fork',
    'os.forkpty',
    'posix.system',
    'nt.system',
    'subprocess.*',
    'pty.spawn',
    'commands.*',
    'platform.popen',
    'asyncio.create_subprocess_exec',
    'asyncio.create_subprocess_shell',
  ].map((pattern) => ({ pattern, category: 'shell' as const })),
  ...[
    'eval',
    'exec',
    'compile',
    '__import__',
    'importlib.import_module',
    'importlib.__import__',
    'runpy.*',
    'code.interact',
    'code.InteractiveInterpreter',
    'code.InteractiveConsole',
    'types.FunctionType',
    'types.CodeType',
  ].map((pattern) => ({ pattern, category: 'code' as const })),
  ...[
    'requests.*',
    'urllib.request.*',
    'urllib.urlopen',
    'urllib.urlretrieve',
    'urllib2.*',
    'urllib3.*',
    'http.client.*',
    'httplib.*',
    'socket.*',
    'httpx.*',
    'aiohttp.*',
    'ftplib.*',
    'smtplib.*',
    'telnetlib.*',
    'paramiko.*',
    'pycurl.*',
    'websocket.*',
    'websockets.*',
  ].map((pattern) => ({ pattern, category: 'network' as const })),
  ...[
    'pickle.load',
    'pickle.loads',
    'pickle.Unpickler',
    '_pickle.load',
    '_pickle.loads',
    'cPickle.load',
    'cPickle.loads',
    'dill.load',
    'dill.loads',
    'cloudpickle.load',
    'cloudpickle.loads',
    'joblib.load',
    'marshal.load',
    'marshal.loads',
    'shelve.open',
    'jsonpickle.decode',
    'pandas.read_pickle',
    'torch.load',
    'numpy.load',
    'yaml.load',
    'yaml.load_all',
    'yaml.unsafe_load',
    'yaml.unsafe_load_all',
    'yaml.full_load',
  ].map((pattern) => ({ pattern, category: 'deserialization' as const })),
  ...['ctypes.*', 'cffi.*', '_ctypes.*'].map((pattern) => ({ pattern, category: 'native' as const })),
];

function matches(pattern: string, name: string): boolean {
  if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

/** Loaders safe by their arguments (`weights_only=True`, a safe YAML loader, no pickles allowed). */
const SAFE_YAML_LOADERS = /(?:^|\.)(?:Safe|CSafe|Base)Loader$/;

function safeByArguments(name: string, call: CallFact): boolean {
  const kw = call.keywords;
  if (name === 'torch.load') return kw.weights_only?.value === true;
  if (name === 'numpy.load') return kw.allow_pickle?.value !== true;
  if (name === 'yaml.load' || name === 'yaml.load_all') {
    const loader = kw.Loader ?? call.args[1];
    return loader !== undefined && SAFE_YAML_LOADERS.test(String(loader.value ?? loader.text));
  }
  return false;
}

export interface Danger {
  readonly category: DangerCategory;
  readonly name: string;
}

/** Classifies a resolved call; unresolved callees (locals, methods on unknown objects) are never flagged. */
export function classifyCall(call: CallFact): Danger | undefined {
  if (!call.resolved) return undefined;
  const hit = DANGEROUS_CALLS.find((d) => matches(d.pattern, call.callee));
  if (!hit || safeByArguments(call.callee, call)) return undefined;
  return { category: hit.category, name: call.callee };
}

/** For `from m import *`: the qualified name a bare call would have, when it is a dangerous one. */
export function qualifyStarImport(modules: readonly string[], name: string): string | undefined {
  for (const m of modules) {
    const q = `${m}.${name}`;
    if (DANGEROUS_CALLS.some((d) => matches(d.pattern, q))) return q;
  }
  return undefined;
}
