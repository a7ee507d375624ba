// `warden` from the TypeScript sources, for the CI integration tests: node --import tsx warden-dev.ts ARGS
import { run } from '../../src/cli/main.js';
import { nodeIO } from '../../src/cli/node-io.js';

process.exitCode = await run(process.argv.slice(2), nodeIO());
