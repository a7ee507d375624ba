import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { captureIO } from './helpers.js';

const rows = Array.from({ length: 40 }, (_, i) => `${i},user${i}@corp-mail.org,${1000 + i}`).join('\n');
const KEY = `sk-proj-${'T3BlbkFJ'.repeat(6)}`;

function project(policy: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-data-policy-'));
  writeFileSync(join(dir, 'customers.csv'), `id,email,spend\n${rows}\n`);
  writeFileSync(join(dir, 'warden.yaml'), policy);
  return dir;
}

describe('warden data scan honours warden.yaml', () => {
  it('suppresses PII in a column the policy allows, and fails on it otherwise', async () => {
    const allowed = project('version: 1\nfail_on: medium\ndata:\n  pii_allowed_columns: [email]\n');
    const a = captureIO(allowed);
    expect(await run(['data', 'scan', '.', '--format', 'json'], a.io)).toBe(0);
    expect(JSON.parse(a.out()).findings).toEqual([]);
    expect(a.err()).toContain('1 finding suppressed');

    const strict = project('version: 1\nfail_on: medium\n');
    const b = captureIO(strict);
    expect(await run(['data', 'scan', '.', '--format', 'json'], b.io)).toBe(1);
    expect(JSON.parse(b.out()).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('data/pii');
  });

  it('rejects an invalid policy with exit 2 before scanning', async () => {
    const dir = project('version: 1\nfail_onn: high\n');
    writeFileSync(join(dir, 'secrets.txt'), `OPENAI_API_KEY=${KEY}\n`);
    const c = captureIO(dir);
    expect(await run(['data', 'scan', '.'], c.io)).toBe(2);
    expect(c.err()).toContain('warden.yaml');
    expect(c.out()).toBe('');
  });
});
