import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  formatPolicyError,
  POLICY_SCHEMA,
  parsePolicy,
  starterPolicy,
} from '../../src/policy/index.js';
import { SCANNERS } from '../../src/scan/registry.js';

function errorsOf(text: string) {
  const r = parsePolicy(text, 'warden.yaml');
  if (r.ok) throw new Error('expected the policy to be rejected');
  return r.error;
}

const VALID = `version: 1
fail_on: medium
models:
  allowed_formats: [safetensors, gguf]
  forbidden_formats: [pickle]
signatures:
  required: ["models/**"]
  trusted_keys: [keys/release.pub.pem]
licenses:
  allow: [apache-2.0, MIT]
  deny: [cc-by-nc-4.0]
advisories:
  fail_on: critical
  ignore:
    - id: CVE-2025-32434
      reason: only vetted checkpoints are loaded
      expires: 2099-01-31
data:
  pii_allowed_columns: [email]
overrides:
  - paths: ["tests/**"]
    ignore_rules: [pickle/*]
    severity: { data/pii: low }
    fail_on: critical
suppressions:
  - rule: pickle/dangerous-global
    path: models/legacy/*.pkl
    reason: vendor model, replacement tracked in JIRA-123
    expires: 2099-06-30
    fingerprint: 0123456789abcdef0123456789abcdef:1
`;

describe('parsePolicy', () => {
  it('reads every key of a full policy into the normalised shape, with the line of each entry', () => {
    const r = parsePolicy(VALID, 'warden.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.value;
    expect(p.failOn).toBe('medium');
    expect(p.models).toEqual({ allowedFormats: ['safetensors', 'gguf'], forbiddenFormats: ['pickle'] });
    expect(p.signatures.required).toEqual(['models/**']);
    expect(p.signatures.trustedKeys).toEqual(['keys/release.pub.pem']);
    expect(p.licenses).toEqual({ allow: ['apache-2.0', 'MIT'], deny: ['cc-by-nc-4.0'] });
    expect(p.advisories.failOn).toBe('critical');
    expect(p.advisories.ignore[0]).toMatchObject({ id: 'CVE-2025-32434', expires: '2099-01-31', line: 15 });
    expect(p.data.piiAllowedColumns).toEqual(['email']);
    expect(p.overrides[0]).toMatchObject({ paths: ['tests/**'], ignoreRules: ['pickle/*'], failOn: 'critical' });
    expect(p.overrides[0]?.severity).toEqual({ 'data/pii': 'low' });
    expect(p.suppressions[0]).toMatchObject({ rule: 'pickle/dangerous-global', line: 26, expires: '2099-06-30' });
  });

  it('accepts the commented starter policy that `warden init` writes', () => {
    const r = parsePolicy(starterPolicy(), 'warden.yaml');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.models.forbiddenFormats).toEqual(['pickle', 'pytorch/legacy']);
  });

  it('the default policy changes nothing and fails on high', () => {
    expect(DEFAULT_POLICY.failOn).toBeUndefined();
    expect(DEFAULT_POLICY.suppressions).toEqual([]);
    expect(DEFAULT_POLICY.signatures.required).toBe(false);
  });

  it('rejects a misspelt key with its line and column (a typo must not weaken the policy)', () => {
    const errors = errorsOf('version: 1\nmodels:\n  forbiden_formats: [pickle]\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'warden.yaml', line: 3, column: 3, path: '/models' });
    expect(errors[0]?.message).toContain("unknown key 'forbiden_formats'");
    expect(formatPolicyError(errors[0]!)).toMatch(/^warden\.yaml:3:3: unknown key/);
  });

  it('rejects a suppression without a reason or an expiry, pointing at the entry', () => {
    const errors = errorsOf(
      'version: 1\nsuppressions:\n  - rule: pickle/dangerous-global\n    path: "*.pkl"\n    expires: 2099-01-01\n  - rule: pickle/*\n    path: a.pkl\n    reason: legacy\n',
    );
    expect(errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [3, 5, "/suppressions/0 is missing the required key 'reason'"],
      [6, 5, "/suppressions/1 is missing the required key 'expires'"],
    ]);
  });

  it('rejects an empty or blank reason at the value', () => {
    const errors = errorsOf(
      'version: 1\nsuppressions:\n  - rule: a/b\n    path: x\n    reason: "   "\n    expires: 2099-01-01\n',
    );
    expect(errors).toEqual([
      {
        file: 'warden.yaml',
        line: 5,
        column: 13,
        path: '/suppressions/0/reason',
        message: expect.stringMatching(/empty/),
      },
    ]);
  });

  it('rejects impossible dates, bad severities, unknown formats and malformed rule ids', () => {
    const errors = errorsOf(
      [
        'version: 1',
        'fail_on: hihg',
        'models: { forbidden_formats: [pytorch] }',
        'suppressions:',
        '  - rule: Pickle',
        '    path: x',
        '    reason: r',
        '    expires: 2025-02-30',
        '',
      ].join('\n'),
    );
    const byLine = new Map(errors.map((e) => [e.line, e.message]));
    expect(byLine.get(2)).toMatch(/fail_on: expected one of critical, high/);
    expect(byLine.get(3)).toMatch(/forbidden_formats\/0: expected one of pickle/);
    expect(byLine.get(5)).toMatch(/rule id/);
    expect(byLine.get(8)).toMatch(/expected a date YYYY-MM-DD/);
  });

  it('reports YAML syntax errors and duplicate keys with a position', () => {
    expect(errorsOf('version: 1\nfail_on: high\nfail_on: low\n')[0]).toMatchObject({ line: 3, column: 1 });
    const syntax = errorsOf('version: 1\nmodels: [pickle\n')[0];
    expect(syntax?.message).toMatch(/^YAML:/);
    expect(syntax?.line).toBeGreaterThanOrEqual(2);
  });

  it('requires version 1 and a mapping', () => {
    expect(errorsOf('fail_on: high\n')[0]?.message).toContain("missing the required key 'version'");
    expect(errorsOf('version: 2\n')[0]).toMatchObject({ line: 1, column: 10 });
    expect(errorsOf('')[0]?.message).toContain('empty');
    expect(errorsOf('- a\n')[0]?.message).toContain('must be object');
  });

  it('stops alias expansion ("billion laughs") instead of exhausting memory', () => {
    const lines = ['version: 1', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const errors = errorsOf(`${lines.join('\n')}\n`);
    expect(errors[0]?.message).toMatch(/alias/i);
  });

  it('never throws on arbitrary text or mutated policies', () => {
    const base = VALID;
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        parsePolicy(s, 'w.yaml');
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.nat(base.length), fc.string({ maxLength: 12 }), fc.nat(20), (at, insert, del) => {
        const r = parsePolicy(base.slice(0, at) + insert + base.slice(at + del), 'w.yaml');
        if (!r.ok) for (const e of r.error) expect(e.file).toBe('w.yaml');
      }),
      { numRuns: 200 },
    );
  });
});

describe('docs/warden.schema.json', () => {
  it('is the schema the parser validates with', () => {
    expect(JSON.parse(readFileSync('docs/warden.schema.json', 'utf8'))).toEqual(POLICY_SCHEMA);
  });

  it('lists every registered scanner id as a format', () => {
    const defs = POLICY_SCHEMA.definitions as { formatList: { items: { enum: string[] } } };
    const missing = SCANNERS.map((s) => s.id).filter((id) => !defs.formatList.items.enum.includes(id));
    expect(missing).toEqual([]);
  });
});
