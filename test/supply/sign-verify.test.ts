import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { signCommand } from '../../src/cli/commands/sign.js';
import { verifyCommand } from '../../src/cli/commands/verify.js';
import { CORPUS, runCommand, tempDir } from './helpers.js';

const work = tempDir();
afterAll(() => work.cleanup());

function keyPair(kind: 'p256' | 'p384' | 'ed25519', name: string): { priv: string; pub: string } {
  const kp =
    kind === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: kind === 'p256' ? 'prime256v1' : 'secp384r1' });
  const priv = join(work.path, `${name}.key.pem`);
  const pub = join(work.path, `${name}.pub.pem`);
  writeFileSync(priv, kp.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, kp.publicKey.export({ type: 'spki', format: 'pem' }));
  return { priv, pub };
}

const p384 = keyPair('p384', 'p384');
const other = keyPair('p384', 'other');

/** A small model folder made of real framework files from the shared corpus. */
const REAL_FILES = [
  ['hf_benign/config.json', 'config.json'],
  ['hf_benign/model.safetensors', 'model.safetensors'],
  ['gguf/benign.gguf', 'gguf/model.gguf'],
  ['onnx/benign.onnx', 'onnx/model.onnx'],
  ['torch/state_dict.pt', 'pytorch_model.bin'],
] as const;

let n = 0;
function realModel(): string {
  const dir = join(work.path, `model-${++n}`);
  for (const [src, dst] of REAL_FILES) {
    mkdirSync(join(dir, dst, '..'), { recursive: true });
    copyFileSync(join(CORPUS, src), join(dir, dst));
  }
  return dir;
}

const sign = (dir: string, ...extra: string[]) => runCommand(signCommand, [dir, '--key', p384.priv, ...extra]);
const verify = (dir: string, ...extra: string[]) => runCommand(verifyCommand, [dir, '--key', p384.pub, ...extra]);

describe('warden sign → warden verify on real model files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = realModel();
    const s = await sign(dir);
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    expect(s.stdout).toContain(`Signature written to ${join(dir, 'model.sig')}`);
  });

  it('verifies untouched, with the signature inside the folder left out of it', async () => {
    const r = await verify(dir);
    expect(r.stdout).toMatch(/^VERIFIED .*5 file\(s\) match/);
    expect(r.code).toBe(0);
  });

  it('names a file with one flipped byte', async () => {
    const f = join(dir, 'model.safetensors');
    const b = readFileSync(f);
    b[b.length - 1] = b[b.length - 1]! ^ 0x80;
    writeFileSync(f, b);
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}changed {5}model\.safetensors$/m);
    expect(r.stdout).not.toMatch(/config\.json/);
  });

  it('names an added file', async () => {
    writeFileSync(join(dir, 'gguf', 'backdoor.py'), 'import os\n');
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}added {7}gguf\/backdoor\.py$/m);
  });

  it('names a removed file', async () => {
    rmSync(join(dir, 'onnx', 'model.onnx'));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}removed {5}onnx\/model\.onnx$/m);
  });

  it('names all three at once and reports them as JSON', async () => {
    appendFileSync(join(dir, 'config.json'), ' ');
    writeFileSync(join(dir, 'extra.bin'), 'x');
    rmSync(join(dir, 'pytorch_model.bin'));
    const r = await verify(dir, '--format', 'json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      verified: false,
      changed: ['config.json'],
      added: ['extra.bin'],
      removed: ['pytorch_model.bin'],
    });
  });

  it('--ignore-unsigned-files tolerates additions but not changes', async () => {
    writeFileSync(join(dir, 'README.md'), '# notes\n');
    expect((await verify(dir, '--ignore-unsigned-files')).code).toBe(0);
    appendFileSync(join(dir, 'config.json'), ' ');
    expect((await verify(dir, '--ignore-unsigned-files')).code).toBe(1);
  });

  it('ignores .git at the root as the reference does, but not a nested one', async () => {
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    expect((await verify(dir)).code).toBe(0);
    mkdirSync(join(dir, 'onnx', '.git'));
    writeFileSync(join(dir, 'onnx', '.git', 'HEAD'), 'x');
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('added       onnx/.git/HEAD');
  });

  it('refuses another key', async () => {
    const r = await runCommand(verifyCommand, [dir, '--key', other.pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('signature invalid: key mismatch');
  });

  it('refuses a signature whose payload was edited (signature no longer covers it)', async () => {
    const sigPath = join(dir, 'model.sig');
    const bundle = JSON.parse(readFileSync(sigPath, 'utf8'));
    const st = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    st.predicate.resources[0].digest = '00'.repeat(32);
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString('base64');
    writeFileSync(sigPath, JSON.stringify(bundle));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('signature does not verify with the given key');
  });
});

describe('signing options', () => {
  it.each([
    ['sha256', 'p256'],
    ['blake2b', 'ed25519'],
    ['blake3', 'p384'],
  ] as const)('hash %s with a %s key round-trips and detects a change', async (hash, kind) => {
    const keys = keyPair(kind, `${hash}-${kind}`);
    const dir = realModel();
    expect((await runCommand(signCommand, [dir, '--key', keys.priv, '--hash', hash])).code).toBe(0);
    const bundle = JSON.parse(readFileSync(join(dir, 'model.sig'), 'utf8'));
    const st = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    expect(st.predicate.serialization).toMatchObject({ method: 'files', hash_type: hash, allow_symlinks: false });
    expect(st.predicate.resources.every((r: { algorithm: string }) => r.algorithm === hash)).toBe(true);
    expect((await runCommand(verifyCommand, [dir, '--key', keys.pub])).code).toBe(0);
    appendFileSync(join(dir, 'gguf', 'model.gguf'), '\0');
    const r = await runCommand(verifyCommand, [dir, '--key', keys.pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('changed     gguf/model.gguf');
  });

  it('shards: names are path:start:end, and a change inside one shard is caught', async () => {
    const dir = realModel();
    const r = await runCommand(signCommand, [dir, '--key', p384.priv, '--shard-size', '1000']);
    expect(r.code).toBe(0);
    const bundle = JSON.parse(readFileSync(join(dir, 'model.sig'), 'utf8'));
    const st = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    expect(st.predicate.serialization).toMatchObject({ method: 'shards', shard_size: 1000 });
    const names: string[] = st.predicate.resources.map((x: { name: string }) => x.name);
    expect(names).toContain('pytorch_model.bin:0:1000');
    expect(names).toContain('pytorch_model.bin:2000:2225');
    expect((await verify(dir)).code).toBe(0);
    const f = join(dir, 'pytorch_model.bin');
    const b = readFileSync(f);
    b[1500] = b[1500]! ^ 1;
    writeFileSync(f, b);
    const v = await verify(dir);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('changed     pytorch_model.bin');
  });

  it('signs a single file with its basename as the resource name (OMS §6.1.2)', async () => {
    const dir = join(work.path, 'single');
    mkdirSync(dir);
    const f = join(dir, 'model.gguf');
    copyFileSync(join(CORPUS, 'gguf/benign.gguf'), f);
    expect((await runCommand(signCommand, [f, '--key', p384.priv])).code).toBe(0);
    const bundle = JSON.parse(readFileSync(`${f}.sig`, 'utf8'));
    const st = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString());
    expect(st.predicate.resources.map((x: { name: string }) => x.name)).toEqual(['model.gguf']);
    expect((await runCommand(verifyCommand, [f, '--key', p384.pub])).code).toBe(0);
  });

  it('refuses symbolic links unless --allow-symlinks', async () => {
    const dir = realModel();
    symlinkSync(join(dir, 'config.json'), join(dir, 'alias.json'));
    const r = await sign(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('alias.json is a symbolic link');
    expect((await sign(dir, '--allow-symlinks')).code).toBe(0);
    expect((await verify(dir)).code).toBe(0);
  });

  it('records ignored paths so verification leaves them out too', async () => {
    const dir = realModel();
    writeFileSync(join(dir, 'notes.txt'), 'local notes');
    expect((await sign(dir, '--ignore-paths', join(dir, 'notes.txt'))).code).toBe(0);
    writeFileSync(join(dir, 'notes.txt'), 'changed notes');
    expect((await verify(dir)).code).toBe(0);
  });

  it('usage errors exit 2', async () => {
    expect((await runCommand(signCommand, [])).code).toBe(2);
    expect((await runCommand(signCommand, [work.path])).code).toBe(2);
    expect((await runCommand(signCommand, [work.path, '--key', p384.priv, '--hash', 'md5'])).code).toBe(2);
    expect((await runCommand(verifyCommand, [work.path])).code).toBe(2);
    expect(
      (await runCommand(verifyCommand, [work.path, '--key', p384.pub, '--certificate-chain', p384.pub])).code,
    ).toBe(2);
    expect((await runCommand(verifyCommand, [join(work.path, 'nope'), '--key', p384.pub])).code).toBe(2);
  });
});
