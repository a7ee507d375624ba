import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyCommand } from '../../src/cli/commands/verify.js';
import { IN_TOTO_PAYLOAD_TYPE, pae } from '../../src/supply/signing/dsse.js';
import { signBytes } from '../../src/supply/signing/keys.js';
import { signModel } from '../../src/supply/signing/oms.js';
import { CORPUS, OMS, runCommand, tempDir } from './helpers.js';

const work = tempDir();
afterAll(() => work.cleanup());
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
const pubPath = join(work.path, 'pub.pem');
writeFileSync(pubPath, publicKey.export({ type: 'spki', format: 'pem' }));

function model(): string {
  const dir = join(work.path, `m${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(dir, 'sub'), { recursive: true });
  copyFileSync(join(CORPUS, 'torch/state_dict.pt'), join(dir, 'pytorch_model.bin'));
  copyFileSync(join(CORPUS, 'hf_benign/config.json'), join(dir, 'sub', 'config.json'));
  return dir;
}

const schemaDir = join(OMS, 'model-signing-spec/schemas/v1.0');
const ajv = new Ajv2020({ strict: false, allErrors: true });
for (const s of ['predicate', 'statement', 'envelope', 'bundle']) {
  ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, `${s}.schema.json`), 'utf8')));
}
const validate = (id: string, data: unknown) => {
  const ok = ajv.validate(`https://model_signing/${id}/v1.0/schema`, data);
  return ok ? [] : (ajv.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

describe('bundles warden signs conform to the OMS v1.0 JSON schemas', () => {
  it.each([
    ['files', 'sha256'],
    ['shards', 'blake2b'],
    ['files', 'blake3'],
  ] as const)('%s / %s: bundle, envelope, statement and predicate validate', async (method, hashType) => {
    const r = await signModel(model(), {
      key: privateKey,
      hashType,
      method,
      shardSize: 1000,
      allowSymlinks: false,
      ignorePaths: ['model.sig'],
      ignoreGitPaths: true,
    });
    const bundle = JSON.parse(r.bundleJson);
    expect(validate('bundle', bundle)).toEqual([]);
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    expect(validate('statement', statement)).toEqual([]);
    expect(validate('predicate', statement.predicate)).toEqual([]);
    expect(statement.predicate.serialization.ignore_paths).toEqual([
      '.git',
      '.gitignore',
      '.gitattributes',
      '.github',
      'model.sig',
    ]);
  });
});

describe('interop with model_signing shard manifests', () => {
  it('accepts the reference shard algorithm spelling "<hash>-sharded-<size>"', async () => {
    const dir = model();
    const r = await signModel(dir, {
      key: privateKey,
      hashType: 'sha256',
      method: 'shards',
      shardSize: 1000,
      allowSymlinks: false,
      ignorePaths: [],
      ignoreGitPaths: true,
    });
    // Rewrite as model_signing v1.1.0 does, float shard_size included, and re-sign.
    const bundle = JSON.parse(r.bundleJson);
    const text = Buffer.from(bundle.dsseEnvelope.payload, 'base64')
      .toString()
      .replaceAll('"algorithm":"sha256"', '"algorithm":"sha256-sharded-1000"')
      .replace('"shard_size":1000', '"shard_size":1000.0');
    const payload = new TextEncoder().encode(text);
    bundle.dsseEnvelope.payload = Buffer.from(payload).toString('base64');
    bundle.dsseEnvelope.signatures[0].sig = Buffer.from(
      signBytes(privateKey, pae(IN_TOTO_PAYLOAD_TYPE, payload)),
    ).toString('base64');
    const sig = join(work.path, 'ref-shards.sig');
    writeFileSync(sig, JSON.stringify(bundle));
    const v = await runCommand(verifyCommand, [dir, '--signature', sig, '--key', pubPath]);
    expect(v.stdout).toMatch(/^VERIFIED/);
    expect(v.code).toBe(0);
  });
});
