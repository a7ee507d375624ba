import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGuard, type Guard } from '../../guard/index.js';
import type { ScanResult } from '../../guard/types.js';
import { oneOf } from '../args.js';
import { type CliIO, type Command, EXIT, UsageError } from '../types.js';

const USAGE = `Usage:
  warden guard check <text|-> [--mode input|output] [--threshold X] [--secret S]... [--allow-host H]... [--json]
  warden guard batch <file.jsonl|-> [--mode input|output] [--threshold X] [--allow-host H]...

Scans prompts for prompt injection and jailbreaks (--mode input, the default) or model outputs for
leaks (--mode output: secrets and PII, canary tokens, system-prompt leakage, markdown exfiltration links).

check   scans one text ('-' reads standard input) and prints the verdict, or the full result with --json.
batch   streams a JSONL file: each line {"id"?, "text"} (output mode: {"id"?, "text", "secret"?}, where
        "secret" is a canary or system prompt that must not appear). Prints one line per input, in order:
        {"id", "flagged", "score", "categories"}. "id" is the input's id, or the 0-based line index.

Options:
  --mode input|output  what is scanned (default input)
  --threshold X        decision threshold in [0, 1] (default: the shipped model's calibrated threshold)
  --secret S           (check, output mode) a canary or system prompt that must not leak; repeatable
  --allow-host H       (output mode) host markdown images/links may point to; repeatable
  --json               (check) print the full result as JSON

Exit codes: 0 nothing flagged, 1 something flagged, 2 usage error or unreadable input.
`;

function parseThreshold(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new UsageError(`--threshold: expected a number from 0 to 1, got '${text}'`);
  return n;
}

interface Settings {
  readonly mode: 'input' | 'output';
  readonly threshold: number | undefined;
  readonly allowedHosts: readonly string[];
}

function scan(guard: Guard, s: Settings, text: string, secrets: readonly string[]): ScanResult {
  const threshold = s.threshold !== undefined ? { threshold: s.threshold } : {};
  if (s.mode === 'input') return guard.scanInput(text, threshold);
  return guard.scanOutput(text, {
    ...threshold,
    canaries: secrets,
    systemPrompts: secrets,
    allowedHosts: s.allowedHosts,
  });
}

async function check(guard: Guard, s: Settings, target: string, secrets: string[], json: boolean, io: CliIO) {
  const text = target === '-' ? await readStdin(io) : target;
  const r = scan(guard, s, text, secrets);
  if (json) {
    io.stdout(`${JSON.stringify(r)}\n`);
  } else {
    io.stdout(
      `${r.flagged ? 'FLAGGED' : 'ok'}  score ${r.score.toFixed(4)} (threshold ${r.threshold})${r.categories.length ? `  ${r.categories.join(', ')}` : ''}\n`,
    );
    for (const sp of r.spans) {
      const excerpt = text.slice(sp.start, Math.min(sp.end, sp.start + 80)).replace(/[\u0000-\u001f\u007f]/g, ' ');
      io.stdout(
        `  [${sp.start}, ${sp.end})  ${sp.category}  ${sp.signal}  "${excerpt}${sp.end - sp.start > 80 ? '…' : ''}"\n`,
      );
    }
  }
  return r.flagged ? EXIT.findings : EXIT.clean;
}

async function readStdin(io: CliIO): Promise<string> {
  if (!io.readStdin) throw new UsageError("reading '-' needs standard input");
  return io.readStdin();
}

async function* lines(target: string, io: CliIO): AsyncGenerator<string> {
  if (target === '-') {
    yield* (await readStdin(io)).split('\n');
    return;
  }
  const stream = createReadStream(path.resolve(io.cwd, target), { encoding: 'utf8' });
  // Streams line by line: a multi-gigabyte JSONL file never sits in memory.
  yield* createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
}

async function batch(guard: Guard, s: Settings, target: string, io: CliIO): Promise<number> {
  let index = 0;
  let anyFlagged = false;
  let anyError = false;
  try {
    for await (const line of lines(target, io)) {
      if (line.trim() === '') continue;
      const at = index++;
      let row: { id?: unknown; text?: unknown; secret?: unknown };
      try {
        row = JSON.parse(line);
      } catch {
        row = {};
      }
      const id = row && typeof row === 'object' && row.id !== undefined ? row.id : at;
      if (!row || typeof row !== 'object' || typeof row.text !== 'string') {
        anyError = true;
        io.stdout(
          `${JSON.stringify({ id, flagged: false, score: 0, categories: [], error: 'expected {"text": string}' })}\n`,
        );
        continue;
      }
      const secrets = typeof row.secret === 'string' && row.secret.length > 0 ? [row.secret] : [];
      const r = scan(guard, s, row.text, secrets);
      anyFlagged ||= r.flagged;
      io.stdout(`${JSON.stringify({ id, flagged: r.flagged, score: r.score, categories: r.categories })}\n`);
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      io.stderr(`warden guard: cannot read ${target}: ${code}\n`);
      return EXIT.error;
    }
    throw e;
  }
  if (anyError) {
    io.stderr('warden guard: some lines were not {"text": string} JSON objects\n');
    return EXIT.error;
  }
  return anyFlagged ? EXIT.findings : EXIT.clean;
}

export const guardCommand: Command = {
  name: 'guard',
  summary: 'detect prompt injection / jailbreaks in prompts and leaks in model outputs',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        mode: { type: 'string', default: 'input' },
        threshold: { type: 'string' },
        secret: { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
    });
    const [sub, target, ...extra] = positionals;
    if (sub !== 'check' && sub !== 'batch') throw new UsageError(`expected 'check' or 'batch', got '${sub ?? ''}'`);
    if (target === undefined) throw new UsageError(`${sub}: missing ${sub === 'check' ? 'text' : 'file'}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}' (quote the text)`);
    const settings: Settings = {
      mode: oneOf(values.mode, ['input', 'output'] as const, '--mode'),
      threshold: parseThreshold(values.threshold),
      allowedHosts: values['allow-host'] ?? [],
    };
    const guard = createGuard();
    if (sub === 'check') return check(guard, settings, target, values.secret ?? [], values.json, io);
    return batch(guard, settings, target, io);
  },
};
