/** Everything a command may touch of the outside world, so the CLI runs in-process in tests. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Colour and progress bars only when this is true. */
  readonly isTTY: boolean;
  /** Standard input as text, when a command reads `-`. */
  readonly readStdin?: () => Promise<string>;
}

/** Exit codes shared by every command. */
export const EXIT = { clean: 0, findings: 1, error: 2 } as const;

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full `--help` text. */
  readonly usage: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
