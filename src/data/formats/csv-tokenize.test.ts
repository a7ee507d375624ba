import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldValue, tokenizeRows } from './csv-tokenize.js';

function rows(text: string, final = true, quotes = true) {
  const out: string[][] = [];
  const r = tokenizeRows(text, 44, quotes, final, 1, 64, (row) => {
    const cells: string[] = [];
    for (let i = 0; i < row.n; i++) cells.push(fieldValue(text, row.starts[i]!, row.ends[i]!));
    out.push(cells);
  });
  return { out, ...r };
}

describe('CSV tokenizer', () => {
  it('splits simple rows, CRLF, quoted fields with commas, doubled quotes and newlines', () => {
    const { out, lines } = rows('a,b,c\r\n1,"x, y","he said ""hi"""\n2,"multi\nline",z\n');
    expect(out).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'he said "hi"'],
      ['2', 'multi\nline', 'z'],
    ]);
    expect(lines).toBe(4);
  });

  it('keeps an incomplete last row for the next block unless the block is final', () => {
    const partial = rows('a,b\n1,"open\nstill', false);
    expect(partial.out).toEqual([['a', 'b']]);
    expect(partial.consumed).toBe(4);
    expect(rows('a,b\n1,2', true).out).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('TSV has no quoting', () => {
    const out: string[][] = [];
    const text = 'a\t"b\n"x\ty\n';
    tokenizeRows(text, 9, false, true, 1, 8, (row) => {
      const cells: string[] = [];
      for (let i = 0; i < row.n; i++) cells.push(text.slice(row.starts[i]!, row.ends[i]!));
      out.push(cells);
    });
    expect(out).toEqual([
      ['a', '"b'],
      ['"x', 'y'],
    ]);
  });

  it('round-trips any table written with RFC 4180 quoting, split at any point', () => {
    const cell = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (table, cut) => {
          const text = `${table.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\n')}\n`;
          const at = cut % (text.length + 1);
          const first = rows(text.slice(0, at), false);
          const rest = rows(text.slice(first.consumed), true);
          expect([...first.out, ...rest.out]).toEqual(table);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.boolean(), (s, final) => {
        const r = rows(s, final);
        expect(r.consumed).toBeLessThanOrEqual(s.length);
      }),
      { numRuns: 300 },
    );
  });
});
