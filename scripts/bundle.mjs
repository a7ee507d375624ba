// Bundles the built CLI (dist/, from tsc) into a few files so that `warden` and its worker threads
// start without resolving and compiling ~270 separate ES modules: an empty `warden scan` took 0.38 s
// unbundled, most of it in the module loader. Run by `npm run build` after tsc.
//
// Layout: every output sits directly in dist/ so that the code's `new URL('./<worker>.js',
// import.meta.url)` finds the worker bundles and `../package.json` still names the package file.
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const WORKERS = {
  'scan-worker': 'dist/io/scan-worker.js',
  'data-worker': 'dist/io/data-worker.js',
  'code-worker': 'dist/audit/code-worker.js',
  'hash-worker': 'dist/supply/hashing/hash-worker.js',
  'pglite-thread': 'dist/store/pglite-thread.js',
};

// Packages that locate files next to themselves (WebAssembly, data files, optional plugins) or are
// loaded only by rare commands stay in node_modules.
const EXTERNAL = [
  '@cyclonedx/cyclonedx-library',
  '@electric-sql/pglite',
  'pg',
  'hash-wasm',
  'web-tree-sitter',
  'tree-sitter-python',
  'tree-sitter-typescript',
  'xz-decompress',
];

// Chunk names carry content hashes: drop the previous build's so dist/ holds one bundle.
for (const f of readdirSync('dist')) if (/^chunk-.*\.js(\.map)?$/.test(f)) rmSync(`dist/${f}`);

await build({
  entryPoints: { warden: 'dist/cli/entry.js', ...WORKERS },
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // Bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __wardenRequire } from 'node:module'; const require = __wardenRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  logLevel: 'warning',
});
