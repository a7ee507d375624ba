import { describe, expect, it } from 'vitest';
import { CSV_REGEXES } from '../formats/csv.js';
import { JSON_WALK_REGEXES } from '../formats/json-walk.js';
import { TOKEN_REGEXES } from '../poison/tokens.js';
import { ENTROPY_REGEXES } from './entropy.js';
import { DETECTORS, detect } from './index.js';
import { KEYED_REGEXES } from './keyed.js';
import { NUMERIC_REGEXES } from './pii-numeric.js';

/*
 * Catastrophic backtracking: every regular expression that sees untrusted text runs over 50k-char
 * adversarial inputs (long runs of each character class, and repeated near-matches of each
 * pattern's prefix) under a time bound. Linear patterns take a few milliseconds here.
 */
const N = 50_000;
const UNITS = [
  'a',
  'A',
  '0',
  ' ',
  '-',
  '.',
  '@',
  '/',
  '+',
  '_',
  '=',
  ':',
  '"',
  '\\n',
  '\n',
  'é',
  '😀',
  'a@',
  '1 ',
  '1-',
  '1.',
  'AKIA',
  'sk-',
  'sk-ant-',
  'hf_',
  'ghp_',
  'eyJ',
  'eyJa.',
  '://',
  '://a:',
  'a:b@',
  'password=',
  'password= ',
  'token: x',
  'Name: Ab ',
  'Mr. Ab ',
  '1 Ab ',
  'Street ',
  'xoxb-1-',
  'Q~',
  'AccountKey=',
  '-----BEGIN ',
  '-----BEGIN RSA PRIVATE KEY-----',
  'DE89 ',
  'AB 12 ',
  '4111 ',
  '+1 (',
  '(0',
  'AC',
  'SK0',
  'aws_secret_access_key ',
  'wandb ',
  '"type": "service_account"',
];
const INPUTS = UNITS.map((u) => u.repeat(Math.ceil(N / u.length)).slice(0, N));

const REGEXES: Array<[string, RegExp]> = [
  ...DETECTORS.flatMap((d) => d.patterns.map((p, i) => [`${d.id}#${i}`, p] as [string, RegExp])),
  ...NUMERIC_REGEXES.map((p, i) => [`numeric#${i}`, p] as [string, RegExp]),
  ...ENTROPY_REGEXES.map((p, i) => [`entropy#${i}`, p] as [string, RegExp]),
  ...KEYED_REGEXES.map((p, i) => [`keyed#${i}`, p] as [string, RegExp]),
  ...CSV_REGEXES.map((p, i) => [`csv#${i}`, p] as [string, RegExp]),
  ...JSON_WALK_REGEXES.map((p, i) => [`json-walk#${i}`, p] as [string, RegExp]),
  ...TOKEN_REGEXES.map((p, i) => [`poison-tokens#${i}`, p] as [string, RegExp]),
];

function runAll(re: RegExp, s: string): number {
  // Scan as a global search so a pattern is tried at every position, as the worst case.
  const g = new RegExp(re.source, `${re.flags.replace('y', '').replace('g', '')}g`);
  let n = 0;
  for (let m = g.exec(s); m; m = g.exec(s)) {
    n++;
    if (m[0].length === 0) g.lastIndex++;
  }
  return n;
}

describe('ReDoS: every exported regex on 50k-char adversarial input', () => {
  it('collects a regex for each detector that uses one', () => {
    expect(REGEXES.length).toBeGreaterThan(30);
  });
  for (const [name, re] of REGEXES) {
    it(`${name} /${re.source.slice(0, 40)}…/ stays linear`, () => {
      for (const s of INPUTS) {
        const t0 = performance.now();
        runAll(re, s);
        const dt = performance.now() - t0;
        expect(dt, `${JSON.stringify(s.slice(0, 12))}`).toBeLessThan(1500);
      }
    });
  }
  it('stays near-linear on 1 MB of densely repeated anchors (window-based detectors)', () => {
    for (const unit of [
      '-----BEGIN RSA PRIVATE KEY-----',
      '"type": "service_account" ',
      'AKIA',
      'wandb ',
      'Q~',
      'eyJ',
      'password=',
      '://a:b@',
    ]) {
      const s = unit.repeat(Math.ceil(1_000_000 / unit.length));
      const t0 = performance.now();
      detect(s, { minScore: 0 });
      expect(performance.now() - t0, unit).toBeLessThan(5000);
    }
  });
  it('the whole engine (detect) stays fast on every adversarial input', () => {
    for (const s of INPUTS) {
      const t0 = performance.now();
      detect(s, { minScore: 0 });
      expect(performance.now() - t0, JSON.stringify(s.slice(0, 12))).toBeLessThan(1500);
    }
  });
});
