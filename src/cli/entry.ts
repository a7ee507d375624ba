// The command-line program's entry, bundled by scripts/bundle.mjs into dist/warden.js.
export { run } from './main.js';
export { nodeIO } from './node-io.js';
