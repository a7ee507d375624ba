// Reporter throughput on a large synthetic report (not a test): npx tsx test/golden/bench-reporters.ts [N]
import { findingOf } from '../../src/core/rule.js';
import { REPORT_FORMATS, renderReport } from '../../src/report/index.js';
import { SAMPLE_RULES } from './sample-report.js';

const n = Number(process.argv[2] ?? 100_000);
const findings = Array.from({ length: n }, (_, i) =>
  findingOf(SAMPLE_RULES[i % SAMPLE_RULES.length]!, {
    path: `m/${i % 1000}.pkl`,
    ...(i % 3 ? { member: `archive/${i}.pkl` } : {}),
    offset: i,
    message: `finding ${i}`,
    evidence: `os.system${i % 7}`,
  }),
);
const targets = Array.from({ length: 1000 }, (_, i) => ({
  path: `m/${i}.pkl`,
  format: 'pickle',
  status: 'ok' as const,
  sizeBytes: 1000,
  bytesRead: 100,
}));
const input = {
  report: { targets, findings, startedAt: '2026-01-02T03:04:05.000Z', durationMs: 1 },
  tool: { name: 'warden', version: 'bench' },
  rules: SAMPLE_RULES,
};
for (const format of REPORT_FORMATS) {
  const t = performance.now();
  const out = renderReport(format, input, { baseDir: '/repo' });
  console.log(
    `${format.padEnd(8)} ${(performance.now() - t).toFixed(0).padStart(6)} ms  ${(out.length / 1e6).toFixed(1)} MB`,
  );
}
console.log(`findings ${n}, peak rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
