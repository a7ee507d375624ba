import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { FINGERPRINT_KEY } from '../../src/report/fingerprint.js';
import { reportValidator, sarifValidator } from '../golden/validators.js';
import { fixtureRepo, OS_SYSTEM_PICKLE, policyWithSuppression } from '../policy/fixture-repo.js';
import { captureIO } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: reports are walked as loose JSON in assertions.
type Loose = any;

const validSarif = sarifValidator();
const validJson = reportValidator(true);

async function warden(cwd: string, ...argv: string[]): Promise<{ code: number; out: Loose; err: string }> {
  const c = captureIO(cwd);
  const code = await run(argv, c.io);
  return { code, out: c.out() ? JSON.parse(c.out()) : undefined, err: c.err() };
}

const active = (results: Loose[]) => results.filter((r) => r.suppressions === undefined);
const dismissed = (results: Loose[]) => results.filter((r) => r.suppressions !== undefined);

function expectValid(validate: typeof validSarif, data: unknown): void {
  const ok = validate(data);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

describe('policy-suppressed findings in reports', () => {
  it('warden scan: SARIF keeps the suppressed finding as a dismissed result, and the exit code ignores it', async () => {
    const repo = fixtureRepo({ git: false });
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    const r = await warden(repo.dir, 'scan', '.', '--concurrency', '1', '--format', 'sarif');
    expect(r.code).toBe(0);
    expectValid(validSarif, r.out);
    const run0 = r.out.runs[0];
    expect(active(run0.results)).toEqual([]);
    const [s] = dismissed(run0.results);
    expect(s).toMatchObject({
      ruleId: 'pickle/dangerous-global',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'models/classifier.bin' } } }],
      suppressions: [
        {
          kind: 'external',
          status: 'accepted',
          justification: 'reviewed vendor model, replacement tracked in JIRA-42 (expires 2999-12-31)',
        },
      ],
    });
    expect(run0.tool.driver.rules[s.ruleIndex].id).toBe('pickle/dangerous-global');

    // Same fingerprint as the open alert it is without the policy, so code scanning matches them.
    const open = await warden(repo.dir, 'scan', '.', '--concurrency', '1', '--format', 'sarif', '--no-policy');
    expect(open.code).toBe(1);
    const [o] = open.out.runs[0].results;
    expect(o.suppressions).toBeUndefined();
    expect(s.partialFingerprints[FINGERPRINT_KEY]).toBe(o.partialFingerprints[FINGERPRINT_KEY]);
  });

  it('warden scan: a finding the policy does not cover still fails, next to the suppressed one', async () => {
    const repo = fixtureRepo({ git: false });
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    repo.write('models/other.bin', OS_SYSTEM_PICKLE);
    const r = await warden(repo.dir, 'scan', '.', '--concurrency', '1', '--format', 'sarif');
    expect(r.code).toBe(1);
    const uri = (x: Loose) => x.locations[0].physicalLocation.artifactLocation.uri;
    expect(active(r.out.runs[0].results).map(uri)).toEqual(['models/other.bin']);
    expect(dismissed(r.out.runs[0].results).map(uri)).toEqual(['models/classifier.bin']);
  });

  it('warden scan: JSON lists it under suppressed, outside findings and the summary', async () => {
    const repo = fixtureRepo({ git: false });
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    const r = await warden(repo.dir, 'scan', '.', '--concurrency', '1', '--format', 'json');
    expect(r.code).toBe(0);
    expectValid(validJson, r.out);
    expect(r.out.findings).toEqual([]);
    expect(r.out.summary.findings).toBe(0);
    expect(r.out.suppressed).toEqual([
      expect.objectContaining({
        ruleId: 'pickle/dangerous-global',
        path: 'models/classifier.bin',
        reason: 'reviewed vendor model, replacement tracked in JIRA-42',
        expires: '2999-12-31',
      }),
    ]);
    expect(r.out.rules.map((x: Loose) => x.id)).toEqual(['pickle/dangerous-global']);
  });

  it('warden scan: an expired suppression suppresses nothing, so nothing is listed as suppressed', async () => {
    const repo = fixtureRepo({ git: false });
    repo.write('warden.yaml', policyWithSuppression('2020-01-31'));
    const r = await warden(repo.dir, 'scan', '.', '--concurrency', '1', '--format', 'sarif');
    expect(r.code).toBe(1);
    expect(dismissed(r.out.runs[0].results)).toEqual([]);
  });

  it('warden audit: the SARIF report carries the suppression too', async () => {
    const repo = fixtureRepo({ git: false });
    repo.write('warden.yaml', policyWithSuppression('2999-12-31'));
    const r = await warden(repo.dir, 'audit', '.', '--format', 'sarif');
    expectValid(validSarif, r.out);
    const s = dismissed(r.out.runs[0].results);
    expect(s.map((x: Loose) => x.ruleId)).toEqual(['pickle/dangerous-global']);
    expect(active(r.out.runs[0].results).map((x: Loose) => x.ruleId)).not.toContain('pickle/dangerous-global');
  });

  it('warden data scan: a PII-allowed column is a standing suppression in SARIF and JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-suppressed-'));
    const rows = Array.from({ length: 40 }, (_, i) => `${i},user${i}@corp-mail.org`).join('\n');
    writeFileSync(join(dir, 'customers.csv'), `id,email\n${rows}\n`);
    writeFileSync(join(dir, 'warden.yaml'), 'version: 1\nfail_on: medium\ndata:\n  pii_allowed_columns: [email]\n');

    const sarif = await warden(dir, 'data', 'scan', '.', '--format', 'sarif');
    expect(sarif.code).toBe(0);
    expectValid(validSarif, sarif.out);
    const [s] = dismissed(sarif.out.runs[0].results);
    expect(s.ruleId).toBe('data/pii');
    expect(s.suppressions[0].justification).toMatch(/^data\.pii_allowed_columns: .*email.* \(standing policy\)$/);
    expect(active(sarif.out.runs[0].results)).toEqual([]);

    const json = await warden(dir, 'data', 'scan', '.', '--format', 'json');
    expect(json.code).toBe(0);
    expectValid(validJson, json.out);
    expect(json.out.findings).toEqual([]);
    expect(json.out.suppressed).toEqual([expect.objectContaining({ ruleId: 'data/pii', expires: 'never' })]);
  });
});
