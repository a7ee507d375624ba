#!/usr/bin/env node
import { nodeIO, run } from '../dist/warden.js';

process.exitCode = await run(process.argv.slice(2), nodeIO());
