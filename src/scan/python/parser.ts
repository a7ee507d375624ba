/**
 * The one Python parser of the process: web-tree-sitter with the tree-sitter-python grammar, loaded
 * lazily on first use and shared by every scan (formats and, later, the audit). Parsing is bounded
 * by a byte cap and a wall-clock deadline enforced through tree-sitter's progress callback.
 */
import { createRequire } from 'node:module';
import type { Node, Parser } from 'web-tree-sitter';
import { err, ok, type ParseError, parseError, type Result } from '../../core/result.js';

export interface PythonParseOptions {
  /** Source larger than this (in UTF-8 bytes) is refused. */
  readonly maxBytes?: number;
  /** Parsing stops after this many milliseconds. */
  readonly timeoutMs?: number;
}

// tree-sitter's wasm build parses roughly 1 MB/s here; model code files are tens to hundreds of KB.
export const DEFAULT_PYTHON_MAX_BYTES = 1024 * 1024;
export const DEFAULT_PYTHON_TIMEOUT_MS = 10_000;

let shared: Promise<Parser> | undefined;

async function load(): Promise<Parser> {
  // Imported on first use: most scans meet no Python file, and loading the module costs ~10 ms
  // of every `warden scan` start-up.
  const ts = await import('web-tree-sitter');
  const require = createRequire(import.meta.url);
  await ts.Parser.init();
  const language = await ts.Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  const parser = new ts.Parser();
  parser.setLanguage(language);
  return parser;
}

/** The shared parser; initialised once, on first call. */
export function pythonParser(): Promise<Parser> {
  shared ??= load().catch((e: unknown) => {
    shared = undefined; // let a later call retry instead of caching the failure
    throw e;
  });
  return shared;
}

/**
 * Parses `source` and hands the root node to `use`; the tree is freed afterwards (it lives in wasm
 * memory), so `use` must not keep nodes. Syntax errors do not fail: tree-sitter recovers and the
 * tree carries ERROR nodes, which is what a scanner wants for hostile or partial files.
 */
export async function withPythonTree<T>(
  source: string,
  use: (root: Node) => T,
  opts: PythonParseOptions = {},
): Promise<Result<T, ParseError>> {
  const maxBytes = opts.maxBytes ?? DEFAULT_PYTHON_MAX_BYTES;
  if (Buffer.byteLength(source, 'utf8') > maxBytes) {
    return err(parseError('limit_exceeded', `Python source larger than ${maxBytes} bytes`));
  }
  let parser: Parser;
  try {
    parser = await pythonParser();
  } catch (e) {
    return err(parseError('internal', `Python parser failed to load: ${e instanceof Error ? e.message : String(e)}`));
  }
  const deadline = performance.now() + (opts.timeoutMs ?? DEFAULT_PYTHON_TIMEOUT_MS);
  let timedOut = false;
  const tree = parser.parse(source, null, {
    progressCallback: () => {
      if (performance.now() > deadline) timedOut = true;
      return timedOut;
    },
  });
  if (!tree) {
    parser.reset();
    return err(
      parseError(timedOut ? 'timeout' : 'internal', timedOut ? 'Python parse timed out' : 'Python parse failed'),
    );
  }
  try {
    return ok(use(tree.rootNode));
  } finally {
    tree.delete();
  }
}
