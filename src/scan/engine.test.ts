import { describe, expect, it } from 'vitest';
import { MemorySource } from '../core/byte-source.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { findingOf, type Rule, ref } from '../core/rule.js';
import { scanSource } from './engine.js';
import type { FormatScanner, Member } from './types.js';

const RULE: Rule = {
  id: 'test/hit',
  title: 'test hit',
  severity: 'high',
  description: 'd',
  remediation: 'r',
  references: [ref.cwe(502)],
};
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** "BOX:<a>|<b>" holds members a and b; "HIT" is a finding; "THROW" throws; "BAD" is a parse error. */
const box: FormatScanner = {
  id: 'box',
  version: 1,
  description: 'test container',
  rules: [],
  sniff: ({ head }) => dec(head).startsWith('BOX:'),
  async scan(src) {
    const body = dec(await src.read(4, src.size));
    const members: Member[] = body
      .split('|')
      .map((part, i) => ({ name: `m${i}`, source: new MemorySource(enc(part)) }));
    return { findings: [], members };
  },
};
const leaf: FormatScanner = {
  id: 'leaf',
  version: 1,
  description: 'test leaf',
  rules: [RULE],
  sniff: ({ head }) => ['HIT', 'THROW', 'BAD', 'CLEAN'].some((w) => dec(head).startsWith(w)),
  async scan(src, ctx) {
    const text = dec(await src.read(0, 16));
    if (text === 'THROW') throw new Error('boom');
    if (text === 'BAD') return { findings: [], error: { code: 'truncated', message: 'ends early', offset: 3 } };
    if (text === 'HIT') {
      return {
        findings: [findingOf(RULE, { path: ctx.path, ...(ctx.member ? { member: ctx.member } : {}), message: 'hit' })],
      };
    }
    return { findings: [] };
  },
};
const scanners = [box, leaf];
const opts = (limits = DEFAULT_LIMITS) => ({ limits, scanners, signal: new AbortController().signal });
const at = { path: 'x.bin', name: 'x.bin', siblings: [] };

describe('scanSource', () => {
  it('recurses into members and names them with ! paths', async () => {
    const r = await scanSource(new MemorySource(enc('BOX:CLEAN|HIT')), at, opts());
    expect(r.findings.map((f) => f.member)).toEqual(['m1']);
    expect(r.targets.map((t) => [t.member ?? '', t.format, t.status])).toEqual([
      ['', 'box', 'ok'],
      ['m0', 'leaf', 'ok'],
      ['m1', 'leaf', 'ok'],
    ]);
  });

  it('skips content no scanner claims', async () => {
    const r = await scanSource(new MemorySource(enc('plain text')), at, opts());
    expect(r.targets[0]).toMatchObject({ format: 'unknown', status: 'skipped', error: { code: 'unknown_format' } });
    expect(r.findings).toEqual([]);
  });

  it('records a throwing scanner against its target and carries on', async () => {
    const r = await scanSource(new MemorySource(enc('BOX:THROW|HIT')), at, opts());
    expect(r.targets.find((t) => t.member === 'm0')).toMatchObject({ status: 'error', error: { code: 'internal' } });
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(['scan/internal-error', 'test/hit']);
  });

  it('turns a parse error without findings into a scan/parse-error finding', async () => {
    const r = await scanSource(new MemorySource(enc('BAD')), at, opts());
    expect(r.targets[0]).toMatchObject({ status: 'error', error: { code: 'truncated' } });
    expect(r.findings).toMatchObject([{ ruleId: 'scan/parse-error', offset: 3 }]);
  });

  it('stops at the nesting limit with a finding', async () => {
    // BOX:BOX:BOX:HIT nests three containers deep.
    const r = await scanSource(
      new MemorySource(enc('BOX:BOX:BOX:HIT')),
      at,
      opts({ ...DEFAULT_LIMITS, maxNesting: 2 }),
    );
    expect(r.findings.map((f) => f.ruleId)).toEqual(['scan/limit-exceeded']);
    expect(r.findings[0]?.member).toBe('m0!m0!m0');
  });

  it('stops at the member cap with a finding', async () => {
    const many = `BOX:${Array.from({ length: 50 }, () => 'CLEAN').join('|')}`;
    const r = await scanSource(new MemorySource(enc(many)), at, opts({ ...DEFAULT_LIMITS, maxMembers: 10 }));
    expect(r.targets.length).toBe(11);
    expect(r.findings.map((f) => f.ruleId)).toEqual(['scan/limit-exceeded']);
  });

  it('honours a format hint from the container over sniffing', async () => {
    const hinted: FormatScanner = {
      ...box,
      async scan() {
        return { findings: [], members: [{ name: 'data.pkl', source: new MemorySource(enc('HIT')), format: 'leaf' }] };
      },
    };
    const r = await scanSource(new MemorySource(enc('BOX:')), at, { ...opts(), scanners: [hinted, leaf] });
    expect(r.targets[1]).toMatchObject({ member: 'data.pkl', format: 'leaf' });
  });

  it('counts the bytes each target read', async () => {
    const r = await scanSource(new MemorySource(enc('BOX:HIT|CLEAN')), at, opts());
    expect(r.targets[0]?.bytesRead).toBeGreaterThan(0);
    expect(r.targets.every((t) => t.bytesRead <= t.sizeBytes + 4096)).toBe(true);
  });
});

describe('scanSource with a scanner that lets a ParseFailure escape', () => {
  it('reports it by its error code, not as an internal error', async () => {
    const { ParseFailure } = await import('../core/result.js');
    const leaky: FormatScanner = {
      ...leaf,
      id: 'leaky',
      sniff: () => true,
      async scan() {
        throw new ParseFailure({ code: 'io_error', message: 'connection reset', offset: 10 });
      },
    };
    const r = await scanSource(new MemorySource(enc('x')), at, { ...opts(), scanners: [leaky] });
    expect(r.targets[0]).toMatchObject({ status: 'error', error: { code: 'io_error' } });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['scan/parse-error']);
  });
});
