import { describe, expect, it } from 'vitest';
import { evaluate } from '../../scripts/eval-data.js';

// The labelled corpus in test/fixtures/data (see its README); regenerating it must not change it.
describe('labelled data-leakage corpus', () => {
  it('every planted value is found and nothing else is masked (recall and FP per file)', async () => {
    const { perFile, tally } = await evaluate();
    for (const f of perFile) {
      expect(f.tp, f.file).toBe(f.labels);
      expect(f.fp, f.file).toBe(0);
    }
    for (const [id, t] of tally) if (t.labels > 0) expect(t.tp, id).toBe(t.labels);
  });
});
