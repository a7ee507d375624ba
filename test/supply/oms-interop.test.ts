import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyCommand } from '../../src/cli/commands/verify.js';
import {
  CA_CERT,
  copyTree,
  MT,
  PUB_KEY,
  runCommand,
  SIGSTORE_IDENTITY,
  SIGSTORE_ISSUER,
  sigstoreTrustedRoot,
  tempDir,
} from './helpers.js';

const work = tempDir();
afterAll(() => work.cleanup());
const trustedRoot = sigstoreTrustedRoot(work.path);

const folders = readdirSync(MT).filter((d) => /^v\d/.test(d));

/** How sigstore/model-transparency's own test scripts verify each folder (see shared/oms/README.md). */
function referenceArgs(folder: string, dir = join(MT, folder)): string[] {
  const oneFile = /^v(0\.3\.1|1\.0\.0)-elliptic-key$/.test(folder);
  const model = oneFile ? join(dir, 'signme-1') : dir;
  const ignore = readdirSync(dir).includes('ignore-me') ? ['--ignore-paths', join(dir, 'ignore-me')] : [];
  const trust = folder.endsWith('elliptic-key')
    ? ['--key', PUB_KEY]
    : folder.endsWith('certificate')
      ? ['--certificate-chain', CA_CERT]
      : ['--trust-root', trustedRoot, '--identity', SIGSTORE_IDENTITY, '--issuer', SIGSTORE_ISSUER];
  return [model, '--signature', join(dir, 'model.sig'), ...trust, ...ignore];
}

describe('OMS interop: signatures made by sigstore/model-transparency v0.2.0 … v1.1.0', () => {
  it('covers every release and signing method shipped in shared/oms', () => {
    expect(folders).toHaveLength(13);
    for (const m of ['elliptic-key', 'certificate', 'sigstore']) expect(folders.some((f) => f.endsWith(m))).toBe(true);
  });

  it.each(folders)('%s verifies', async (folder) => {
    const r = await runCommand(verifyCommand, referenceArgs(folder));
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^VERIFIED /);
    expect(r.code).toBe(0);
  });

  it.each(folders)('%s: a changed file is named and fails', async (folder) => {
    const dir = join(work.path, `tamper-${folder}`);
    copyTree(join(MT, folder), dir);
    const f = join(dir, 'signme-1');
    const bytes = readFileSync(f);
    bytes[0] = bytes[0]! ^ 0x01;
    writeFileSync(f, bytes);
    const r = await runCommand(verifyCommand, referenceArgs(folder, dir));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/changed\s+(signme-1|\.)/);
  });

  it.each(folders.filter((f) => !f.endsWith('sigstore')))('%s: the wrong trust anchor is refused', async (folder) => {
    const args = referenceArgs(folder).map((a) => (a === PUB_KEY ? CA_CERT : a === CA_CERT ? PUB_KEY : a));
    const swapped = folder.endsWith('elliptic-key')
      ? args.map((a) => (a === '--key' ? '--certificate-chain' : a))
      : args.map((a) => (a === '--certificate-chain' ? '--key' : a));
    const r = await runCommand(verifyCommand, swapped);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED .*signature invalid/);
  });

  it.each(folders.filter((f) => f.endsWith('sigstore')))(
    '%s: another identity or issuer is refused',
    async (folder) => {
      const args = referenceArgs(folder);
      const otherId = await runCommand(
        verifyCommand,
        args.map((a) => (a === SIGSTORE_IDENTITY ? 'mallory@example.com' : a)),
      );
      expect(otherId.code).toBe(1);
      expect(otherId.stdout).toContain('is not mallory@example.com');
      const otherIssuer = await runCommand(
        verifyCommand,
        args.map((a) => (a === SIGSTORE_ISSUER ? 'https://accounts.google.com' : a)),
      );
      expect(otherIssuer.code).toBe(1);
      expect(otherIssuer.stdout).toContain('is not https://accounts.google.com');
    },
  );
});
