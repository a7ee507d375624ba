import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signCommand } from '../../src/cli/commands/sign.js';
import { verifyCommand } from '../../src/cli/commands/verify.js';
import { CORPUS, runCommand, tempDir } from './helpers.js';
import { buildCert, type CertSpec } from './x509-builder.js';

const work = tempDir();
afterAll(() => work.cleanup());
const DAY = 86_400_000;
const now = Date.now();
const valid = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const kp = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const root = kp();
const inter = kp();
const leaf = kp();

const write = (name: string, text: string) => {
  const p = join(work.path, name);
  writeFileSync(p, text);
  return p;
};
const rootPem = write(
  'root.pem',
  buildCert({
    subject: 'Test Root',
    issuer: 'Test Root',
    publicKey: root.publicKey,
    signer: root.privateKey,
    ca: true,
    keyUsage: [5],
    ...valid,
  }),
);
const interSpec: CertSpec = {
  subject: 'Test Intermediate',
  issuer: 'Test Root',
  publicKey: inter.publicKey,
  signer: root.privateKey,
  ca: true,
  keyUsage: [5],
  ...valid,
};
const interPem = write('inter.pem', buildCert(interSpec));
const leafSpec: CertSpec = {
  subject: 'Model Publisher',
  issuer: 'Test Intermediate',
  publicKey: leaf.publicKey,
  signer: inter.privateKey,
  keyUsage: [0],
  extKeyUsage: [CODE_SIGNING],
  ...valid,
};
const leafKey = write('leaf.key', leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);

let n = 0;
async function signedModel(leafCert: CertSpec, chain = interPem): Promise<string> {
  const dir = join(work.path, `m${++n}`);
  mkdirSync(dir);
  copyFileSync(join(CORPUS, 'safetensors/benign.safetensors'), join(dir, 'model.safetensors'));
  const cert = write(`leaf${n}.pem`, buildCert(leafCert));
  const r = await runCommand(signCommand, [dir, '--key', leafKey, '--certificate', cert, '--certificate-chain', chain]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return dir;
}
const verify = (dir: string, anchor = rootPem) => runCommand(verifyCommand, [dir, '--certificate-chain', anchor]);

describe('certificate method: leaf → intermediate → trusted root', () => {
  it('the test builder makes certificates node:crypto accepts', () => {
    expect(new X509Certificate(buildCert(leafSpec)).verify(inter.publicKey)).toBe(true);
  });

  it('sign --certificate then verify against the root', async () => {
    const r = await verify(await signedModel(leafSpec));
    expect(r.stdout).toMatch(/^VERIFIED/);
    expect(r.stdout).toContain('signed by certificate "CN=Model Publisher" chaining to "CN=Test Root"');
    expect(r.code).toBe(0);
  });

  it('an expired signing certificate is refused', async () => {
    const dir = await signedModel({ ...leafSpec, notBefore: new Date(now - 10 * DAY), notAfter: new Date(now - DAY) });
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/certificate chain: certificate "CN=Model Publisher" is not valid/);
  });

  it('a certificate without digitalSignature or codeSigning may not sign', async () => {
    const { extKeyUsage: _e, ...noEku } = leafSpec;
    const r = await verify(await signedModel({ ...noEku, keyUsage: [5] }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('is not allowed to sign');
  });

  it('an intermediate that is not a CA cannot issue', async () => {
    const notCa = write('inter-not-ca.pem', buildCert({ ...interSpec, ca: false }));
    const r = await verify(await signedModel(leafSpec, notCa));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no trusted issuer found for "CN=Model Publisher"');
  });

  it('a look-alike root with the same name but another key is not trusted', async () => {
    const other = kp();
    const fake = write(
      'fake-root.pem',
      buildCert({
        subject: 'Test Root',
        issuer: 'Test Root',
        publicKey: other.publicKey,
        signer: other.privateKey,
        ca: true,
        keyUsage: [5],
        ...valid,
      }),
    );
    const r = await verify(await signedModel(leafSpec), fake);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no trusted issuer found for "CN=Test Intermediate"');
  });

  it('signing with a certificate that does not match the key is a usage error', async () => {
    const dir = join(work.path, 'mismatch');
    mkdirSync(dir);
    copyFileSync(join(CORPUS, 'hf_benign/config.json'), join(dir, 'config.json'));
    const r = await runCommand(signCommand, [dir, '--key', leafKey, '--certificate', interPem]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not match the private key');
  });
});
