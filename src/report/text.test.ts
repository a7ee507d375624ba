import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../test/golden/golden.js';
import { EMPTY_INPUT, SAMPLE_INPUT } from '../../test/golden/sample-report.js';
import { findingOf } from '../core/rule.js';
import { ENGINE_RULES } from '../scan/engine-rules.js';
import { renderText } from './text.js';

const ESC = '\u001b';

describe('text reporter', () => {
  it('matches the golden file without colour', () => {
    expectGolden('report/text.txt', renderText(SAMPLE_INPUT, { color: false }));
  });

  it('matches the golden file with colour', () => {
    expectGolden('report/text-color.txt', renderText(SAMPLE_INPUT, { color: true }));
  });

  it('emits no escape sequence unless colour is asked for', () => {
    expect(renderText(SAMPLE_INPUT)).not.toContain(ESC);
    expect(renderText(SAMPLE_INPUT, { color: true })).toContain(`${ESC}[`);
  });

  it('groups findings by file, then member, in a stable order', () => {
    const out = renderText(SAMPLE_INPUT);
    const order = ['bundle.tar', '└─ inner.zip!data.pkl', 'models/broken.pt', 'models/evil.pkl', 'models/model.pt'];
    const positions = order.map((s) => out.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // Two findings in evil.pkl: offset 42 before offset 120 although given the other way round.
    expect(out.indexOf('offset 0x2a (42)')).toBeLessThan(out.indexOf('offset 0x78 (120)'));
  });

  it('lists targets with errors or partial scans with their code and message', () => {
    const out = renderText(SAMPLE_INPUT);
    expect(out).toContain('error     models/broken.pt  (pytorch/zip)  truncated: central directory ends past');
    expect(out).toContain('partial   models/model.pt  (pytorch/zip)  limit_exceeded: more than 4 members');
    expect(out).not.toMatch(/skipped\s+notes\/readme\.txt/);
  });

  it('ends with counts by severity, targets by status and bytes read', () => {
    const lines = renderText(SAMPLE_INPUT).trimEnd().split('\n');
    expect(lines.at(-2)).toBe('8 findings: 2 critical, 2 high, 3 medium, 1 low, 0 info');
    expect(lines.at(-1)).toBe(
      'Scanned 7 files and 3 archive members: 6 ok, 1 partial, 1 with errors, 2 skipped · read 76.4 KiB of 12.4 GiB in 1.23 s',
    );
  });

  it('says so when there are no findings', () => {
    const out = renderText(EMPTY_INPUT);
    expect(out).toContain('No findings.');
    expect(out).toContain('0 findings: 0 critical');
  });

  it('neutralises terminal escapes and bidi overrides in names and messages (terminal injection)', () => {
    const hostile = `evil\u001b]0;pwned\u0007\u001b[2J\u202Egnp.pkl`;
    const input = {
      ...EMPTY_INPUT,
      report: {
        ...EMPTY_INPUT.report,
        findings: [
          findingOf(ENGINE_RULES['scan/parse-error'], {
            path: hostile,
            member: 'a\rb',
            message: `bad \u001b[31mred\u001b[0m\nsecond line`,
            evidence: '\u009b31m',
          }),
        ],
      },
    };
    for (const color of [false, true]) {
      const out = renderText(input, { color });
      const stripped = out.replace(/\u001b\[[0-9;]*m/g, '');
      expect(stripped).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(stripped).toContain('evil\\x1b]0;pwned\\x07\\x1b[2J\\u{202e}gnp.pkl');
      expect(stripped).toContain('bad \\x1b[31mred\\x1b[0m\\x0asecond line');
    }
  });
});
