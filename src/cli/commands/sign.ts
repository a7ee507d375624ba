import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseHashAlgorithm } from '../../supply/hashing/algorithms.js';
import { DEFAULT_SHARD_SIZE } from '../../supply/hashing/serialize.js';
import { loadPrivateKey } from '../../supply/signing/keys.js';
import { signModel } from '../../supply/signing/oms.js';
import { certsFromPem } from '../../supply/signing/x509.js';
import { parseIntFlag, parseSize } from '../args.js';
import { type CliIO, type Command, EXIT, UsageError } from '../types.js';
import { defaultSignaturePath, statOrUsage, toModelRelative } from './sign-shared.js';

const usage = `Usage: warden sign PATH --key KEY.pem [options]

Signs a model file or folder in the OpenSSF Model Signing (OMS) v1.0 format: a Sigstore bundle
whose DSSE envelope holds an in-toto statement listing every file's digest. The result verifies
with 'warden verify' and with sigstore/model-transparency ('model_signing verify key').

Options:
      --key FILE              PEM private key: ECDSA P-256/P-384/P-521 or Ed25519
      --password-env NAME     read the key's passphrase from environment variable NAME
      --certificate FILE      sign as this certificate's holder (OMS certificate method)
      --certificate-chain FILE  intermediate certificates to embed after --certificate
      --signature FILE        where to write the signature (default: PATH/model.sig for a
                              folder, PATH.sig for a file); it is never part of the signature
      --hash ALG              sha256 (default), blake2b or blake3
      --shard-size SIZE       hash files in shards of SIZE bytes (OMS "shards"; e.g. 1GB)
      --ignore-paths PATH     leave PATH out of the signature (repeatable)
      --no-ignore-git-paths   sign .git, .gitignore, .gitattributes and .github too
      --allow-symlinks        follow symbolic links instead of refusing them
      --concurrency N         hashing threads (default: number of cores)
  -h, --help                  show this help

Exit codes: 0 signed, 2 usage or tool error.
`;

export const signCommand: Command = {
  name: 'sign',
  summary: 'sign a model (OpenSSF Model Signing v1.0 bundle)',
  usage,
  async run(args, io) {
    try {
      return await signRun(args, io);
    } catch (e) {
      if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        io.stderr(`warden sign: ${(e as Error).message}\nRun 'warden sign --help' for usage.\n`);
        return EXIT.error;
      }
      io.stderr(`warden sign: ${(e as Error).message}\n`);
      return EXIT.error;
    }
  },
};

async function signRun(args: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      'password-env': { type: 'string' },
      certificate: { type: 'string' },
      'certificate-chain': { type: 'string', multiple: true, default: [] },
      signature: { type: 'string' },
      hash: { type: 'string', default: 'sha256' },
      'shard-size': { type: 'string' },
      'ignore-paths': { type: 'string', multiple: true, default: [] },
      'no-ignore-git-paths': { type: 'boolean', default: false },
      'allow-symlinks': { type: 'boolean', default: false },
      concurrency: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one model file or folder to sign');
  if (values.key === undefined) throw new UsageError('--key is required (a PEM private key)');
  const hashType = parseHashAlgorithm(values.hash);
  if (hashType === undefined) throw new UsageError(`--hash: expected sha256, blake2b or blake3, got '${values.hash}'`);
  const model = resolve(io.cwd, positionals[0]!);
  await statOrUsage(model);
  const sigPath = values.signature ? resolve(io.cwd, values.signature) : await defaultSignaturePath(model);
  const shardSize = values['shard-size'] ? parseSize(values['shard-size'], '--shard-size') : undefined;
  if (shardSize !== undefined && shardSize <= 0) throw new UsageError('--shard-size must be positive');
  const concurrency = values.concurrency ? parseIntFlag(values.concurrency, '--concurrency', 1, 256) : undefined;

  let passphrase: string | undefined;
  if (values['password-env'] !== undefined) {
    passphrase = io.env[values['password-env']];
    if (passphrase === undefined) throw new UsageError(`environment variable ${values['password-env']} is not set`);
  }
  const key = loadPrivateKey(await readUsage(resolve(io.cwd, values.key)), passphrase);
  const certificates = values.certificate
    ? [
        ...certsFromPem(await readUsage(resolve(io.cwd, values.certificate))),
        ...(await Promise.all(values['certificate-chain'].map((p) => readUsage(resolve(io.cwd, p))))).flatMap(
          certsFromPem,
        ),
      ]
    : undefined;
  if (certificates !== undefined && certificates.length === 0)
    throw new UsageError('--certificate holds no certificate');

  const ignorePaths = toModelRelative([...values['ignore-paths'], sigPath], io.cwd, model);
  const result = await signModel(model, {
    key,
    ...(certificates ? { certificates } : {}),
    hashType,
    method: shardSize !== undefined ? 'shards' : 'files',
    shardSize: shardSize ?? DEFAULT_SHARD_SIZE,
    allowSymlinks: values['allow-symlinks'],
    ignorePaths,
    ignoreGitPaths: !values['no-ignore-git-paths'],
    ...(concurrency ? { engine: { concurrency } } : {}),
  });
  await writeFile(sigPath, result.bundleJson);
  for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
  io.stdout(`Signed ${result.resources} resource(s) of ${positionals[0]} (root sha256:${result.rootDigest})\n`);
  io.stdout(`Signature written to ${sigPath}\n`);
  return EXIT.clean;
}

async function readUsage(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
}
