import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectSignatures, findPolicyFile, loadPolicyFile, resolvePolicy } from '../../src/io/policy-file.js';
import type { Policy } from '../../src/policy/index.js';
import { signModel } from '../../src/supply/signing/oms.js';
import { fixtureRepo } from './fixture-repo.js';

describe('findPolicyFile', () => {
  it('walks up from the scanned path to the repository root and no further', async () => {
    const outer = mkdtempSync(join(tmpdir(), 'warden-outer-'));
    writeFileSync(join(outer, 'warden.yaml'), 'version: 1\n'); // above the repository: must not apply
    const repoDir = join(outer, 'repo');
    mkdirSync(join(repoDir, '.git'), { recursive: true });
    mkdirSync(join(repoDir, 'models/deep'), { recursive: true });
    writeFileSync(join(repoDir, 'models/deep/m.pkl'), 'x');
    expect(await findPolicyFile('models/deep/m.pkl', repoDir)).toBeUndefined();
    writeFileSync(join(repoDir, 'warden.yml'), 'version: 1\n');
    expect(await findPolicyFile('models/deep/m.pkl', repoDir)).toBe(join(repoDir, 'warden.yml'));
    // From a subfolder as working directory the repository root's file is still found.
    expect(await findPolicyFile('m.pkl', join(repoDir, 'models/deep'))).toBe(join(repoDir, 'warden.yml'));
    // The nearest file wins.
    writeFileSync(join(repoDir, 'models/warden.yaml'), 'version: 1\n');
    expect(await findPolicyFile('models/deep', repoDir)).toBe(join(repoDir, 'models/warden.yaml'));
  });

  it('outside a repository, stops at the working directory', async () => {
    const outer = mkdtempSync(join(tmpdir(), 'warden-norepo-'));
    writeFileSync(join(outer, 'warden.yaml'), 'version: 1\n');
    mkdirSync(join(outer, 'work/models'), { recursive: true });
    const cwd = join(outer, 'work');
    expect(await findPolicyFile('models', cwd)).toBeUndefined();
    expect(await findPolicyFile('models', outer)).toBe(join(outer, 'warden.yaml'));
  });

  it('loadPolicyFile names the file as the user sees it and roots globs at its folder', async () => {
    const repo = fixtureRepo();
    repo.write('ci/policy.yaml', 'version: 1\nfail_on: low\n');
    const r = await loadPolicyFile('ci/policy.yaml', repo.dir);
    expect(r.ok && r.value.file).toBe('ci/policy.yaml');
    expect(r.ok && r.value.root).toBe(join(repo.dir, 'ci'));
    const missing = await loadPolicyFile('nope.yaml', repo.dir);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error[0]?.message).toMatch(/cannot read/);
    const huge = repo.write('huge.yaml', `version: 1\n#${'x'.repeat(1024 * 1024)}\n`);
    const big = await loadPolicyFile(huge, repo.dir);
    expect(!big.ok && big.error[0]?.message).toMatch(/larger than/);
  });

  it('resolvePolicy: --no-policy gives the default even when a file exists', async () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', 'version: 1\nfail_on: low\n');
    const on = await resolvePolicy({ paths: ['.'], cwd: repo.dir });
    expect(on.ok && on.value.failOn).toBe('low');
    const off = await resolvePolicy({ paths: ['.'], cwd: repo.dir, disabled: true });
    expect(off.ok && off.value.file).toBe('');
  });
});

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

async function sign(model: string, key: KeyObject, ignorePaths: string[]): Promise<string> {
  const r = await signModel(model, {
    key,
    hashType: 'sha256',
    method: 'files',
    allowSymlinks: false,
    ignorePaths,
    ignoreGitPaths: true,
  });
  return r.bundleJson;
}

describe('collectSignatures (OMS signatures next to models)', () => {
  const targetsOf = (paths: string[]) =>
    paths.map((path) => ({ path, format: 'safetensors', status: 'ok' as const, sizeBytes: 16, bytesRead: 16 }));

  async function setup() {
    const repo = fixtureRepo();
    const trusted = keyPair();
    const other = keyPair();
    repo.write('keys/release.pub.pem', trusted.publicKey.export({ type: 'spki', format: 'pem' }) as string);
    repo.write('models/a/model.safetensors', 'weights-a');
    repo.write('models/b.safetensors', 'weights-b');
    repo.write('models/c.safetensors', 'weights-c');
    repo.write('models/a/model.sig', await sign(join(repo.dir, 'models/a'), trusted.privateKey, ['model.sig']));
    repo.write('models/b.safetensors.sig', await sign(join(repo.dir, 'models/b.safetensors'), other.privateKey, []));
    const policy = (extra: Partial<Policy['signatures']> = {}): Policy => ({
      version: 1,
      file: 'warden.yaml',
      root: repo.dir,
      models: { forbiddenFormats: [] },
      signatures: { required: true, trustedKeys: [], identities: [], ...extra },
      licenses: { deny: [] },
      advisories: { ignore: [] },
      data: { piiAllowedColumns: [] },
      overrides: [],
      suppressions: [],
    });
    const targets = targetsOf(['models/a/model.safetensors', 'models/b.safetensors', 'models/c.safetensors']);
    return { repo, policy, targets };
  }

  it('without trusted keys, records which signature covers each model (presence only)', async () => {
    const { repo, policy, targets } = await setup();
    const r = await collectSignatures(policy(), targets, repo.dir);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.fromEntries(r.value)).toEqual({
      'models/a/model.safetensors': { signature: 'models/a/model.sig', status: 'present' },
      'models/b.safetensors': { signature: 'models/b.safetensors.sig', status: 'present' },
    });
  });

  it('with trusted keys, verifies: the trusted signer passes, another signer and a tampered file do not', async () => {
    const { repo, policy, targets } = await setup();
    const p = policy({ trustedKeys: ['keys/release.pub.pem'] });
    const first = await collectSignatures(p, targets, repo.dir);
    expect(first.ok && first.value.get('models/a/model.safetensors')?.status).toBe('verified');
    const b = first.ok ? first.value.get('models/b.safetensors') : undefined;
    expect(b?.status).toBe('invalid');
    expect(b?.detail).toMatch(/key/);

    repo.write('models/a/model.safetensors', 'weights-a, swapped after signing');
    const second = await collectSignatures(p, targets, repo.dir);
    const a = second.ok ? second.value.get('models/a/model.safetensors') : undefined;
    expect(a?.status).toBe('invalid');
    expect(a?.detail).toContain('model.safetensors differs');
  });

  it('reports an unreadable trusted key as an error instead of passing unsigned models', async () => {
    const { repo, policy, targets } = await setup();
    const r = await collectSignatures(policy({ trustedKeys: ['keys/missing.pem'] }), targets, repo.dir);
    expect(r.ok).toBe(false);
    const ids = await collectSignatures(
      policy({ identities: [{ identity: 'a@b', issuer: 'https://x' }] }),
      targets,
      repo.dir,
    );
    expect(!ids.ok && ids.error).toMatch(/trust_root/);
  });
});
