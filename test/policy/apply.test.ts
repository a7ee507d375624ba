import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { ref } from '../../src/core/rule.js';
import type { Severity } from '../../src/core/severity.js';
import type { TargetResult } from '../../src/core/target.js';
import {
  applyPolicy,
  failingFindings,
  isExpired,
  type Policy,
  parsePolicy,
  type SignatureEvidence,
} from '../../src/policy/index.js';
import { findingHash } from '../../src/report/fingerprint.js';

const NOW = new Date('2026-03-15T12:00:00Z');

function policy(yaml: string): Policy {
  const r = parsePolicy(`version: 1\n${yaml}`, 'warden.yaml');
  if (!r.ok) throw new Error(r.error.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  return r.value;
}

function finding(ruleId: string, path: string, severity: Severity = 'critical', extra: Partial<Finding> = {}): Finding {
  return { ruleId, path, severity, message: `${ruleId} in ${path}`, references: [], ...extra };
}

function target(path: string, format: string, member?: string): TargetResult {
  return { path, format, status: 'ok', sizeBytes: 10, bytesRead: 10, ...(member ? { member } : {}) };
}

const EVIL = finding('pickle/dangerous-global', 'models/legacy/old.pkl', 'critical', { evidence: "os.system('id')" });

describe('fail_on', () => {
  it('uses high when the policy does not say, and the policy threshold when it does', () => {
    const medium = finding('pickle/unknown-global', 'm.pkl', 'medium');
    expect(applyPolicy([medium], policy(''), { now: NOW }).failing).toEqual([]);
    const strict = applyPolicy([medium], policy('fail_on: medium'), { now: NOW });
    expect(strict.failOn).toBe('medium');
    expect(strict.failing).toEqual([medium]);
    expect(applyPolicy([EVIL], policy('fail_on: none'), { now: NOW }).failing).toEqual([]);
  });
});

describe('models: forbidden and allowed formats', () => {
  const targets = [
    target('models/a.pkl', 'pickle'),
    target('models/b.safetensors', 'safetensors'),
    target('models/c.pt', 'pytorch/zip'),
    target('models/c.pt', 'pickle', 'archive/data.pkl'),
    target('bundle.zip', 'zip'),
    target('bundle.zip', 'pickle', 'inner/model.pkl'),
    target('README.md', 'unknown'),
  ];

  it('flags a forbidden format wherever it is, archive members included', () => {
    const out = applyPolicy([], policy('models: { forbidden_formats: [pickle] }'), { now: NOW, targets });
    const hits = out.findings.map((f) => [f.ruleId, f.path, f.member ?? '']);
    expect(hits).toEqual([
      ['policy/forbidden-format', 'bundle.zip', 'inner/model.pkl'],
      ['policy/forbidden-format', 'models/a.pkl', ''],
      ['policy/forbidden-format', 'models/c.pt', 'archive/data.pkl'],
    ]);
    expect(out.failing).toHaveLength(3);
  });

  it('flags outermost models outside the allow list, not the pickle inside an allowed PyTorch checkpoint', () => {
    const out = applyPolicy([], policy('models: { allowed_formats: [safetensors, pytorch/zip] }'), {
      now: NOW,
      targets,
    });
    expect(out.findings.map((f) => [f.path, f.member ?? '', f.evidence])).toEqual([
      ['bundle.zip', 'inner/model.pkl', 'pickle'],
      ['models/a.pkl', '', 'pickle'],
    ]);
  });
});

describe('signatures', () => {
  const targets = [
    target('models/signed/model.safetensors', 'safetensors'),
    target('models/signed/model.sig', 'unknown'),
    target('models/one.gguf', 'gguf'),
    target('models/one.gguf.sig', 'unknown'),
    target('models/bare.safetensors', 'safetensors'),
    target('vendor/x.onnx', 'onnx'),
    target('config.json', 'hf-config'),
  ];

  it('reports model files that no FILE.sig or model.sig covers (judged from the scanned files)', () => {
    const out = applyPolicy([], policy('signatures: { required: true }'), { now: NOW, targets });
    expect(out.findings.map((f) => [f.ruleId, f.path])).toEqual([
      ['policy/unsigned-model', 'models/bare.safetensors'],
      ['policy/unsigned-model', 'vendor/x.onnx'],
    ]);
  });

  it('checks only the models matching the globs when required is a list', () => {
    const out = applyPolicy([], policy('signatures: { required: ["models/**"] }'), { now: NOW, targets });
    expect(out.findings.map((f) => f.path)).toEqual(['models/bare.safetensors']);
  });

  it('uses the evidence from disk when given: an invalid signature is critical', () => {
    const signatures = new Map<string, SignatureEvidence>([
      ['models/signed/model.safetensors', { signature: 'models/signed/model.sig', status: 'verified' }],
      ['models/one.gguf', { signature: 'models/one.gguf.sig', status: 'invalid', detail: 'key mismatch' }],
    ]);
    const out = applyPolicy([], policy('signatures: { required: ["models/**"] }'), {
      now: NOW,
      targets,
      signatures,
    });
    expect(out.findings.map((f) => [f.ruleId, f.path, f.severity])).toEqual([
      ['policy/unsigned-model', 'models/bare.safetensors', 'high'],
      ['policy/invalid-signature', 'models/one.gguf', 'critical'],
    ]);
    expect(out.findings[1]?.message).toContain('key mismatch');
  });
});

describe('licenses', () => {
  const targets = [target('a.gguf', 'gguf'), target('b.gguf', 'gguf'), target('c.gguf', 'gguf')];
  const metadata = new Map<string, Record<string, unknown>>([
    ['a.gguf', { license: 'Apache-2.0' }],
    ['b.gguf', { license: 'cc-by-nc-4.0' }],
    ['c.gguf', { format: 'gguf' }],
  ]);

  it('flags a denied license, case-insensitively', () => {
    const out = applyPolicy([], policy('licenses: { deny: [CC-BY-NC-4.0] }'), { now: NOW, targets, metadata });
    expect(out.findings.map((f) => [f.ruleId, f.path, f.evidence])).toEqual([
      ['policy/license', 'b.gguf', 'cc-by-nc-4.0'],
    ]);
    expect(out.failing).toEqual([]); // medium: informs, does not fail at the default threshold
  });

  it('flags a license outside the allow list, and says nothing when a model declares none', () => {
    const out = applyPolicy([], policy('licenses: { allow: [apache-2.0, mit] }'), { now: NOW, targets, metadata });
    expect(out.findings.map((f) => f.path)).toEqual(['b.gguf']);
  });
});

describe('advisories', () => {
  const vuln = (id: string, severity: Severity) =>
    finding('deps/vulnerable-package', 'requirements.txt', severity, {
      message: `torch 2.1.0 is affected by ${id}`,
      references: [ref.cve(id)],
    });

  it('ignores an advisory until its expiry date, then reports it and the expired exception', () => {
    const yaml = (expires: string) =>
      `advisories:\n  ignore:\n    - id: CVE-2025-32434\n      reason: vetted checkpoints only\n      expires: ${expires}\n`;
    const active = applyPolicy([vuln('CVE-2025-32434', 'critical')], policy(yaml('2026-03-15')), { now: NOW });
    expect(active.findings).toEqual([]);
    expect(active.suppressed[0]).toMatchObject({ reason: 'vetted checkpoints only', expires: '2026-03-15' });
    const lapsed = applyPolicy([vuln('CVE-2025-32434', 'critical')], policy(yaml('2026-03-14')), { now: NOW });
    expect(lapsed.findings.map((f) => f.ruleId).sort()).toEqual([
      'deps/vulnerable-package',
      'policy/expired-suppression',
    ]);
    expect(lapsed.failing).toHaveLength(2);
  });

  it('applies advisories.fail_on to advisory findings only', () => {
    const p = policy('fail_on: medium\nadvisories: { fail_on: critical }');
    const out = applyPolicy([vuln('CVE-2024-3568', 'high'), finding('pickle/unknown-global', 'm.pkl', 'medium')], p, {
      now: NOW,
    });
    expect(out.failing.map((f) => f.ruleId)).toEqual(['pickle/unknown-global']);
  });

  it('does not treat a model finding that cites a CVE as an advisory', () => {
    const f = finding('keras/lambda-layer', 'm.keras', 'high', { references: [ref.cve('CVE-2024-3660')] });
    const p = policy('advisories:\n  ignore:\n    - { id: CVE-2024-3660, reason: r, expires: 2099-01-01 }\n');
    expect(applyPolicy([f], p, { now: NOW }).findings).toEqual([f]);
  });
});

describe('data: PII allowed columns', () => {
  it('suppresses data/pii findings for allowed columns only, keeping secrets', () => {
    const pii = (col: string) =>
      finding('data/pii', 'data/users.csv', 'high', {
        message: `column \`${col}\` — 98% e-mail address (98 of 100 rows; email)`,
      });
    const secret = finding('data/secret', 'data/users.csv', 'high', { message: 'column `email` — AWS key' });
    const out = applyPolicy([pii('email'), pii('notes'), secret], policy('data: { pii_allowed_columns: [Email] }'), {
      now: NOW,
    });
    expect(out.findings.map((f) => [f.ruleId, f.message.slice(0, 14)])).toEqual([
      ['data/pii', 'column `notes`'],
      ['data/secret', 'column `email`'],
    ]);
    expect(out.suppressed).toHaveLength(1);
    expect(out.suppressed[0]?.reason).toBe('data.pii_allowed_columns: email');
  });
});

describe('overrides', () => {
  const p = policy(
    [
      'overrides:',
      '  - paths: ["tests/fixtures/**"]',
      '    ignore_rules: [pickle/*]',
      '  - paths: ["notebooks/**", "*.ipynb"]',
      '    fail_on: critical',
      '    severity: { data/pii: low, data/secret: critical }',
      '',
    ].join('\n'),
  );

  it('drops ignored rules under a path, and only there', () => {
    const fixture = finding('pickle/dangerous-global', 'tests/fixtures/evil.pkl');
    const out = applyPolicy([fixture, EVIL], p, { now: NOW });
    expect(out.findings).toEqual([EVIL]);
    expect(out.suppressed[0]).toMatchObject({ finding: fixture, expires: 'never' });
    expect(out.suppressed[0]?.reason).toContain('tests/fixtures/**');
  });

  it('re-rates rules and raises the threshold per path (a bare glob matches the file name anywhere)', () => {
    const pii = finding('data/pii', 'notebooks/eda.ipynb', 'high');
    const secret = finding('data/secret', 'src/scratch.ipynb', 'high');
    const elsewhere = finding('data/pii', 'data/users.csv', 'high');
    const out = applyPolicy([pii, secret, elsewhere], p, { now: NOW });
    expect(out.findings.map((f) => [f.path, f.severity])).toEqual([
      ['data/users.csv', 'high'],
      ['notebooks/eda.ipynb', 'low'],
      ['src/scratch.ipynb', 'critical'],
    ]);
    expect(out.failing.map((f) => f.path)).toEqual(['data/users.csv', 'src/scratch.ipynb']);
  });

  it('matches globs relative to the policy root, not the working directory', () => {
    const rooted = { ...p, root: '/repo' };
    const fixture = finding('pickle/dangerous-global', 'fixtures/evil.pkl');
    expect(applyPolicy([fixture], rooted, { now: NOW, cwd: '/repo/tests' }).findings).toEqual([]);
    expect(applyPolicy([fixture], rooted, { now: NOW, cwd: '/repo' }).findings).toEqual([fixture]);
  });
});

describe('suppressions', () => {
  const suppression = (expires: string, extra = '') =>
    policy(
      `suppressions:\n  - rule: pickle/dangerous-global\n    path: models/legacy/*.pkl\n    reason: vendor model, JIRA-123\n    expires: ${expires}\n${extra}`,
    );

  it('suppresses a matching finding until the end of its expiry day (UTC)', () => {
    const out = applyPolicy([EVIL], suppression('2026-03-15'), { now: NOW });
    expect(out.findings).toEqual([]);
    expect(out.failing).toEqual([]);
    expect(out.suppressed).toEqual([{ finding: EVIL, reason: 'vendor model, JIRA-123', expires: '2026-03-15' }]);
    expect(isExpired('2026-03-15', new Date('2026-03-15T23:59:59.999Z'))).toBe(false);
    expect(isExpired('2026-03-15', new Date('2026-03-16T00:00:00Z'))).toBe(true);
  });

  it('an expired suppression fails loudly: it stops suppressing and is a high finding at its line', () => {
    const out = applyPolicy([EVIL], suppression('2026-03-14'), { now: NOW });
    expect(out.suppressed).toEqual([]);
    const expired = out.findings.find((f) => f.ruleId === 'policy/expired-suppression');
    expect(expired).toMatchObject({ path: 'warden.yaml', line: 3, severity: 'high' });
    expect(expired?.message).toContain('expired on 2026-03-14');
    expect(expired?.message).toContain('vendor model, JIRA-123');
    expect(out.findings).toContainEqual(EVIL);
    expect(out.failing).toContainEqual(expired);
  });

  it('an expired suppression fails even when fail_on is critical, and also when it matches nothing', () => {
    const p = { ...suppression('2020-01-01'), failOn: 'critical' as const };
    const out = applyPolicy([], p, { now: NOW });
    expect(out.failing.map((f) => f.ruleId)).toEqual(['policy/expired-suppression']);
  });

  it('--fail-on replaces the policy thresholds, but an expired entry still fails unless it is none', () => {
    const out = applyPolicy([EVIL], suppression('2020-01-01'), { now: NOW });
    expect(failingFindings(out, 'critical').map((f) => f.ruleId)).toEqual([
      'pickle/dangerous-global',
      'policy/expired-suppression',
    ]);
    const medium = applyPolicy([finding('a/b', 'x', 'medium')], suppression('2020-01-01'), { now: NOW });
    expect(failingFindings(medium, 'critical').map((f) => f.ruleId)).toEqual(['policy/expired-suppression']);
    expect(failingFindings(medium, 'none')).toEqual([]);
    expect(failingFindings(medium)).toBe(medium.failing);
  });

  it('needs the rule and the path to match; area wildcards cover every rule of the area', () => {
    const otherRule = finding('pickle/unknown-global', 'models/legacy/old.pkl');
    const otherPath = finding('pickle/dangerous-global', 'models/new.pkl');
    expect(applyPolicy([otherRule, otherPath], suppression('2099-01-01'), { now: NOW }).findings).toHaveLength(2);
    const area = policy('suppressions:\n  - { rule: pickle/*, path: "models/**", reason: r, expires: 2099-01-01 }\n');
    expect(applyPolicy([otherRule, otherPath], area, { now: NOW }).findings).toEqual([]);
  });

  it('with a fingerprint, suppresses only that finding (the SARIF wardenFindingHash/v1)', () => {
    const second = { ...EVIL, evidence: "posix.system('curl evil')" };
    const hash = findingHash(EVIL, 'models/legacy/old.pkl');
    const out = applyPolicy([EVIL, second], suppression('2099-01-01', `    fingerprint: "${hash}:1"\n`), {
      now: NOW,
      cwd: '/anywhere',
    });
    expect(out.findings).toEqual([second]);
  });

  it('suppresses policy findings too (a forbidden format accepted for a while)', () => {
    const p = policy(
      'models: { forbidden_formats: [pickle] }\nsuppressions:\n  - { rule: policy/forbidden-format, path: "legacy/**", reason: r, expires: 2099-01-01 }\n',
    );
    const out = applyPolicy([], p, {
      now: NOW,
      targets: [target('legacy/a.pkl', 'pickle'), target('b.pkl', 'pickle')],
    });
    expect(out.findings.map((f) => f.path)).toEqual(['b.pkl']);
    expect(out.suppressed.map((s) => s.finding.path)).toEqual(['legacy/a.pkl']);
  });
});

describe('regular expressions over untrusted text (ReDoS)', () => {
  it('advisory ids and PII column names are found in linear time on hostile messages', () => {
    const hostile = [
      `column \`${'`'.repeat(1)}${'a'.repeat(100_000)}`,
      `${'CVE-2024-'.repeat(20_000)}x`,
      `${'GHSA-'.repeat(20_000)}`,
      `key \`${'x'.repeat(600)}\` ${'PYSEC-2024-'.repeat(10_000)}`,
    ];
    const p = policy(
      'data: { pii_allowed_columns: [a] }\nadvisories:\n  ignore:\n    - { id: CVE-2024-1, reason: r, expires: 2099-01-01 }\n',
    );
    const t0 = performance.now();
    for (const message of hostile) {
      applyPolicy(
        [finding('data/pii', 'd.csv', 'high', { message }), finding('deps/x', 'r.txt', 'high', { message })],
        p,
        {
          now: NOW,
        },
      );
    }
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
