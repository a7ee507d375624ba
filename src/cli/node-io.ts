import { text } from 'node:stream/consumers';
import type { CliIO } from './types.js';

/** The real process's streams; everything else in the CLI sees only a `CliIO`. */
export function nodeIO(): CliIO {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    readStdin: () => text(process.stdin),
  };
}
