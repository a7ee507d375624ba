import { describe, expect, it } from 'vitest';
import { EXFIL_PATTERNS } from '../../src/guard/exfil.js';
import { HEURISTIC_RULES } from '../../src/guard/heuristics.js';
import { DECODE_PATTERNS } from '../../src/guard/normalize/decode.js';

/*
 * Catastrophic backtracking: every regular expression the guard runs on untrusted text is run over
 * 30k-character adversarial inputs — long runs of each character class, and repeated near-matches of
 * the words the patterns key on — under a time bound. Linear patterns take a few milliseconds.
 */
const N = 30_000;
const UNITS = [
  'a',
  ' ',
  'a ',
  '0',
  'A',
  '=',
  '%4',
  '%41',
  '\\x4',
  '0x41 ',
  'ab ',
  '#',
  '<|',
  '[',
  '![a](',
  '](http://a/',
  'ignore ',
  'ignore all ',
  'ignore previous ',
  'forget everything ',
  'you are ',
  'reveal your ',
  'repeat ',
  'send to ',
  'no ',
  'hypothetically ai ',
  'call tool ',
  '"name": "',
  'in your ',
  'zeige ',
  'ignora ',
  'é',
  '😀',
  '\n',
  'rot13 ',
];

function inputs(): string[] {
  const out: string[] = [];
  for (const u of UNITS) {
    const run = u.repeat(Math.ceil(N / u.length)).slice(0, N);
    out.push(run, `${run}!`, `${run}\u0000`);
  }
  return out;
}

const PATTERNS: Array<[string, RegExp]> = [
  ...HEURISTIC_RULES.map((r) => [`heuristic ${r.id}`, r.pattern] as [string, RegExp]),
  ...DECODE_PATTERNS.map((p, i) => [`decode #${i}`, p] as [string, RegExp]),
  ...EXFIL_PATTERNS.map((p, i) => [`exfil #${i}`, p] as [string, RegExp]),
];

describe('ReDoS: every guard regex is linear on adversarial input', () => {
  const texts = inputs();
  it.each(PATTERNS)('%s', (_name, pattern) => {
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    for (const t of texts) {
      const t0 = performance.now();
      re.lastIndex = 0;
      let count = 0;
      for (let m = re.exec(t); m !== null && count < 100_000; m = re.exec(t)) {
        if (m[0].length === 0) re.lastIndex++;
        count++;
      }
      const ms = performance.now() - t0;
      expect(ms, `${pattern.source.slice(0, 60)} on ${JSON.stringify(t.slice(0, 12))}…`).toBeLessThan(250);
    }
  });
});
