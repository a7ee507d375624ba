/**
 * TypeScript/JavaScript parsing with tree-sitter (grammars from the tree-sitter-typescript and
 * tree-sitter-javascript packages, which ship their wasm builds), loaded lazily on first use.
 */
import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';
import { err, ok, type ParseError, parseError, type Result } from '../../core/result.js';
import { pythonParser } from '../../scan/python/parser.js';

export type JsDialect = 'typescript' | 'tsx' | 'javascript';

const WASM: Record<JsDialect, string> = {
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript/tree-sitter-javascript.wasm',
};

export const DEFAULT_JS_MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 10_000;

const parsers = new Map<JsDialect, Promise<Parser>>();

async function load(dialect: JsDialect): Promise<Parser> {
  // web-tree-sitter has one wasm runtime per process and `Parser.init()` replaces it, which would
  // invalidate the Python grammar already loaded; the shared Python parser owns the one init.
  await pythonParser();
  const require = createRequire(import.meta.url);
  const language = await Language.load(require.resolve(WASM[dialect]));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

function parserFor(dialect: JsDialect): Promise<Parser> {
  let p = parsers.get(dialect);
  if (!p) {
    p = load(dialect).catch((e: unknown) => {
      parsers.delete(dialect);
      throw e;
    });
    parsers.set(dialect, p);
  }
  return p;
}

/** The grammar for a file name: `.ts`/`.mts`/`.cts` TypeScript, `.tsx` TSX, everything else JavaScript (JSX included). */
export function dialectOf(name: string): JsDialect {
  if (/\.tsx$/i.test(name)) return 'tsx';
  if (/\.[cm]?ts$/i.test(name)) return 'typescript';
  return 'javascript';
}

/** Parses and hands the root to `use`; the tree is freed afterwards. Never throws. */
export async function withJsTree<T>(
  source: string,
  dialect: JsDialect,
  use: (root: Node) => T,
  maxBytes = DEFAULT_JS_MAX_BYTES,
): Promise<Result<T, ParseError>> {
  if (Buffer.byteLength(source, 'utf8') > maxBytes) {
    return err(parseError('limit_exceeded', `source larger than ${maxBytes} bytes`));
  }
  let parser: Parser;
  try {
    parser = await parserFor(dialect);
  } catch (e) {
    return err(
      parseError('internal', `${dialect} parser failed to load: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
  const deadline = performance.now() + TIMEOUT_MS;
  let timedOut = false;
  const tree = parser.parse(source, null, {
    progressCallback: () => {
      if (performance.now() > deadline) timedOut = true;
      return timedOut;
    },
  });
  if (!tree) {
    parser.reset();
    return err(parseError(timedOut ? 'timeout' : 'internal', timedOut ? 'parse timed out' : 'parse failed'));
  }
  try {
    return ok(use(tree.rootNode));
  } finally {
    tree.delete();
  }
}
