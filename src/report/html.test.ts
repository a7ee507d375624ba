import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import { findingOf } from '../core/rule.js';
import type { ScanReport } from '../core/target.js';
import { allRules, ruleById } from '../rules/catalog.js';
import { renderHtml } from './html.js';
import { REPORT_FORMATS, renderReport } from './index.js';
import { REPO_URL } from './links.js';

const tool = { name: 'warden', version: '0.0.0-test' };

function report(findings: Finding[], extra: Partial<ScanReport> = {}): ScanReport {
  return {
    targets: findings.map((f) => ({ path: f.path, format: 'pickle', status: 'ok', sizeBytes: 10, bytesRead: 10 })),
    findings,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 12,
    ...extra,
  };
}

const hostile = (message: string, path = 'models/x.pkl', evidence?: string): Finding =>
  findingOf(ruleById('pickle/dangerous-global')!, {
    path,
    member: 'data.pkl',
    offset: 3,
    message,
    ...(evidence === undefined ? {} : { evidence }),
  });

describe('HTML report', () => {
  it('is registered as a report format', () => {
    expect(REPORT_FORMATS).toContain('html');
    const html = renderReport('html', { report: report([]), tool, rules: allRules() });
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('escapes everything taken from scanned files (XSS through a file name, message or evidence)', () => {
    const f = hostile(
      '</script><script>alert(1)</script>',
      'models/"><img src=x onerror=alert(2)>.pkl',
      "<svg onload=fetch('http://198.51.100.7/x')>",
    );
    const html = renderHtml({ report: report([f]), tool, rules: allRules(), command: 'warden audit <b>x</b>' });
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<img|<svg onload|<b>x/);
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('models/&quot;&gt;&lt;img src=x onerror=alert(2)&gt;.pkl');
  });

  it('shows control and bidi characters as escapes ("Trojan Source" names)', () => {
    const html = renderHtml({ report: report([hostile('evil\u202etxt.exe\u0007')]), tool, rules: allRules() });
    expect(html).not.toMatch(/[\u202e\u0007]/);
    expect(html).toContain('evil\\u{202e}txt.exe\\u{7}');
  });

  it('loads nothing: a CSP forbids fetches, no external stylesheet, script, image or font; links only to rule pages', () => {
    const html = renderHtml({ report: report([hostile('m')]), tool, rules: allRules() });
    expect(html).toContain(`content="default-src 'none';`);
    expect(html).not.toMatch(/<link\b|<iframe|<img|@import|url\(/i);
    expect(html).not.toMatch(/\ssrc=/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.filter((h) => !h?.startsWith(`${REPO_URL}/blob/`))).toEqual([]);
  });

  it('leads with posture, top risks with remediation, charts per severity, area and framework', () => {
    const html = renderHtml({ report: report([hostile('os.system called')]), tool, rules: allRules() });
    expect(html).toContain('posture 49/100 (grade D)');
    for (const id of ['summary', 'risks', 'charts', 'frameworks', 'files'])
      expect(html).toContain(`<section id="${id}">`);
    expect(html.match(/<svg class="chart"/g)?.length).toBe(5);
    expect(html).toContain('OWASP Top 10 for LLM Applications (2025)');
    expect(html).toContain('Remediation:</strong> Do not load models/x.pkl');
  });

  it('renders an empty report', () => {
    const html = renderHtml({ report: report([]), tool, rules: allRules() });
    expect(html).toContain('posture 100/100 (grade A)');
    expect(html).toContain('No findings.');
  });

  it('never lets text from a finding add markup (property: the number of tags other than inert <code> spans equals the baseline)', () => {
    const base = (s: string) => renderHtml({ report: report([hostile(s, `p/${s}`, s)]), tool, rules: allRules() });
    // Backticks in a path may split the `code` spans of a remediation differently; nothing else may change.
    const lt = (s: string) => s.replace(/<\/?code>/g, '').split('<').length;
    const baseline = lt(base('x'));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), (s) => {
        expect(lt(base(s))).toBe(baseline);
      }),
      { numRuns: 60 },
    );
  });
});
