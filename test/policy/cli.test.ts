import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { parsePolicy, starterPolicy } from '../../src/policy/index.js';
import { signModel } from '../../src/supply/signing/oms.js';
import { captureIO } from '../cli/helpers.js';
import { BENIGN_PICKLE, fixtureRepo, policyWithSuppression, safetensorsBytes } from './fixture-repo.js';

async function scan(cwd: string, ...args: string[]) {
  const c = captureIO(cwd);
  const code = await run(['scan', '--concurrency', '1', '--format', 'json', ...args], c.io);
  const out = c.out();
  return { code, err: c.err(), report: out ? JSON.parse(out) : undefined };
}

const ruleIds = (report: { findings: { ruleId: string }[] }) => report.findings.map((f) => f.ruleId).sort();

describe('warden scan honours warden.yaml', () => {
  it('without a policy, the malicious pickle fails the scan (exit 1)', async () => {
    const repo = fixtureRepo();
    const r = await scan(repo.dir, '.');
    expect(r.code).toBe(1);
    expect(ruleIds(r.report)).toEqual(['pickle/dangerous-global']);
  });

  it('a current suppression silences the finding (exit 0) and stderr says one finding was suppressed', async () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    const r = await scan(repo.dir, '.');
    expect(r.code).toBe(0);
    expect(r.report.findings).toEqual([]);
    expect(r.err).toContain('policy warden.yaml, 1 finding suppressed');
  });

  it('the suppressed finding stays in SARIF as a dismissed result and in JSON under suppressed[], without failing', async () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    const c = captureIO(repo.dir);
    expect(await run(['scan', '.', '--concurrency', '1', '--format', 'sarif'], c.io)).toBe(0);
    const results = JSON.parse(c.out()).runs[0].results;
    expect(results).toHaveLength(1);
    expect(results[0].ruleId).toBe('pickle/dangerous-global');
    expect(results[0].suppressions).toEqual([
      expect.objectContaining({
        kind: 'external',
        status: 'accepted',
        justification: expect.stringContaining('JIRA-42'),
      }),
    ]);
    const json = await scan(repo.dir, '.');
    expect(json.code).toBe(0);
    expect(json.report.findings).toEqual([]);
    expect(json.report.suppressed).toEqual([
      expect.objectContaining({ ruleId: 'pickle/dangerous-global', expires: '2999-12-31' }),
    ]);
    expect(json.report.summary.findings).toBe(0);
  });

  it('an expired suppression fails loudly: the finding is back and the entry is reported with file, line and reason', async () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', policyWithSuppression('2020-01-31'));
    const r = await scan(repo.dir, '.');
    expect(r.code).toBe(1);
    expect(ruleIds(r.report)).toEqual(['pickle/dangerous-global', 'policy/expired-suppression']);
    const expired = r.report.findings.find((f: { ruleId: string }) => f.ruleId === 'policy/expired-suppression');
    expect(expired).toMatchObject({ path: 'warden.yaml', line: 4, severity: 'high' });
    expect(expired.message).toContain('expired on 2020-01-31');
    expect(expired.message).toContain('JIRA-42');
    expect(r.err).toContain('1 expired suppression (failing)');
    // Raising the threshold on the command line does not silence an expired exception.
    repo.write('models/classifier.bin', BENIGN_PICKLE);
    expect((await scan(repo.dir, '.', '--fail-on', 'critical')).code).toBe(1);
    expect((await scan(repo.dir, '.', '--fail-on', 'none')).code).toBe(0);
  });

  it('finds warden.yaml from a scanned subfolder up to the repository root, and globs stay root-relative', async () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    const fromRoot = await scan(repo.dir, 'models/classifier.bin');
    expect(fromRoot.code).toBe(0);
    const fromSub = await scan(join(repo.dir, 'models'), 'classifier.bin');
    expect(fromSub.code).toBe(0);
    expect(fromSub.err).toContain(`policy ${join(repo.dir, 'warden.yaml')}`);
  });

  it('--no-policy ignores warden.yaml and --policy FILE picks another one', async () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    repo.write('ci/strict.yaml', 'version: 1\nfail_on: high\n');
    expect((await scan(repo.dir, '.', '--no-policy')).code).toBe(1);
    const strict = await scan(repo.dir, '.', '--policy', 'ci/strict.yaml');
    expect(strict.code).toBe(1);
    expect(strict.err).toContain('policy ci/strict.yaml');
    const both = captureIO(repo.dir);
    expect(await run(['scan', '.', '--policy', 'x', '--no-policy'], both.io)).toBe(2);
  });

  it('takes the threshold from fail_on unless --fail-on is given', async () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', 'version: 1\nfail_on: none\n');
    expect((await scan(repo.dir, '.')).code).toBe(0);
    expect((await scan(repo.dir, '.', '--fail-on', 'critical')).code).toBe(1);
  });

  it('applies forbidden formats, per-path overrides and signature requirements from the file', async () => {
    const repo = fixtureRepo();
    repo.write('tests/fixtures/evil.pkl', readFileSync(join(repo.dir, 'models/classifier.bin')));
    repo.write(
      'warden.yaml',
      [
        'version: 1',
        'models: { forbidden_formats: [pickle] }',
        'signatures: { required: ["models/**"] }',
        'overrides:',
        '  - paths: ["tests/fixtures/**"]',
        '    ignore_rules: [pickle/*, policy/forbidden-format]',
        '',
      ].join('\n'),
    );
    const r = await scan(repo.dir, '.');
    expect(r.code).toBe(1);
    const got = r.report.findings.map((f: { ruleId: string; path: string }) => `${f.ruleId} ${f.path}`).sort();
    expect(got).toEqual([
      'pickle/dangerous-global models/classifier.bin',
      'policy/forbidden-format models/classifier.bin',
      'policy/unsigned-model models/classifier.bin',
      'policy/unsigned-model models/encoder.safetensors',
    ]);
    expect(r.err).toContain('2 findings suppressed');
  });

  it('verifies OMS signatures with the trusted keys warden.yaml names; a swapped model is critical', async () => {
    const repo = fixtureRepo();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    repo.write('keys/release.pub.pem', publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const models = join(repo.dir, 'models');
    const signed = await signModel(models, {
      key: privateKey,
      hashType: 'sha256',
      method: 'files',
      allowSymlinks: false,
      ignorePaths: ['model.sig'],
      ignoreGitPaths: true,
    });
    repo.write('models/model.sig', signed.bundleJson);
    repo.write(
      'warden.yaml',
      'version: 1\nsignatures:\n  required: true\n  trusted_keys: [keys/release.pub.pem]\noverrides:\n  - { paths: ["**"], ignore_rules: [pickle/*] }\n',
    );
    const good = await scan(repo.dir, '.');
    expect(good.code).toBe(0);
    expect(good.report.findings).toEqual([]);
    const weights = safetensorsBytes();
    repo.write('models/encoder.safetensors', weights.fill(1, weights.length - 8)); // same header, other weights
    repo.write('models/notes.txt', 'signed later? no: added after signing, not covered, not a model');
    const bad = await scan(repo.dir, '.');
    expect(bad.code).toBe(1);
    const got = (r: typeof bad) =>
      r.report.findings.map((f: { ruleId: string; path: string }) => `${f.ruleId} ${f.path}`);
    expect(got(bad)).toEqual(['policy/invalid-signature models/encoder.safetensors']);
    // A rewrite that no longer even parses as a model is still caught by the signature.
    repo.write('models/encoder.safetensors', 'not a model any more');
    expect(got(await scan(repo.dir, '.'))).toEqual(['policy/invalid-signature models/encoder.safetensors']);
  });

  it('an invalid warden.yaml is exit 2 with file:line:column, before anything is scanned', async () => {
    const repo = fixtureRepo();
    repo.write(
      'warden.yaml',
      'version: 1\nsuppressions:\n  - rule: pickle/dangerous-global\n    path: "*.bin"\n    expires: 2999-01-01\nfail_onn: high\n',
    );
    const c = captureIO(repo.dir);
    expect(await run(['scan', '.', '--concurrency', '1'], c.io)).toBe(2);
    expect(c.out()).toBe('');
    expect(c.err()).toContain("warden.yaml:3:5: /suppressions/0 is missing the required key 'reason'");
    expect(c.err()).toContain("warden.yaml:6:1: unknown key 'fail_onn'");
  });
});

describe('warden init', () => {
  it('writes a commented starter that parses and validates, and refuses to overwrite it', async () => {
    const repo = fixtureRepo();
    const c = captureIO(repo.dir);
    expect(await run(['init'], c.io)).toBe(0);
    const text = readFileSync(join(repo.dir, 'warden.yaml'), 'utf8');
    expect(text).toBe(starterPolicy());
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('#')).length).toBeGreaterThan(20);
    expect(parsePolicy(text, 'warden.yaml').ok).toBe(true);
    const again = captureIO(repo.dir);
    expect(await run(['init'], again.io)).toBe(2);
    expect(again.err()).toContain('already exists');
    expect(await run(['init', '--force'], captureIO(repo.dir).io)).toBe(0);
  });

  it('the starter forbids pickle, so a fresh policy already fails the malicious pickle twice over', async () => {
    const repo = fixtureRepo();
    expect(await run(['init', 'sub'], captureIO(repo.dir).io)).toBe(0);
    expect(existsSync(join(repo.dir, 'sub/warden.yaml'))).toBe(true);
    expect(await run(['init'], captureIO(repo.dir).io)).toBe(0);
    const r = await scan(repo.dir, '.');
    expect(r.code).toBe(1);
    expect(ruleIds(r.report)).toEqual(['pickle/dangerous-global', 'policy/forbidden-format']);
  });

  it('--check validates a policy file and prints errors with positions', async () => {
    const repo = fixtureRepo();
    repo.write('warden.yaml', 'version: 1\nmodels:\n  allowed: [safetensors]\n');
    const bad = captureIO(repo.dir);
    expect(await run(['init', '--check'], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/^warden\.yaml:3:3: unknown key 'allowed'/);
    repo.write('warden.yaml', starterPolicy());
    const good = captureIO(repo.dir);
    expect(await run(['init', '--check', 'warden.yaml'], good.io)).toBe(0);
    expect(good.out()).toContain('valid');
  });
});
