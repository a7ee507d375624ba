import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryInput } from '../../test/golden/arbitrary-report.js';
import { expectGolden } from '../../test/golden/golden.js';
import { EMPTY_INPUT, SAMPLE_INPUT } from '../../test/golden/sample-report.js';
import { reportSchema, reportValidator } from '../../test/golden/validators.js';
import { JSON_SCHEMA_VERSION, renderJson, toJsonReport } from './json.js';

const strict = reportValidator(true);
const published = reportValidator(false);

function expectValid(validate: typeof strict, data: unknown): void {
  const ok = validate(data);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual(ok ? [] : ['invalid']);
  expect(ok).toBe(true);
}

describe('JSON reporter', () => {
  it('matches the golden file', () => {
    expectGolden('report/report.json', renderJson(SAMPLE_INPUT));
  });

  it('validates against docs/report.schema.json, with no undocumented field', () => {
    for (const input of [SAMPLE_INPUT, EMPTY_INPUT]) {
      const data = JSON.parse(renderJson(input));
      expectValid(strict, data);
      expectValid(published, data);
    }
  });

  it('rejects a report with an undocumented field (the strict check can fail)', () => {
    const data = { ...toJsonReport(SAMPLE_INPUT), extra: 1 };
    expect(strict(data)).toBe(false);
    expect(published(data)).toBe(true);
  });

  it('rejects a suppressed finding without its reason (the schema check can fail)', () => {
    const data = toJsonReport(SAMPLE_INPUT);
    const [first, ...rest] = data.suppressed ?? [];
    const { reason: _, ...noReason } = first!;
    expect(published({ ...data, suppressed: [noReason, ...rest] })).toBe(false);
    expect(published({ ...data, suppressed: [{ ...first, expires: 'soon' }, ...rest] })).toBe(false);
  });

  it('is at schemaVersion 1.1.0 and carries the tool and command', () => {
    const r = toJsonReport(SAMPLE_INPUT);
    expect(JSON_SCHEMA_VERSION).toBe('1.1.0');
    expect(r.schemaVersion).toBe('1.1.0');
    expect(r.tool).toEqual({ name: 'warden', version: '0.0.0-test' });
    expect(r.command).toBe(SAMPLE_INPUT.command);
    expect(toJsonReport(EMPTY_INPUT)).not.toHaveProperty('command');
  });

  it('is byte-identical whatever order findings and targets arrive in', () => {
    const reversed = {
      ...SAMPLE_INPUT,
      report: {
        ...SAMPLE_INPUT.report,
        findings: [...SAMPLE_INPUT.report.findings].reverse(),
        targets: [...SAMPLE_INPUT.report.targets].reverse(),
      },
      suppressed: [...(SAMPLE_INPUT.suppressed ?? [])].reverse(),
    };
    expect(renderJson(reversed)).toBe(renderJson(SAMPLE_INPUT));
  });

  it('summarises by severity, rule and target status', () => {
    const { summary, rules } = toJsonReport(SAMPLE_INPUT);
    expect(summary.bySeverity).toEqual({ critical: 2, high: 2, medium: 3, low: 1, info: 0 });
    expect(summary.highestSeverity).toBe('critical');
    expect(summary.byRule['pickle/unsafe-global']).toBe(3);
    expect(summary.targets).toEqual({ total: 10, files: 7, members: 3, ok: 6, partial: 1, error: 1, skipped: 2 });
    expect(summary.bytesRead).toBe(78_256);
    // data/pii is only in `suppressed`: described in `rules`, never counted in the summary.
    expect(rules.map((r) => r.id)).toEqual([...Object.keys(summary.byRule), 'data/pii'].sort());
    expect(summary.findings).toBe(SAMPLE_INPUT.report.findings.length);
    expect(summary.byRule['code/torch-load-unsafe']).toBe(1);
    expect(toJsonReport(EMPTY_INPUT).summary.highestSeverity).toBeNull();
  });

  it('lists suppressed findings apart from findings, with reason and expiry, in report order', () => {
    const r = toJsonReport(SAMPLE_INPUT);
    expect(r.suppressed).toEqual([
      {
        ruleId: 'data/pii',
        severity: 'medium',
        path: 'data/users.csv',
        line: 2,
        message: 'Column "contact" holds email addresses (40 of 40 rows)',
        evidence: 'j***@example.com',
        references: [{ type: 'cwe', id: 'CWE-359', url: 'https://cwe.mitre.org/data/definitions/359.html' }],
        scanner: 'data',
        reason: 'data.pii_allowed_columns: contact',
        expires: 'never',
      },
      expect.objectContaining({ ruleId: 'code/torch-load-unsafe', path: 'src/eval.py', expires: '2026-06-30' }),
    ]);
    expect(r.findings.some((f) => f.path === 'src/eval.py' || f.path === 'data/users.csv')).toBe(false);
    expect(toJsonReport({ ...SAMPLE_INPUT, suppressed: [] })).not.toHaveProperty('suppressed');
    expect(toJsonReport(EMPTY_INPUT)).not.toHaveProperty('suppressed');
  });

  it('documents every field of the schema in docs/report-format.md', () => {
    const doc = readFileSync(join(process.cwd(), 'docs/report-format.md'), 'utf8');
    const names = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'properties') for (const name of Object.keys(v as object)) names.add(name);
          walk(v);
        }
      }
    };
    walk(reportSchema());
    const missing = [...names].filter((n) => !doc.includes(`\`${n}\``));
    expect(missing).toEqual([]);
    expect(doc).toContain(JSON_SCHEMA_VERSION);
  });

  it('stays valid for arbitrary findings and targets (property)', () => {
    fc.assert(
      fc.property(arbitraryInput(), (input) => strict(JSON.parse(renderJson(input)))),
      { numRuns: 150 },
    );
  });
});
