import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Layout, marshalCode, PY311_EVIL_CODE } from '../../../test/builders/keras.js';
import { ParseFailure } from '../../core/result.js';
import { decodeCodeObject, summarizeCode } from './marshal.js';

const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

describe('marshal code object decoder', () => {
  it('decodes real CPython 3.11 bytecode, including a nested lambda', () => {
    const s = summarizeCode(decodeCodeObject(fromB64(PY311_EVIL_CODE)));
    expect(s.layout).toBe('py311');
    expect(s.functions).toEqual(['evil', 'evil.<locals>.<lambda>']);
    expect(s.names).toEqual(expect.arrayContaining(['os', 'system', '__import__', 'Popen']));
    expect(s.strings).toEqual(expect.arrayContaining(['echo hi', 'subprocess']));
  });

  for (const layout of ['py311', 'py38', 'py30', 'py27'] as Layout[]) {
    it(`decodes the ${layout} code object layout`, () => {
      const bytes = marshalCode(layout, {
        name: 'f',
        names: ['os', 'system'],
        strings: ['id'],
        inner: [{ name: 'g', names: ['eval'] }],
      });
      const s = summarizeCode(decodeCodeObject(bytes));
      expect(s.layout).toBe(layout);
      expect(s.names).toEqual(['os', 'system', 'eval']);
      expect(s.strings).toEqual(['id']);
      expect(s.functions).toEqual(['f', 'g']);
    });
  }

  it('rejects a declared tuple size larger than the data', () => {
    const bytes = new Uint8Array([0x28, 0xff, 0xff, 0xff, 0x7f]);
    expect(() => decodeCodeObject(bytes)).toThrow(ParseFailure);
  });

  it('caps nesting depth (tuple bomb)', () => {
    const bytes = new Uint8Array(100_000).fill(0x29).map((_, i) => (i % 2 === 0 ? 0x29 : 1));
    try {
      decodeCodeObject(bytes);
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(ParseFailure);
      expect((e as ParseFailure).error.code).toBe('limit_exceeded');
    }
  });

  it('rejects a reference to a slot that does not exist', () => {
    expect(() => decodeCodeObject(new Uint8Array([0x72, 5, 0, 0, 0]))).toThrow(ParseFailure);
  });

  it('property: arbitrary bytes never throw anything but ParseFailure', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          decodeCodeObject(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ParseFailure);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('property: mutated real bytecode never throws anything but ParseFailure', () => {
    const base = fromB64(PY311_EVIL_CODE);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (edits) => {
          const bytes = base.slice();
          for (const [at, v] of edits) bytes[at] = v;
          try {
            summarizeCode(decodeCodeObject(bytes));
          } catch (e) {
            expect(e).toBeInstanceOf(ParseFailure);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
