import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyCommand } from '../../src/cli/commands/verify.js';
import { parseStatement } from '../../src/supply/signing/statement.js';
import {
  CA_CERT,
  MT,
  PUB_KEY,
  runCommand,
  SIGSTORE_IDENTITY,
  SIGSTORE_ISSUER,
  SPEC_VECTORS,
  sigstoreTrustedRoot,
  tempDir,
} from './helpers.js';

const work = tempDir();
afterAll(() => work.cleanup());
const trustedRoot = sigstoreTrustedRoot(work.path);

/** The vectors carry no model files; their digests are those of the v1.1.0 reference folders. */
function modelFor(source: string): string {
  const dir = join(work.path, source);
  mkdirSync(dir, { recursive: true });
  for (const f of ['signme-1', 'signme-2', 'ignore-me']) copyFileSync(join(MT, source, f), join(dir, f));
  return dir;
}

const trustFor = (name: string): string[] =>
  name.startsWith('key')
    ? ['--key', PUB_KEY]
    : name.startsWith('certificate')
      ? ['--certificate-chain', CA_CERT]
      : ['--trust-root', trustedRoot, '--identity', SIGSTORE_IDENTITY, '--issuer', SIGSTORE_ISSUER];

describe('OMS v1.0 spec test vectors (ossf/model-signing-spec)', () => {
  const keyModel = modelFor('v1.1.0-elliptic-key');
  const sigstoreModel = modelFor('v1.1.0-sigstore');
  const valid = readdirSync(join(SPEC_VECTORS, 'valid'));
  const invalid = [
    ...readdirSync(join(SPEC_VECTORS, 'invalid')).map((f) => join('invalid', f)),
    ...readdirSync(join(SPEC_VECTORS, 'invalid-payload')).map((f) => join('invalid-payload', f)),
  ];

  it('has valid and invalid vectors to run', () => {
    expect(valid.length).toBeGreaterThanOrEqual(3);
    expect(invalid.length).toBeGreaterThanOrEqual(5);
  });

  it.each(valid)('valid/%s verifies', async (name) => {
    const model = name.startsWith('sigstore') ? sigstoreModel : keyModel;
    const r = await runCommand(verifyCommand, [
      model,
      '--signature',
      join(SPEC_VECTORS, 'valid', name),
      ...trustFor(name),
    ]);
    expect(r.stdout).toMatch(/^VERIFIED /);
    expect(r.code).toBe(0);
  });

  it.each(invalid)('%s is rejected under every trust method', async (path) => {
    for (const trust of ['key', 'certificate', 'sigstore']) {
      const r = await runCommand(verifyCommand, [
        keyModel,
        '--signature',
        join(SPEC_VECTORS, path),
        ...trustFor(trust),
      ]);
      expect(r.code, `${path} with ${trust}`).toBe(1);
      expect(r.stdout).toMatch(/^FAILED /);
    }
  });

  it('the wrong-predicate payload is refused by the statement check too, not only by its stale signature', () => {
    const bundle = JSON.parse(readFileSync(join(SPEC_VECTORS, 'invalid-payload/wrong-predicate.bundle.json'), 'utf8'));
    const r = parseStatement(Buffer.from(bundle.dsseEnvelope.payload, 'base64'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('predicateType is "https://example.com/wrong-predicate/v1.0"');
  });
});
