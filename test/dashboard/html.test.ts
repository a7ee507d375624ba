import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHART_SCRIPT } from '../../src/dashboard/charts.js';
import { escapeHtml, h, jsonForScript, Safe, show } from '../../src/dashboard/html.js';
import { safeNext } from '../../src/dashboard/routes.js';

describe('escaping template', () => {
  it('escapes interpolated text, keeps nested templates, flattens arrays', () => {
    const name = `"><script>alert('x')</script>`;
    const out = h`<a title="${name}">${[h`<b>${name}</b>`, 1, null, undefined, false]}</a>`.value;
    expect(out).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"><b>&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</b>1</a>',
    );
  });

  it('never lets markup characters through (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeHtml(s);
        expect(out).not.toMatch(/[<>"'`]/);
        expect(out.replace(/&(amp|lt|gt|quot|#39|#96);/g, '')).not.toContain('&');
      }),
      { numRuns: 300 },
    );
  });

  it('embeds JSON that cannot close its script element and parses back unchanged (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (v, s) => {
        const value = { v, s: `${s}</script><!--\u2028` };
        const text = jsonForScript(value).value;
        expect(text).not.toMatch(/[<>&\u2028\u2029]/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('shows dates, nulls and objects as text', () => {
    expect(show(null)).toBe('–');
    expect(show(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02 03:04Z');
    expect(show({ a: 1 })).toBe('{"a":1}');
    expect(new Safe('<b>').toString()).toBe('<b>');
  });

  it('the chart script contains nothing that ends its script element early', () => {
    expect(CHART_SCRIPT).not.toMatch(/<\/|<!--/);
    expect(CHART_SCRIPT).not.toMatch(/innerHTML|eval\(|new Function|setAttribute\('style'/);
  });
});

describe('post-login redirect target', () => {
  it.each([
    ['/ui/findings?state=open', '/ui/findings?state=open'],
    ['//evil.example', '/ui/'],
    ['https://evil.example/ui/', '/ui/'],
    ['/ui/\\\\evil.example', '/ui/'],
    ['/ui/\nSet-Cookie: x', '/ui/'],
    ['/v1/whoami', '/ui/'],
    [undefined, '/ui/'],
  ])('%j → %s', (next, want) => {
    expect(safeNext(next)).toBe(want);
  });
});
