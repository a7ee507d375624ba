import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryInput } from '../../test/golden/arbitrary-report.js';
import { expectGolden } from '../../test/golden/golden.js';
import { EMPTY_INPUT, SAMPLE_INPUT, SAMPLE_RULES } from '../../test/golden/sample-report.js';
import { sarifValidator } from '../../test/golden/validators.js';
import type { Finding } from '../core/finding.js';
import { findingOf } from '../core/rule.js';
import { SECURITY_SEVERITY } from '../core/severity.js';
import { ENGINE_RULES } from '../scan/engine-rules.js';
import { FINGERPRINT_KEY } from './fingerprint.js';
import { REPO_URL } from './links.js';
import { renderSarif, toSarif } from './sarif.js';
import type { ReportInput } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: SARIF is walked as loose JSON in assertions.
type Loose = any;

const validate = sarifValidator();

function sarifOf(input: ReportInput, baseDir?: string): Loose {
  return JSON.parse(renderSarif(input, baseDir === undefined ? {} : { baseDir }));
}

function withFindings(findings: Finding[], targets: ReportInput['report']['targets'] = []): ReportInput {
  return { ...EMPTY_INPUT, report: { ...EMPTY_INPUT.report, findings, targets } };
}

const archiveOnly = withFindings(
  [
    findingOf(SAMPLE_RULES[0]!, {
      path: 'model.pt',
      member: 'archive/data.pkl',
      offset: 99,
      message: 'Imports os.system',
      evidence: 'os.system',
    }),
    findingOf(SAMPLE_RULES[1]!, {
      path: 'outer.zip',
      member: 'inner.pt!archive/data.pkl',
      line: 3,
      message: 'Imports a.B',
    }),
  ],
  [{ path: 'model.pt', member: 'archive/data.pkl', format: 'pickle', status: 'partial', sizeBytes: 1, bytesRead: 1 }],
);

const evalLoad = findingOf(SAMPLE_RULES[2]!, {
  path: 'src/eval.py',
  line: 3,
  message: 'torch.load without weights_only',
  evidence: 'torch.load(p)',
});
const piiColumn = findingOf(ENGINE_RULES['scan/parse-error'], { path: 'data/u.csv', message: 'emails' });
const onlySuppressed: ReportInput = {
  ...withFindings([]),
  suppressed: [
    { finding: evalLoad, reason: 'own checkpoints', expires: '2026-06-30' },
    { finding: piiColumn, reason: 'data.pii_allowed_columns: contact', expires: 'never' },
  ],
};

const oddPaths = withFindings(
  ['/work/repo/models/a b.pt', '/elsewhere/x.pkl', 'https://huggingface.co/o/m/resolve/main/x.bin', './rel/#1.pkl'].map(
    (path) => findingOf(ENGINE_RULES['scan/parse-error'], { path, message: 'bad' }),
  ),
);

describe('SARIF reporter', () => {
  it('matches the golden file', () => {
    expectGolden('report/report.sarif', renderSarif(SAMPLE_INPUT, { baseDir: '/work/repo' }));
  });

  it.each([
    ['the sample report, with suppressed findings', SAMPLE_INPUT, '/work/repo'],
    ['only suppressed findings', onlySuppressed, undefined],
    ['an empty report', EMPTY_INPUT, undefined],
    ['findings inside archive members', archiveOnly, undefined],
    ['absolute, remote and odd paths', oddPaths, '/work/repo'],
  ] as const)('validates against the official SARIF 2.1.0 schema: %s', (_name, input, baseDir) => {
    const ok = validate(sarifOf(input, baseDir));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const log = sarifOf(SAMPLE_INPUT);
    delete log.runs[0].results[0].message;
    expect(validate(log)).toBe(false);
  });

  it('the schema check can fail: a suppression with an unknown status is rejected', () => {
    const log = sarifOf(onlySuppressed);
    log.runs[0].results[0].suppressions[0].status = 'suppressed';
    expect(validate(log)).toBe(false);
  });

  it('describes only the rules that appear, with help, helpUri, tags and security-severity', () => {
    const run = sarifOf(SAMPLE_INPUT).runs[0];
    const ids = run.tool.driver.rules.map((r: Loose) => r.id);
    const referenced = [...SAMPLE_INPUT.report.findings, ...(SAMPLE_INPUT.suppressed ?? []).map((s) => s.finding)];
    expect(ids).toEqual([...new Set(referenced.map((f) => f.ruleId))].sort());
    expect(run.tool.driver).toMatchObject({ name: 'warden', version: '0.0.0-test', informationUri: REPO_URL });
    const unsafe = run.tool.driver.rules.find((r: Loose) => r.id === 'pickle/unsafe-global');
    expect(unsafe.helpUri).toBe(`${REPO_URL}/blob/main/docs/rules/pickle/unsafe-global.md`);
    expect(unsafe.help.text).toContain('Remediation: Do not load the file.');
    expect(unsafe.properties.tags).toEqual([
      'security',
      'pickle',
      'AML.T0011.000',
      'ML06:2023',
      'external/cwe/cwe-502',
    ]);
    expect(unsafe.properties['security-severity']).toBe('9.5');
    expect(unsafe.defaultConfiguration.level).toBe('error');
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  it('maps severities to levels and GitHub security-severity bands', () => {
    const levels = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;
    for (const [severity, level] of Object.entries(levels)) {
      const f = findingOf(ENGINE_RULES['scan/parse-error'], {
        path: 'x',
        message: 'm',
        severity: severity as keyof typeof levels,
      });
      const [r] = sarifOf(withFindings([f])).runs[0].results;
      expect(r.level).toBe(level);
      expect(r.properties['security-severity']).toBe(SECURITY_SEVERITY[severity as keyof typeof levels]);
    }
  });

  it('puts archive members in a logical location and keeps member offsets out of the file region', () => {
    const [a, b] = sarifOf(archiveOnly).runs[0].results;
    expect(a.locations[0].logicalLocations).toEqual([{ fullyQualifiedName: 'archive/data.pkl', kind: 'member' }]);
    expect(a.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'model.pt', uriBaseId: '%SRCROOT%' } });
    expect(a.properties.memberOffset).toBe(99);
    expect(a.message.text).toBe('Imports os.system (in archive member archive/data.pkl). Evidence: os.system');
    expect(b.locations[0].logicalLocations[0].fullyQualifiedName).toBe('inner.pt!archive/data.pkl');
    expect(b.properties.memberLine).toBe(3);
  });

  it('gives byteOffset and startLine regions for findings in the file itself', () => {
    const results = sarifOf(SAMPLE_INPUT).runs[0].results as Loose[];
    const byUri = (uri: string) => results.filter((r) => r.locations[0].physicalLocation.artifactLocation.uri === uri);
    expect(byUri('models/evil.pkl').map((r) => r.locations[0].physicalLocation.region)).toEqual([
      { byteOffset: 42 },
      { byteOffset: 120 },
    ]);
    expect(byUri('src/train.py')[0].locations[0].physicalLocation.region).toEqual({ startLine: 12 });
    expect(byUri('models/huge.bin')[0].locations[0].physicalLocation.region).toBeUndefined();
  });

  it('makes URIs relative to the base directory and percent-encodes them', () => {
    const run = sarifOf(oddPaths, '/work/repo').runs[0];
    const locs = run.results.map((r: Loose) => r.locations[0].physicalLocation.artifactLocation);
    // Results follow compareFindings order of the original paths: './rel…', '/elsewhere…', '/work…', 'https…'.
    expect(locs).toEqual([
      { uri: 'rel/%231.pkl', uriBaseId: '%SRCROOT%' },
      { uri: 'file:///elsewhere/x.pkl' },
      { uri: 'models/a%20b.pt', uriBaseId: '%SRCROOT%' },
      { uri: 'https://huggingface.co/o/m/resolve/main/x.bin' },
    ]);
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///work/repo/' } });
  });

  it('keeps fingerprints when offsets shift, and tells equal findings apart', () => {
    const base = findingOf(SAMPLE_RULES[0]!, { path: 'm.pkl', offset: 10, message: 'at 10', evidence: 'os.system' });
    const moved = { ...base, offset: 5000, message: 'at 5000' };
    const fp = (fs: Finding[]) =>
      sarifOf(withFindings(fs)).runs[0].results.map((r: Loose) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(fp([moved])).toEqual(fp([base]));
    const [first, second] = fp([base, moved]);
    expect(first.split(':')[0]).toBe(second.split(':')[0]);
    expect([first.endsWith(':1'), second.endsWith(':2')]).toEqual([true, true]);
    expect(fp([{ ...base, evidence: 'builtins.exec' }])).not.toEqual(fp([base]));
    expect(fp([{ ...base, member: 'x' }])).not.toEqual(fp([base]));
    expect(fp([{ ...base, path: 'other.pkl' }])).not.toEqual(fp([base]));
  });

  it('fingerprints do not depend on where the repository is checked out', () => {
    const at = (dir: string) =>
      toSarif(withFindings([findingOf(SAMPLE_RULES[0]!, { path: `${dir}/m.pkl`, message: 'x' })]), {
        baseDir: dir,
      }) as Loose;
    expect(at('/a/checkout').runs[0].results[0].partialFingerprints).toEqual(
      at('/b/elsewhere').runs[0].results[0].partialFingerprints,
    );
  });

  it('keeps suppressed findings as results with an accepted external suppression', () => {
    const run = sarifOf(onlySuppressed).runs[0];
    // Rules referenced only by suppressed results are still described, and ruleIndex points at them.
    expect(run.tool.driver.rules.map((r: Loose) => r.id)).toEqual(['code/torch-load-unsafe', 'scan/parse-error']);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results.map((r: Loose) => r.suppressions)).toEqual([
      [
        {
          kind: 'external',
          status: 'accepted',
          justification: 'data.pii_allowed_columns: contact (standing policy)',
          properties: { expires: 'never' },
        },
      ],
      [
        {
          kind: 'external',
          status: 'accepted',
          justification: 'own checkpoints (expires 2026-06-30)',
          properties: { expires: '2026-06-30' },
        },
      ],
    ]);
  });

  it('gives a suppressed finding the rule, location and fingerprint it has without the policy', () => {
    const active = toSarif(withFindings([evalLoad, piiColumn]), { baseDir: '/w' }) as Loose;
    const suppressed = toSarif(onlySuppressed, { baseDir: '/w' }) as Loose;
    const strip = ({ suppressions: _, ...r }: Loose) => r;
    expect(suppressed.runs[0].results.map(strip)).toEqual(active.runs[0].results);
    expect(active.runs[0].results.some((r: Loose) => 'suppressions' in r)).toBe(false);
  });

  it('numbers equal findings across active and suppressed, so suppressing one renumbers nothing', () => {
    const fp = (input: ReportInput) =>
      sarifOf(input).runs[0].results.map((r: Loose) => [
        r.partialFingerprints[FINGERPRINT_KEY].split(':')[1],
        r.suppressions === undefined,
      ]);
    const twin = { ...evalLoad, line: 9 };
    expect(fp(withFindings([evalLoad, twin]))).toEqual([
      ['1', true],
      ['2', true],
    ]);
    // The first of the two is suppressed: the second keeps :2.
    expect(fp({ ...withFindings([twin]), suppressed: [{ finding: evalLoad, reason: 'r', expires: 'never' }] })).toEqual(
      [
        ['1', false],
        ['2', true],
      ],
    );
  });

  it('reports targets that failed as tool execution notifications', () => {
    const inv = sarifOf(SAMPLE_INPUT).runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(true);
    expect(inv.startTimeUtc).toBe('2026-01-02T03:04:05.000Z');
    expect(inv.endTimeUtc).toBe('2026-01-02T03:04:06.234Z');
    expect(inv.toolExecutionNotifications.map((n: Loose) => [n.level, n.descriptor.id])).toEqual([
      ['error', 'truncated'],
      ['warning', 'limit_exceeded'],
    ]);
  });

  it('reports a finding whose rule is missing from the catalogue instead of dropping it', () => {
    const f: Finding = { ruleId: 'zz/uncatalogued', severity: 'high', message: 'm', path: 'p', references: [] };
    const run = sarifOf(withFindings([f])).runs[0];
    expect(run.tool.driver.rules).toHaveLength(1);
    expect(run.tool.driver.rules[0]).toMatchObject({ id: 'zz/uncatalogued', defaultConfiguration: { level: 'error' } });
    expect(run.results[0].ruleIndex).toBe(0);
  });

  it('stays schema-valid for arbitrary findings, paths and targets (property)', () => {
    fc.assert(
      fc.property(arbitraryInput(), fc.constantFrom(undefined, '/abs/dir', 'C:\\w'), (input, baseDir) =>
        validate(sarifOf(input, baseDir)),
      ),
      { numRuns: 150 },
    );
  });
});
