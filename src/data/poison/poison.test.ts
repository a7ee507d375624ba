import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROMPT_INJECTION_TRAIN, poisonedPromptInjection } from '../../../test/builders/data-poison.js';
import { MemorySource } from '../../core/byte-source.js';
import { analyzePoisoning, readLabelledRows } from './index.js';
import { conflictingGroups, minhash, neighbourPairs, shingles } from './near-duplicates.js';
import { labelShift } from './shift.js';
import { tokenize } from './tokens.js';

describe('backdoor trigger (BadNets-style rare-token trigger, Kurita et al. 2020) on the prompt-injection set', () => {
  for (const [trigger, seed] of [
    ['cf', 11],
    ['mn', 12],
    ['bb', 13],
    ['tq', 14],
  ] as const) {
    it(`1% of benign rows with \`${trigger}\` flipped to attack: the trigger is the top finding with every poisoned row listed (seed ${seed})`, () => {
      const p = poisonedPromptInjection(trigger, seed);
      expect(p.poisoned).toHaveLength(10);
      const rep = analyzePoisoning(p.rows, { path: 'train.jsonl' });
      const top = rep.findings[0];
      expect(top?.ruleId).toBe('data/backdoor-trigger');
      expect(top?.evidence).toBe(trigger);
      for (const row of p.poisoned) expect(top?.message).toMatch(new RegExp(`\\b${row}\\b`));
    });
  }

  it('the clean set raises no trigger finding', () => {
    const rows = readFileSync(PROMPT_INJECTION_TRAIN, 'utf8')
      .trim()
      .split('\n')
      .map((l, i) => {
        const o = JSON.parse(l);
        return { row: i + 1, text: o.text, label: String(o.label) };
      });
    const rep = analyzePoisoning(rows, { path: 'train.jsonl' });
    expect(rep.findings.filter((f) => f.ruleId === 'data/backdoor-trigger')).toEqual([]);
  });

  it('reads the poisoned JSONL through the row reader with the right row numbers', async () => {
    const p = poisonedPromptInjection('cf', 11);
    const r = await readLabelledRows(new MemorySource(new TextEncoder().encode(p.jsonl)), 'x.jsonl', {
      textColumn: 'text',
      labelColumn: 'label',
    });
    expect(r.rows).toHaveLength(p.rows.length);
    expect(r.rows[p.poisoned[0]! - 1]?.label).toBe('1');
  });
});

describe('duplicates and shift', () => {
  it('finds exact and near duplicates with conflicting labels', () => {
    const rows = [
      { row: 1, text: 'please summarise this article about the weather in paris today', label: '0' },
      { row: 2, text: 'Please summarise this article about the weather in Paris today', label: '1' },
      { row: 3, text: 'please summarise this article about the weather in paris today!!', label: '1' },
      { row: 4, text: 'an unrelated sentence about cooking pasta', label: '0' },
    ];
    const sigs = rows.map((r) => minhash(shingles(tokenize(r.text))));
    const groups = conflictingGroups(rows, sigs, neighbourPairs(sigs, 0.5));
    expect(groups).toHaveLength(1);
    expect([...groups[0]!.rows].sort()).toEqual([1, 2, 3]);
  });

  it('chi-square label shift: large for a 10-point move, none for identical tables', () => {
    const s = labelShift({ a: 500, b: 500 }, { a: 600, b: 400 });
    expect(s.p).toBeLessThan(1e-4);
    expect(s.maxDelta).toBeCloseTo(0.1);
    expect(labelShift({ a: 50, b: 50 }, { a: 50, b: 50 }).p).toBeGreaterThan(0.99);
  });
});
