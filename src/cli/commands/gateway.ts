import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createGateway, DEFAULT_POLICY, GatewayPolicyError, parseGatewayPolicy } from '../../gateway/index.js';
import { JsonlEventSink } from '../../io/event-sink.js';
import { type CliIO, type Command, EXIT, UsageError } from '../types.js';

const USAGE = `Usage:
  warden gateway --upstream URL [--listen 127.0.0.1:8787] [--policy FILE] [--events FILE|none]
                 [--upstream-key-env NAME]

Runs an OpenAI-compatible proxy in front of URL. Requests to /v1/chat/completions (streaming or not),
/v1/completions, /v1/responses, /v1/embeddings and /v1/models are checked: prompt injection in user and
tool messages, secrets and personal data in requests (redacted before they leave and restored in the
answer), and leaks in completions (secrets, PII, canary tokens, system-prompt text, exfiltration links),
streams included. Per-key rate and volume limits, size limits and upstream timeouts apply. Every request
produces one JSON event in the events file, which 'warden serve' can follow.

Options:
  --upstream URL           OpenAI-compatible base URL (http://127.0.0.1:8000 or https://api.openai.com/v1)
  --listen HOST:PORT       address to listen on (default 127.0.0.1:8787; port 0 picks a free one)
  --policy FILE            gateway policy, YAML or JSON (see docs/gateway.md); default: block/redact
  --events FILE|none       JSONL event file (default .warden/events.jsonl); 'none' writes no events
  --upstream-key-env NAME  send the key in environment variable NAME to the upstream instead of the
                           client's own Authorization (clients then hold gateway-only keys)

Stops on SIGINT/SIGTERM after in-flight requests finish. Exit codes: 0 stopped cleanly, 2 usage or
start-up error.
`;

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65_535) throw new UsageError(`--listen: expected HOST:PORT such as 127.0.0.1:8787, got '${text}'`);
  return { host: m[1] ?? m[2]!, port };
}

/** The command body, with the stop signal injected so tests can run and stop it in-process. */
export async function runGateway(args: readonly string[], io: CliIO, stop: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      upstream: { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:8787' },
      policy: { type: 'string' },
      events: { type: 'string', default: '.warden/events.jsonl' },
      'upstream-key-env': { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.upstream) throw new UsageError('--upstream URL is required');
  try {
    const u = new URL(values.upstream);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new UsageError(`--upstream: expected an http(s) URL, got '${values.upstream}'`);
  }
  const listen = parseListen(values.listen);
  let policy = DEFAULT_POLICY;
  if (values.policy) {
    const file = path.resolve(io.cwd, values.policy);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.stderr(`warden gateway: cannot read policy ${values.policy}: ${(e as { code?: string }).code ?? e}\n`);
      return EXIT.error;
    }
    try {
      policy = parseGatewayPolicy(text);
    } catch (e) {
      if (!(e instanceof GatewayPolicyError)) throw e;
      io.stderr(`warden gateway: invalid policy ${values.policy}:\n${e.message.replace(/^/gm, '  ')}\n`);
      return EXIT.error;
    }
  }
  let upstreamApiKey: string | undefined;
  const keyEnv = values['upstream-key-env'];
  if (keyEnv) {
    upstreamApiKey = io.env[keyEnv];
    if (!upstreamApiKey) throw new UsageError(`--upstream-key-env: environment variable ${keyEnv} is empty`);
  }
  const eventsPath = values.events === 'none' ? undefined : path.resolve(io.cwd, values.events);
  const sink = eventsPath
    ? new JsonlEventSink({ path: eventsPath, onError: (e) => io.stderr(`warden gateway: event file: ${e}\n`) })
    : undefined;
  const gw = createGateway({
    upstream: values.upstream,
    policy,
    ...(upstreamApiKey ? { upstreamApiKey } : {}),
    ...(sink ? { onEvent: (e) => sink.write(e) } : {}),
  });
  let addr: { address: string; port: number };
  try {
    addr = await gw.listen(listen.port, listen.host);
  } catch (e) {
    io.stderr(`warden gateway: cannot listen on ${values.listen}: ${(e as { code?: string }).code ?? e}\n`);
    await sink?.close();
    return EXIT.error;
  }
  const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  io.stdout(
    `warden gateway listening on http://${host}:${addr.port} → ${new URL(values.upstream).origin}` +
      `${eventsPath ? ` (events: ${path.relative(io.cwd, eventsPath) || eventsPath})` : ''}\n`,
  );
  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await gw.close();
  await sink?.close();
  if (sink) io.stdout(`warden gateway stopped: ${sink.stats.written} events written, ${sink.stats.dropped} dropped\n`);
  else io.stdout('warden gateway stopped\n');
  return EXIT.clean;
}

export const gatewayCommand: Command = {
  name: 'gateway',
  summary: 'OpenAI-compatible proxy that blocks injections, redacts data and stops leaks (streams too)',
  usage: USAGE,
  async run(args, io) {
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await runGateway(args, io, stop.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
