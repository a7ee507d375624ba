import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_BUNDLE_BYTES } from '../../supply/signing/bundle.js';
import { loadPublicKey } from '../../supply/signing/keys.js';
import { type VerifyOutcome, verifyModel } from '../../supply/signing/oms.js';
import { parseTrustRoot } from '../../supply/signing/trust-root.js';
import type { TrustMaterial } from '../../supply/signing/verify-signature.js';
import { certsFromPem } from '../../supply/signing/x509.js';
import { oneOf, parseIntFlag } from '../args.js';
import { type CliIO, type Command, EXIT, UsageError } from '../types.js';
import { defaultSignaturePath, statOrUsage, toModelRelative } from './sign-shared.js';

const usage = `Usage: warden verify PATH --signature FILE (--key PUB.pem | --certificate-chain CA.pem |
                    --trust-root trusted_root.json [--identity ID --issuer URL]) [options]

Verifies a model against an OpenSSF Model Signing (OMS) signature — made by 'warden sign',
sigstore/model-transparency (v0.2 to v1.1) or any OMS v1.0 signer — and names every file that
was added, removed or changed.

Trust (exactly one):
      --key FILE                public key (PEM) for key-signed models
      --certificate-chain FILE  trusted CA certificate(s) (PEM, repeatable) for certificate-signed models
      --trust-root FILE         Sigstore trusted_root.json for keyless signatures (offline: Fulcio CA,
                                Rekor and CT log keys); with --identity and --issuer to pin the signer
      --identity ID             expected certificate identity (email or URI in the SAN)
      --issuer URL              expected OIDC issuer recorded by Fulcio

Options:
      --signature FILE          the signature (default: PATH/model.sig, or PATH.sig for a file)
      --ignore-paths PATH       also ignore PATH in the model (repeatable)
      --ignore-unsigned-files   do not fail on files the signature does not list
      --format FORMAT           text (default) or json
      --concurrency N           hashing threads (default: number of cores)
  -h, --help                    show this help

Exit codes: 0 verified, 1 verification failed (bad signature or the model differs), 2 usage or tool error.
`;

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify a model against an OpenSSF Model Signing signature',
  usage,
  async run(args, io) {
    try {
      return await verifyRun(args, io);
    } catch (e) {
      if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        io.stderr(`warden verify: ${(e as Error).message}\nRun 'warden verify --help' for usage.\n`);
        return EXIT.error;
      }
      io.stderr(`warden verify: ${(e as Error).message}\n`);
      return EXIT.error;
    }
  },
};

async function verifyRun(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      signature: { type: 'string' },
      key: { type: 'string' },
      'certificate-chain': { type: 'string', multiple: true, default: [] },
      'trust-root': { type: 'string' },
      identity: { type: 'string' },
      issuer: { type: 'string' },
      'ignore-paths': { type: 'string', multiple: true, default: [] },
      'ignore-unsigned-files': { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      concurrency: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one model file or folder to verify');
  const format = oneOf(values.format, ['text', 'json'] as const, '--format');
  const model = resolve(io.cwd, positionals[0]!);
  await statOrUsage(model);
  const sigPath = values.signature ? resolve(io.cwd, values.signature) : await defaultSignaturePath(model);
  const chosen = [values.key, values['certificate-chain'].length > 0 ? 'x' : undefined, values['trust-root']];
  if (chosen.filter((v) => v !== undefined).length !== 1) {
    throw new UsageError('give exactly one of --key, --certificate-chain or --trust-root');
  }
  if ((values.identity !== undefined || values.issuer !== undefined) && values['trust-root'] === undefined) {
    throw new UsageError('--identity and --issuer apply to --trust-root (Sigstore keyless) verification');
  }
  const concurrency = values.concurrency ? parseIntFlag(values.concurrency, '--concurrency', 1, 256) : undefined;
  const trust = await trustFrom(values, io.cwd);
  const bundleText = await readLimited(sigPath);

  const outcome = await verifyModel(model, bundleText, {
    trust,
    ignorePaths: toModelRelative([...values['ignore-paths'], sigPath], io.cwd, model),
    ignoreUnsignedFiles: values['ignore-unsigned-files'],
    ...(concurrency ? { engine: { concurrency } } : {}),
  });
  if (format === 'json') io.stdout(`${JSON.stringify(toJson(positionals[0]!, outcome), null, 2)}\n`);
  else io.stdout(toText(positionals[0]!, outcome));
  return outcome.ok ? EXIT.clean : EXIT.findings;
}

async function trustFrom(
  values: { key?: string; 'certificate-chain': string[]; 'trust-root'?: string; identity?: string; issuer?: string },
  cwd: string,
): Promise<TrustMaterial> {
  if (values.key !== undefined) {
    const pem = await readUsage(resolve(cwd, values.key));
    try {
      return { kind: 'key', key: loadPublicKey(pem) };
    } catch (e) {
      throw new UsageError(`--key: ${(e as Error).message}`);
    }
  }
  if (values['trust-root'] !== undefined) {
    const root = parseTrustRoot(await readUsage(resolve(cwd, values['trust-root'])));
    if (!root.ok) throw new UsageError(`--trust-root: ${root.error}`);
    return {
      kind: 'sigstore',
      root: root.value,
      ...(values.identity !== undefined ? { identity: values.identity } : {}),
      ...(values.issuer !== undefined ? { issuer: values.issuer } : {}),
    };
  }
  const anchors = (await Promise.all(values['certificate-chain'].map((p) => readUsage(resolve(cwd, p))))).flatMap(
    certsFromPem,
  );
  if (anchors.length === 0) throw new UsageError('--certificate-chain holds no PEM certificate');
  return { kind: 'certificate', anchors };
}

async function readUsage(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
}

async function readLimited(path: string): Promise<string> {
  const st = await statOrUsage(path);
  if (st.size > MAX_BUNDLE_BYTES) throw new UsageError(`${path} is too large to be a signature bundle`);
  return readUsage(path);
}

function toText(name: string, o: VerifyOutcome): string {
  const lines: string[] = [];
  const sig = 'signature' in o ? o.signature : undefined;
  for (const d of sig?.details ?? []) lines.push(`  ${d}`);
  for (const w of sig?.warnings ?? []) lines.push(`  warning: ${w}`);
  if (o.stage !== 'model') {
    return `FAILED  ${name}: ${stageLabel(o.stage)}: ${o.error}\n${lines.map((l) => `${l}\n`).join('')}`;
  }
  const d = o.diff;
  for (const w of d.warnings) lines.push(`  warning: ${w}`);
  const rows = [
    ...d.changed.map((f) => `  changed     ${f}`),
    ...d.added.map((f) => `  added       ${f}`),
    ...d.removed.map((f) => `  removed     ${f}`),
    ...d.unreadable.map((f) => `  unreadable  ${f}`),
  ];
  const head = o.ok
    ? `VERIFIED  ${name}: ${d.checkedFiles} file(s) match the signature`
    : `FAILED  ${name}: the model differs from its signature (${rows.length} difference(s))`;
  return `${[head, ...rows, ...lines].join('\n')}\n`;
}

function stageLabel(stage: VerifyOutcome['stage']): string {
  return stage === 'bundle' ? 'unreadable signature' : stage === 'signature' ? 'signature invalid' : 'bad manifest';
}

function toJson(name: string, o: VerifyOutcome): Record<string, unknown> {
  const base = {
    model: name,
    verified: o.ok,
    stage: o.stage,
    ...('error' in o ? { error: o.error } : {}),
    ...('signature' in o ? { signer: o.signature.details, warnings: o.signature.warnings } : {}),
  };
  if (o.stage !== 'model') return base;
  const { added, removed, changed, unreadable, checkedFiles } = o.diff;
  return { ...base, checkedFiles, added, removed, changed, unreadable, serialization: o.manifest.serialization };
}
