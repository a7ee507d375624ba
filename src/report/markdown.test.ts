import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryInput } from '../../test/golden/arbitrary-report.js';
import { expectGolden } from '../../test/golden/golden.js';
import { EMPTY_INPUT, SAMPLE_INPUT, SAMPLE_RULES } from '../../test/golden/sample-report.js';
import { findingOf } from '../core/rule.js';
import { renderMarkdown } from './markdown.js';
import { mdCode, mdText } from './markdown-escape.js';
import type { ReportInput } from './types.js';

function many(n: number): ReportInput {
  const findings = Array.from({ length: n }, (_, i) =>
    findingOf(SAMPLE_RULES[i % 3]!, { path: `m/${String(i).padStart(3, '0')}.pkl`, message: `finding ${i}` }),
  );
  return { ...EMPTY_INPUT, report: { ...EMPTY_INPUT.report, findings } };
}

describe('Markdown reporter', () => {
  it('matches the golden file', () => {
    expectGolden('report/summary.md.golden', renderMarkdown(SAMPLE_INPUT));
  });

  it('says there are no findings when there are none, without empty sections', () => {
    const md = renderMarkdown(EMPTY_INPUT);
    expect(md).toContain('### warden scan: no findings');
    expect(md).not.toContain('Top findings');
    expect(md).not.toContain('<details>');
  });

  it('lists the most severe findings first and caps the table', () => {
    const md = renderMarkdown(many(30), { maxTop: 5 });
    const top = md.slice(md.indexOf('#### Top findings'), md.indexOf('<details>'));
    const rows = top.split('\n').filter((l) => l.startsWith('| **'));
    expect(rows).toHaveLength(5);
    // SAMPLE_RULES[0] is critical, [2] high, [1] medium: 10 critical findings come first.
    expect(rows.every((r) => r.startsWith('| **Critical**'))).toBe(true);
    expect(top).toContain('_Showing 5 of 30 findings, most severe first._');
  });

  it('caps the collapsible details and says how many were left out', () => {
    const md = renderMarkdown(many(30), { maxDetails: 10 });
    expect(md).toContain('<summary>All findings (30)</summary>');
    expect(md).toContain('_20 more findings not shown; see the JSON or SARIF report._');
    expect(md.match(/^- \*\*/gm)).toHaveLength(10);
  });

  it('stays under GitHub comment size with the default caps', () => {
    expect(renderMarkdown(many(5000)).length).toBeLessThan(65_536);
  });

  it('renders hostile file text inert: no HTML, links, mentions or broken tables', () => {
    const md = renderMarkdown(SAMPLE_INPUT);
    expect(md).not.toMatch(/(?<!\\)<img/);
    expect(md).toContain('\\<img');
    expect(md).not.toContain('@security-team');
    expect(md).not.toMatch(/(?<!\\)\]\(http:\/\/x\.example\)/);
    expect(md).toContain('\\[click\\](http://x.example)');
    const row = md.split('\n').find((l) => l.includes('subprocess'));
    // The message's `|` is escaped, so the row keeps its four cells.
    expect(row?.split(/(?<!\\)\|/).length).toBe(6);
  });

  it('mdCode fences code spans longer than any backtick run inside, and mdText escapes markup', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('a|b', true)).toBe('`a\\|b`');
    expect(mdText('*x* <b> [l](u) @me &#64;')).toBe('\\*x\\* \\<b\\> \\[l\\](u) @\u200bme \\&#64;');
    expect(mdText('\u001b[2J')).toBe('\\\\x1b\\[2J');
  });

  it('never emits raw control characters, whatever the input (property)', () => {
    fc.assert(
      fc.property(arbitraryInput(), (input) => {
        const md = renderMarkdown(input);
        return !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(md);
      }),
      { numRuns: 150 },
    );
  });
});
