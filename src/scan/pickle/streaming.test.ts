/**
 * The streamed analysis (bounded window over a ByteSource) must judge exactly like the in-memory
 * one: same findings, streams, globals and error, whatever the window size and wherever its
 * boundaries fall (inside operands, lines, frames, joblib padding, nested payloads).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joblibStream } from '../../../test/builders/joblib.js';
import {
  bytes,
  callGlobal,
  EMPTY_DICT,
  frameHeader,
  global,
  MARK,
  pk,
  proto,
  REDUCE,
  SETITEMS,
  STOP,
  str,
  string0,
  TUPLE,
  TUPLE1,
  unicode0,
} from '../../../test/builders/pickle.js';
import { MemorySource } from '../../core/byte-source.js';
import { DEFAULT_LIMITS, type Limits } from '../../core/limits.js';
import { analyzePickle, analyzePickleSource, type PickleAnalysis } from './analyze.js';

const CORPUS = path.resolve(process.cwd(), '../shared/corpus/files');
const corpusFiles = [
  ...readdirSync(path.join(CORPUS, 'pickle')).map((f) => path.join('pickle', f)),
  'sklearn/payload_after_array.joblib',
  'sklearn/pipeline.joblib',
  'sklearn/pipeline.pkl',
  'torch/legacy_state_dict.pt',
  'torch/payload_legacy.pth',
];
const hook = pk(str('hook'), global('subprocess', 'Popen'), MARK, str('id'), TUPLE, REDUCE, SETITEMS, STOP);
const payload = pk(global('os', 'system'), MARK, str('id'), TUPLE, REDUCE);
const built: Uint8Array[] = [
  // FRAME differential both ways (reader.ts)
  pk(proto(4), frameHeader(4), [0x42, 3 + payload.length, 0, 0], [0, 0, 0, 0], payload, STOP),
  pk(proto(4), frameHeader(2), [0x4d, 0x01], [0x00], payload, STOP),
  // joblib inline arrays, aligned and object
  joblibStream(
    pk(EMPTY_DICT, MARK, str('arr')),
    { dtype: 'f8', count: 40, data: new Uint8Array(320), aligned: true },
    hook,
  ),
  joblibStream(
    pk(EMPTY_DICT, MARK, str('arr')),
    { dtype: 'O8', count: 1, data: callGlobal('os', 'system', str('x')) },
    hook,
  ),
  // nested loads, long lines and strings, protocol 0 text
  pk(proto(2), global('pickle', 'loads'), bytes(callGlobal('os', 'system', str('inner'))), TUPLE1, REDUCE, STOP),
  pk(proto(2), global('builtins', 'eval'), MARK, str('x'.repeat(70_000)), TUPLE, REDUCE, STOP),
  pk(string0('y'.repeat(70_000)), [0x30], unicode0('z'.repeat(300)), [0x30], global('os', 'system'), [0x2e]),
];
const seeds: Uint8Array[] = [...corpusFiles.map((f) => new Uint8Array(readFileSync(path.join(CORPUS, f)))), ...built];

const LIMITS: Limits = { ...DEFAULT_LIMITS, maxOpcodes: 50_000, maxStackDepth: 5_000, maxMemo: 5_000 };

const shape = (a: PickleAnalysis) => ({ findings: a.findings, streams: a.streams, globals: a.globals, error: a.error });

async function same(b: Uint8Array, windowBytes: number, maxStreams?: number): Promise<void> {
  const opts = { limits: LIMITS, path: 'w.pkl', ...(maxStreams ? { maxStreams } : {}) };
  const mem = analyzePickle(b, opts);
  const streamed = await analyzePickleSource(new MemorySource(b), { ...opts, windowBytes });
  expect(shape(streamed)).toEqual(shape(mem));
}

function mutate(src: Uint8Array, at: number, data: Uint8Array, kind: number): Uint8Array {
  const i = src.length ? at % src.length : 0;
  const out = Array.from(src);
  if (kind === 0) out[i] = (out[i] ?? 0) ^ (data[0] ?? 1);
  else if (kind === 1) out.splice(i, 0, ...data);
  else if (kind === 2) out.splice(i, data.length);
  else out.splice(i, data.length, ...data);
  return Uint8Array.from(out);
}

describe('streamed pickle analysis matches the in-memory analysis', () => {
  it('corpus and attack samples, every window size from 16 bytes up', async () => {
    for (const b of seeds) for (const w of [16, 17, 64, 333, 4096, 1 << 20]) await same(b, w);
  });

  it('random window sizes over mutated samples (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.integer({ min: 16, max: 2048 }),
        fc.array(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 3,
        }),
        async (pick, w, edits) => {
          let b = seeds[pick % seeds.length] as Uint8Array;
          for (const [at, data, kind] of edits) b = mutate(b, at, data, kind);
          await same(b, w);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stream counts and ranges agree when a caller caps the streams (PyTorch legacy: 5)', async () => {
    const b = new Uint8Array(readFileSync(path.join(CORPUS, 'torch/legacy_state_dict.pt')));
    for (const w of [16, 100, 1000]) await same(b, w, 5);
  });
});
