import fc from 'fast-check';
import type { Finding } from '../../src/core/finding.js';
import { ref } from '../../src/core/rule.js';
import { SEVERITIES } from '../../src/core/severity.js';
import type { SuppressedFinding } from '../../src/core/suppressed.js';
import type { TargetResult } from '../../src/core/target.js';
import type { ReportInput } from '../../src/report/types.js';
import { SAMPLE_RULES } from './sample-report.js';

// Hostile-looking text: any code points, including controls, bidi overrides, backticks and pipes.
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '`',
    '``x``',
    '|',
    '<b>',
    '@here',
    '\u001b[2J',
    '\u202e',
    'a\nb',
    'C:\\x\\y.pt',
    '../up.pkl',
  ),
);
const path = fc.oneof(
  fc.constantFrom('models/a.pt', 'b c/d#e?.pkl', '/abs/dir/x.bin', 'https://example.com/m.bin', 'C:\\w\\m.pt'),
  text.filter((s) => s.length > 0),
);
const ruleId = fc.oneof(fc.constantFrom(...SAMPLE_RULES.map((r) => r.id)), fc.constantFrom('zz/uncatalogued'));
const refs = fc.subarray([
  ref.cwe(502),
  ref.atlas('AML.T0010.003'),
  ref.owaspLlm('LLM03:2025'),
  ref.url('https://x.example'),
]);

const finding: fc.Arbitrary<Finding> = fc.record(
  {
    ruleId,
    severity: fc.constantFrom(...SEVERITIES),
    message: text,
    path,
    member: text.filter((s) => s.length > 0),
    offset: fc.nat(),
    line: fc.integer({ min: 1, max: 1_000_000 }),
    evidence: text,
    references: refs,
    scanner: fc.constantFrom('pickle', 'zip', 'engine'),
  },
  { requiredKeys: ['ruleId', 'severity', 'message', 'path', 'references'] },
);

const target: fc.Arbitrary<TargetResult> = fc.record(
  {
    path,
    member: text.filter((s) => s.length > 0),
    format: fc.constantFrom('pickle', 'pytorch/zip', 'unknown'),
    status: fc.constantFrom('ok', 'partial', 'error', 'skipped'),
    error: fc.record({ code: fc.constantFrom('truncated', 'too_large', 'internal'), message: text }),
    sizeBytes: fc.nat(),
    bytesRead: fc.nat(),
    durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  },
  { requiredKeys: ['path', 'format', 'status', 'sizeBytes', 'bytesRead'] },
);

const suppressed: fc.Arbitrary<SuppressedFinding> = fc.record({
  finding,
  reason: text,
  expires: fc.constantFrom('never', '2026-06-30', '1999-01-01'),
});

export function arbitraryInput(): fc.Arbitrary<ReportInput> {
  return fc.record(
    {
      report: fc.record({
        targets: fc.array(target, { maxLength: 6 }),
        findings: fc.array(finding, { maxLength: 8 }),
        startedAt: fc.constant('2026-01-02T03:04:05.000Z'),
        durationMs: fc.nat({ max: 10_000_000 }),
      }),
      tool: fc.constant({ name: 'warden', version: '0.0.0-test' }),
      rules: fc.constant(SAMPLE_RULES),
      suppressed: fc.array(suppressed, { maxLength: 4 }),
    },
    { requiredKeys: ['report', 'tool', 'rules'] },
  );
}
