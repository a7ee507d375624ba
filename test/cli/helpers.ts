import type { CliIO } from '../../src/cli/types.js';

export interface Captured {
  io: CliIO;
  out: () => string;
  err: () => string;
}

/** A CliIO that records what the command writes. */
export function captureIO(cwd: string, opts: { isTTY?: boolean; env?: Record<string, string> } = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (s) => {
        out += s;
      },
      stderr: (s) => {
        err += s;
      },
      cwd,
      env: opts.env ?? {},
      isTTY: opts.isTTY ?? false,
    },
    out: () => out,
    err: () => err,
  };
}
