import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../core/byte-source.js';
import { textBlocks } from '../stream/blocks.js';
import { collectAnchors, runAutomaton } from './aho.js';
import { detectorSet } from './index.js';
import { newNumericRuns, numericRuns } from './numeric-scan.js';
import { NUMERIC_CANDIDATE } from './pii-numeric.js';

/*
 * The hand-written fast passes against their plain definitions: the numeric candidate scanner
 * against the NUMERIC_CANDIDATE regex, the two-stream anchor walk against the one-stream one,
 * and line-aligned blocks against the input.
 */

function regexRuns(text: string): string[] {
  const out: string[] = [];
  NUMERIC_CANDIDATE.lastIndex = 0;
  for (let m = NUMERIC_CANDIDATE.exec(text); m; m = NUMERIC_CANDIDATE.exec(text)) {
    const digits = m[0].replace(/\D/g, '').length;
    out.push(`${m.index}-${m.index + m[0].length}:${digits}`);
  }
  return out;
}

function handRuns(text: string, skip?: { starts: Int32Array; ends: Int32Array; n: number }): string[] {
  const runs = newNumericRuns(2);
  numericRuns(text, runs, 0, 0, skip);
  const out: string[] = [];
  for (let j = 0; j < runs.n; j++) out.push(`${runs.starts[j]}-${runs.ends[j]}:${runs.digits[j]}`);
  return out;
}

const numericText = fc
  .array(fc.constantFrom(...'0123456789 .()/-+a,\n'.split(''), '(555) 123-4567', '+44 20 7946 0958', '1'.repeat(70)), {
    maxLength: 120,
  })
  .map((parts) => parts.join(''));

describe('numeric candidate pass', () => {
  it('finds exactly the matches of NUMERIC_CANDIDATE, with their digit counts', () => {
    fc.assert(
      fc.property(numericText, (text) => {
        expect(handRuns(text)).toEqual(regexRuns(text));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps only runs with enough digits (or a dot and fewer), as the engine asks', () => {
    const runs = newNumericRuns();
    numericRuns('id 12345, amount 123.45, phone 020 7946 0958, year 2024', runs, 6, 4);
    const found = Array.from({ length: runs.n }, (_, j) => runs.digits[j]);
    expect(found).toEqual([5, 11]);
  });

  it('skipped cells yield no candidates; the other cells yield what the regex finds with those cells blanked', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            numericText.map((t) => t.replace(/,/g, ' ')),
            fc.boolean(),
          ),
          { maxLength: 12 },
        ),
        (cells) => {
          const starts: number[] = [];
          const ends: number[] = [];
          let text = '';
          let blanked = '';
          for (const [cell, skipped] of cells) {
            if (text) {
              text += ',';
              blanked += ',';
            }
            if (skipped && cell.length > 0) {
              starts.push(text.length);
              ends.push(text.length + cell.length);
            }
            text += cell;
            blanked += skipped ? 'x'.repeat(cell.length) : cell;
          }
          const skip = { starts: Int32Array.from(starts), ends: Int32Array.from(ends), n: starts.length };
          expect(handRuns(text, skip)).toEqual(regexRuns(blanked));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('anchor automaton', () => {
  const set = detectorSet();
  const automaton = set.automaton!;
  const anchored = (text: string) => {
    const hits: string[] = [];
    runAutomaton(automaton, text, (w, s) => hits.push(`${w}@${s}`));
    return hits.sort();
  };
  const collected = (text: string) => {
    const { pairs, n } = collectAnchors(automaton, text);
    const hits: string[] = [];
    for (let j = 0; j < n; j += 2) {
      for (const w of automaton.out[pairs[j]!]!) hits.push(`${w}@${pairs[j + 1]! - automaton.lengths[w]! + 1}`);
    }
    return hits.sort();
  };
  const pieces = [
    'sk-ant-',
    'sk-',
    'AKIA',
    'password',
    'aws_secret_access_key',
    'hooks.slack.com/',
    '@',
    'é',
    'x',
    ' ',
  ];

  it('walking both halves at once finds what one walk finds, at any length and cut', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 0, maxLength: 2000 }), fc.nat(40), (parts, pad) => {
        const text = 'y'.repeat(pad) + parts.join('');
        expect(collected(text)).toEqual(anchored(text));
      }),
      { numRuns: 60 },
    );
  });

  it('an anchor across the middle of a long text is found once', () => {
    for (const len of [4096, 4097, 10_001, 300_001]) {
      const mid = len >> 1;
      for (const shift of [-21, -5, -1, 0, 1]) {
        const at = mid + shift;
        const text = `${'q'.repeat(at)}aws_secret_access_key${'q'.repeat(Math.max(0, len - at - 21))}`;
        expect(collected(text)).toEqual(anchored(text));
      }
    }
  });
});

describe('line-aligned blocks', () => {
  it('end at a newline, cover the input exactly, and carry byte offsets across multi-byte text', async () => {
    const line = (i: number) => `${i},Zoë Müller,zoë@example.org,${'é'.repeat(i % 7)}😀\n`;
    const text = Array.from({ length: 400 }, (_, i) => line(i)).join('');
    const bytes = new TextEncoder().encode(text);
    for (const size of [7, 100, 1000, 1 << 16]) {
      let joined = '';
      let byteAt = 0;
      for await (const b of textBlocks(new MemorySource(bytes), size, undefined, true)) {
        expect(b.byteStart).toBe(byteAt);
        if (!b.last && b.text.includes('\n')) expect(b.text.endsWith('\n')).toBe(true);
        joined += b.text;
        byteAt += b.byteLength;
      }
      expect(joined).toBe(text);
      expect(byteAt).toBe(bytes.length);
    }
  });
});
