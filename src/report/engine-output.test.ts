import { describe, expect, it } from 'vitest';
import { SAMPLE_RULES } from '../../test/golden/sample-report.js';
import { reportValidator, sarifValidator } from '../../test/golden/validators.js';
import { MemorySource } from '../core/byte-source.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { findingOf } from '../core/rule.js';
import type { ScanReport } from '../core/target.js';
import { allRules } from '../rules/catalog.js';
import { scanSource } from '../scan/engine.js';
import type { FormatScanner } from '../scan/types.js';
import { REPORT_FORMATS, renderReport } from './index.js';

const unsafe = SAMPLE_RULES[0]!;
const enc = (s: string) => new TextEncoder().encode(s);

// A toy container ("BOX:" + members separated by ';') and a toy payload format ("EVIL"), so the
// real engine produces nested targets, member findings and a parse error for the reporters.
const box: FormatScanner = {
  id: 'box',
  version: 1,
  description: 'test container',
  rules: [],
  sniff: ({ head }) => new TextDecoder().decode(head.subarray(0, 4)) === 'BOX:',
  async scan(src) {
    const text = new TextDecoder().decode(await src.read(0, src.size));
    const members = text
      .slice(4)
      .split(';')
      .map((body, i) => ({ name: `m${i}.bin`, source: new MemorySource(enc(body)) }));
    return { findings: [], members };
  },
};
const evil: FormatScanner = {
  id: 'evil',
  version: 1,
  description: 'test payload',
  rules: [unsafe],
  sniff: ({ head }) => new TextDecoder().decode(head.subarray(0, 4)) === 'EVIL',
  async scan(src, ctx) {
    const at = { path: ctx.path, ...(ctx.member === undefined ? {} : { member: ctx.member }) };
    const f = findingOf(unsafe, { ...at, offset: 4, message: 'calls os.system', evidence: 'os.system' });
    if (src.size > 8) return { findings: [f], error: { code: 'truncated', message: 'ends early', offset: 8 } };
    return { findings: [f] };
  },
};

describe('reporters on real engine output', () => {
  it('render valid JSON and SARIF for nested members, partial scans and unknown content', async () => {
    const scan = await scanSource(
      new MemorySource(enc('BOX:EVIL;EVIL-and-more;plain text;BOX:EVIL')),
      { path: 'models/bundle.box', name: 'bundle.box', siblings: [] },
      { limits: DEFAULT_LIMITS, scanners: [box, evil], signal: new AbortController().signal },
    );
    const report: ScanReport = {
      targets: scan.targets,
      findings: scan.findings,
      startedAt: '2026-01-02T03:04:05.000Z',
      durationMs: 5,
    };
    expect(report.targets.map((t) => t.member ?? '')).toContain('m3.bin!m0.bin');
    const input = { report, tool: { name: 'warden', version: '0.0.0-test' }, rules: [...allRules(), unsafe] };

    const json = JSON.parse(renderReport('json', input));
    const validJson = reportValidator(true);
    expect(validJson(json), JSON.stringify(validJson.errors)).toBe(true);
    expect(json.summary.targets).toMatchObject({ files: 1, partial: 1, skipped: 1 });

    const validSarif = sarifValidator();
    const sarif = JSON.parse(renderReport('sarif', input, { baseDir: '/repo' }));
    expect(validSarif(sarif), JSON.stringify(validSarif.errors)).toBe(true);
    const members = sarif.runs[0].results.map(
      (r: { locations: { logicalLocations?: { fullyQualifiedName: string }[] }[] }) =>
        r.locations[0]?.logicalLocations?.[0]?.fullyQualifiedName,
    );
    expect(members).toEqual(['m0.bin', 'm1.bin', 'm3.bin!m0.bin']);

    for (const format of REPORT_FORMATS) expect(renderReport(format, input).length).toBeGreaterThan(0);
  });
});
