/** fast-check properties: arbitrary and mutated bytes never throw, never hang, respect caps. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callGlobal, str } from '../../../test/builders/pickle.js';
import { DEFAULT_LIMITS, type Limits } from '../../core/limits.js';
import { PARSE_ERROR_CODES } from '../../core/result.js';
import { analyzePickle, looksLikePickle } from './analyze.js';

const DIR = path.resolve(process.cwd(), '../shared/corpus/files/pickle');
const seeds: Uint8Array[] = readdirSync(DIR).map((f) => new Uint8Array(readFileSync(path.join(DIR, f))));
seeds.push(callGlobal('os', 'system', str('id')));

const SMALL: Limits = { ...DEFAULT_LIMITS, maxOpcodes: 50_000, maxStackDepth: 5_000, maxMemo: 5_000 };

function checkTotal(bytes: Uint8Array, limits: Limits = SMALL): void {
  const t = performance.now();
  const a = analyzePickle(bytes, { limits, path: 'fuzz' });
  expect(performance.now() - t).toBeLessThan(2000);
  expect(Array.isArray(a.findings)).toBe(true);
  if (a.error) expect(PARSE_ERROR_CODES).toContain(a.error.code);
  expect(a.error?.code).not.toBe('internal');
  for (const s of a.streams) expect(s.end).toBeLessThanOrEqual(bytes.length);
  for (const f of a.findings) {
    expect(f.ruleId).toMatch(/^pickle\//);
    expect((f.evidence ?? '').length).toBeLessThanOrEqual(200);
  }
}

/** One random edit: flip, insert, delete or overwrite a run of bytes. */
const mutation = fc.record({
  seed: fc.nat(),
  kind: fc.constantFrom('flip', 'insert', 'delete', 'overwrite'),
  at: fc.nat(),
  data: fc.uint8Array({ minLength: 1, maxLength: 16 }),
});

function mutate(src: Uint8Array, m: { kind: string; at: number; data: Uint8Array }): Uint8Array {
  const at = src.length ? m.at % src.length : 0;
  const out = Array.from(src);
  if (m.kind === 'flip') out[at] = (out[at] ?? 0) ^ (m.data[0] ?? 1);
  else if (m.kind === 'insert') out.splice(at, 0, ...m.data);
  else if (m.kind === 'delete') out.splice(at, m.data.length);
  else out.splice(at, m.data.length, ...m.data);
  return Uint8Array.from(out);
}

describe('pickle analyzer properties', () => {
  it('arbitrary bytes never throw or hang', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (b) => {
        checkTotal(b);
        looksLikePickle(b);
      }),
      { numRuns: 400 },
    );
  });

  it('pickle-shaped random opcode soup never throws or hangs', () => {
    const op = fc.constantFrom(
      ...[0x28, 0x2e, 0x30, 0x31, 0x32, 0x4e, 0x52, 0x5d, 0x61, 0x62, 0x65, 0x68, 0x71, 0x73, 0x74, 0x75, 0x7d],
      ...[0x81, 0x85, 0x86, 0x87, 0x88, 0x8c, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x97, 0x98, 0x82, 0x4b],
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(op, fc.integer({ min: 0, max: 255 })), { maxLength: 2000 }), (ops) => {
        checkTotal(Uint8Array.from([0x80, 4, ...ops]));
      }),
      { numRuns: 400 },
    );
  });

  it('mutated corpus pickles never throw or hang', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        let b = seeds[(ms[0]?.seed ?? 0) % seeds.length] as Uint8Array;
        for (const m of ms) b = mutate(b, m);
        checkTotal(b);
      }),
      { numRuns: 500 },
    );
  });

  it('caps hold: tiny opcode and stack limits end in a limit finding, never more work', () => {
    const limits: Limits = { ...DEFAULT_LIMITS, maxOpcodes: 64, maxStackDepth: 16, maxMemo: 8 };
    fc.assert(
      fc.property(fc.array(mutation, { maxLength: 3 }), fc.nat(), (ms, pick) => {
        let b = seeds[pick % seeds.length] as Uint8Array;
        for (const m of ms) b = mutate(b, m);
        const a = analyzePickle(b, { limits, path: 'fuzz' });
        if (a.error?.code === 'limit_exceeded')
          expect(a.findings.some((f) => f.ruleId === 'pickle/limit-exceeded')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the sniff never claims text, JSON, zip or npy heads', () => {
    const heads = [
      '{"a": 1}',
      'Hello world\n',
      'import os\nos.system("id")\n',
      'Name,Value\n1,2\n',
      'PK\x03\x04\x14\x00',
      '\x93NUMPY\x01\x00v\x00',
      '',
      'N',
    ];
    for (const h of heads) expect(looksLikePickle(Uint8Array.from(h, (c) => c.charCodeAt(0))), h).toBe(false);
    for (const s of seeds) expect(looksLikePickle(s.subarray(0, 4096))).toBe(true);
  });
});
