/**
 * What the audit does with each file of a project, decided from its path (and, for files with no
 * telling extension, by letting the model engine sniff the bytes). A plain table per kind, so the
 * routing is reviewable; the model engine still recognises formats by content, never by name.
 */

export type FileKind =
  | 'model'
  | 'model-code'
  | 'dataset'
  | 'notebook'
  | 'python'
  | 'javascript'
  | 'manifest'
  | 'ci'
  | 'policy'
  | 'config'
  | 'docs'
  | 'media'
  | 'other';

/** Files and bytes of one kind, for the inventory. */
export interface InventoryEntry {
  readonly files: number;
  readonly bytes: number;
}

/** Which analyses run on a file. */
export interface Routing {
  readonly kind: FileKind;
  /** The model engine (serialisation attacks, archives, model configs, model-shipped code). */
  readonly model: boolean;
  /** The data module: `all` secrets and personal data, `secrets` credentials only. */
  readonly data?: 'all' | 'secrets';
  /** Audit code checks. */
  readonly code?: 'python' | 'javascript' | 'notebook';
  /** Dependency advisories (`warden deps`). */
  readonly deps: boolean;
}

const MODEL_EXT = new Set([
  'pt',
  'pth',
  'bin',
  'ckpt',
  'pkl',
  'pickle',
  'joblib',
  'dill',
  'npy',
  'npz',
  'safetensors',
  'gguf',
  'ggml',
  'h5',
  'hdf5',
  'keras',
  'onnx',
  'pb',
  'tflite',
  'msgpack',
  'model',
  'mar',
  'pte',
  'mlmodel',
  'params',
  'llamafile',
  'zip',
  'tar',
  'tgz',
  'gz',
  'bz2',
  'xz',
  'lz4',
  '7z',
]);
/** Files the model engine recognises by name (configs that name code to run, chat templates). */
const MODEL_NAMES = new Set([
  'config.json',
  'tokenizer_config.json',
  'metadata.json',
  'MLmodel',
  'chat_template.jinja',
  'chat_template.json',
  'saved_model.pb',
  'keras_metadata.pb',
]);
const DATA_EXT = new Set(['csv', 'tsv', 'tab', 'jsonl', 'ndjson', 'parquet', 'json']);
const JS_EXT = new Set(['js', 'jsx', 'mjs', 'cjs', 'ts', 'tsx', 'mts', 'cts']);
const CONFIG_EXT = new Set(['yaml', 'yml', 'toml', 'cfg', 'ini', 'env', 'conf', 'properties', 'sh', 'bash', 'zsh']);
const DOCS_EXT = new Set(['md', 'rst', 'txt', 'adoc']);
const MEDIA_EXT = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'ico',
  'bmp',
  'mp3',
  'wav',
  'flac',
  'mp4',
  'mov',
  'webm',
  'pdf',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'css',
  'scss',
  'map',
  'lock',
]);
const MANIFEST =
  /^(?:requirements[\w.-]*\.(?:txt|in)|pyproject\.toml|Pipfile\.lock|poetry\.lock|package\.json|package-lock\.json)$/i;
const POLICY = /^\.?warden\.ya?ml$/;

/** Folders never worth auditing: installed packages, caches, virtual environments, build output. */
export const SKIPPED_DIRS: readonly string[] = [
  'node_modules',
  '.venv',
  'venv',
  '.tox',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'site-packages',
  '.ipynb_checkpoints',
  '.warden',
];

function ext(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i + 1).toLowerCase() : '';
}

const route = (kind: FileKind, r: Partial<Omit<Routing, 'kind'>> = {}): Routing => ({
  kind,
  model: r.model ?? false,
  deps: r.deps ?? false,
  ...(r.data ? { data: r.data } : {}),
  ...(r.code ? { code: r.code } : {}),
});

/**
 * Routes one file. `siblings` are the names of the files next to it: a `.py` beside weights or a
 * `config.json` is model code (shipped for `trust_remote_code`) and is judged as such.
 */
export function classify(path: string, siblings: readonly string[] = []): Routing {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const e = ext(name);
  if (/(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$|(?:^|\/)\.gitlab-ci\.ya?ml$/.test(path))
    return route('ci', { data: 'secrets' });
  if (POLICY.test(name)) return route('policy');
  if (MANIFEST.test(name)) return route('manifest', { deps: true, data: 'secrets' });
  if (MODEL_NAMES.has(name)) return route('model', { model: true, data: 'secrets' });
  if (MODEL_EXT.has(e)) return route('model', { model: true });
  if (e === 'ipynb') return route('notebook', { data: 'all', code: 'notebook' });
  if (e === 'py' || e === 'pyw') {
    const modelFolder = siblings.some((s) => s === 'config.json' || MODEL_EXT.has(ext(s)));
    return modelFolder ? route('model-code', { model: true }) : route('python', { code: 'python' });
  }
  if (JS_EXT.has(e)) {
    if (/\.min\.[cm]?js$/i.test(name) || /(?:^|\/)(?:dist|build)\//.test(path)) return route('other');
    return route('javascript', { code: 'javascript' });
  }
  if (DATA_EXT.has(e)) return route('dataset', { data: 'all' });
  if (CONFIG_EXT.has(e) || name.startsWith('.env')) return route('config', { data: 'secrets' });
  if (DOCS_EXT.has(e)) return route('docs', { data: 'secrets' });
  if (MEDIA_EXT.has(e)) return route('media');
  // No telling extension: let the model engine sniff it (weights are often saved without one).
  return route('other', { model: true });
}
