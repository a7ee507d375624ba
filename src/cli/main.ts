import { TOOL } from '../version.js';
import { COMMANDS } from './commands/index.js';
import { type CliIO, type Command, EXIT, UsageError } from './types.js';

async function mainUsage(): Promise<string> {
  const loaded = await Promise.all(COMMANDS.map((c) => c.load()));
  const width = Math.max(...loaded.map((c) => c.name.length));
  const list = loaded.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Warden ${TOOL.version} — security for the whole ML lifecycle

Usage: warden <command> [options]

Commands:
${list}

Options:
  -h, --help     show help (also: warden <command> --help)
  -v, --version  print the version

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or tool error.
`;
}

/** The whole CLI as a function: tests call it in-process and compare output and exit code. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.stdout(topic ? (await topic.load()).usage : await mainUsage());
    return first === undefined ? EXIT.error : EXIT.clean;
  }
  if (first === '-v' || first === '--version' || first === 'version') {
    io.stdout(`${TOOL.name} ${TOOL.version}\n`);
    return EXIT.clean;
  }
  const entry = COMMANDS.find((c) => c.name === first);
  if (!entry) {
    io.stderr(`warden: unknown command '${first}'\n\n${await mainUsage()}`);
    return EXIT.error;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout((await entry.load()).usage);
    return EXIT.clean;
  }
  entry.prepare?.(rest);
  try {
    return await runCommand(await entry.load(), rest, io);
  } finally {
    await entry.release?.();
  }
}

async function runCommand(command: Command, rest: readonly string[], io: CliIO): Promise<number> {
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.stderr(`warden ${command.name}: ${(e as Error).message}\nRun 'warden ${command.name} --help' for usage.\n`);
      return EXIT.error;
    }
    io.stderr(`warden ${command.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.error;
  }
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
