import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readModelCard, splitFrontMatter } from '../../../src/supply/bom/model-card.js';

describe('model card', () => {
  it('splits front matter from the body and tolerates a card without one', () => {
    expect(splitFrontMatter('---\nlicense: mit\n---\n# Title\n')).toEqual({ yaml: 'license: mit', body: '# Title\n' });
    expect(splitFrontMatter('# Just prose\n')).toEqual({ body: '# Just prose\n' });
    expect(splitFrontMatter('---\nnever closed\n').yaml).toBeUndefined();
  });

  it('rejects a YAML alias bomb instead of expanding it', () => {
    const bomb = [
      '---',
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
      'license: mit',
      '---',
      '',
    ].join('\n');
    const t0 = Date.now();
    const facts = readModelCard(bomb);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(facts.licenses).toEqual([]);
    expect(facts.notes.join(' ')).toMatch(/front matter rejected/);
  });

  it('reports invalid YAML as a note and still reads the prose', () => {
    const f = readModelCard('---\nlicense: [unclosed\n---\n## Limitations\nSmall.\n');
    expect(f.notes[0]).toMatch(/not valid YAML/);
    expect(f.technicalLimitations).toEqual(['Limitations: Small.']);
  });

  it('never throws on arbitrary cards', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        readModelCard(`---\n${s}\n---\n${s}`);
        readModelCard(s);
      }),
      { numRuns: 200 },
    );
  });

  it('ReDoS: hostile card text parses in linear time', () => {
    const evil = [
      `---\n${'a: b\n'.repeat(5_000)}---\n`,
      `## Limitations\n${'<!--'.repeat(100_000)}`,
      `${'#'.repeat(100_000)} x`,
      `---${'\n'.repeat(50_000)}`,
    ];
    for (const text of evil) {
      const t0 = Date.now();
      readModelCard(text);
      expect(Date.now() - t0, text.slice(0, 20)).toBeLessThan(1500);
    }
  });
});
