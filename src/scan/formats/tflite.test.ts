import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUSTOM, externalBuffer, inlineBuffer, opcode, tfliteModel } from '../../../test/builders/tflite.js';
import { MemorySource } from '../../core/byte-source.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import type { ScanContext } from '../types.js';
import { tfliteScanner as scanner, sniffTflite } from './tflite.js';

const ctx = (limits = DEFAULT_LIMITS): ScanContext => ({
  path: 'model.tflite',
  limits,
  depth: 0,
  signal: new AbortController().signal,
  siblings: [],
});
const scan = (b: Uint8Array, limits = DEFAULT_LIMITS) => scanner.scan(new MemorySource(b), ctx(limits));
const ids = async (b: Uint8Array) => (await scan(b)).findings.map((f) => `${f.ruleId}:${f.severity}`);
const CONV_2D = 3;
const FULLY_CONNECTED = 9;
const BROADCAST_ARGS = 130; // > 127: stored in builtin_code, deprecated_builtin_code saturates

describe('tflite: benign models', () => {
  it('builtin ops only (including codes above 127) are clean and described', async () => {
    const b = tfliteModel({
      opcodes: [opcode(CONV_2D), opcode(FULLY_CONNECTED), opcode(BROADCAST_ARGS)],
      operators: [0, 1, 2],
    });
    expect(sniffTflite(b, b.length)).toBe(true);
    const out = await scan(b);
    expect(out.findings).toEqual([]);
    expect(out.error).toBeUndefined();
    expect(out.metadata).toMatchObject({
      format: 'tflite',
      schemaVersion: 3,
      subgraphs: 1,
      buffers: 2,
      description: 'MLIR Converted.',
    });
    expect(out.metadata?.builtinOpcodes).toEqual({ 3: 1, 9: 1, 130: 1 });
  });
  it('custom ops shipped with TFLite (TFLite_Detection_PostProcess) are not findings', async () => {
    expect(await ids(tfliteModel({ opcodes: [opcode(CUSTOM, 'TFLite_Detection_PostProcess')] }))).toEqual([]);
  });
});

describe('tflite: custom and Flex ops', () => {
  it('FlexReadFile (TF file read through the Flex delegate) is high', async () => {
    const out = await scan(tfliteModel({ opcodes: [opcode(CUSTOM, 'FlexReadFile')] }));
    expect(out.findings.map((f) => `${f.ruleId}:${f.severity}:${f.evidence}`)).toEqual([
      'tflite/flex-op:high:FlexReadFile',
    ]);
  });
  it('FlexWriteFile and FlexPyFunc are high', async () => {
    expect(
      await ids(
        tfliteModel({ opcodes: [opcode(CUSTOM, 'FlexWriteFile'), opcode(CUSTOM, 'FlexPyFunc')], operators: [0, 1] }),
      ),
    ).toEqual(['tflite/flex-op:high', 'tflite/flex-op:high']);
  });
  it('an ordinary Flex op is medium', async () => {
    expect(await ids(tfliteModel({ opcodes: [opcode(CUSTOM, 'FlexRFFT')] }))).toEqual(['tflite/flex-op:medium']);
  });
  it('an unknown custom op is medium', async () => {
    expect(await ids(tfliteModel({ opcodes: [opcode(CUSTOM, 'MyVendorOp')] }))).toEqual(['tflite/custom-op:medium']);
  });
});

describe('tflite: hostile structure', () => {
  it('a buffer offset/size past the end of the file (out-of-bounds read) is high', async () => {
    const b = tfliteModel({ opcodes: [opcode(CONV_2D)], buffers: [inlineBuffer(), externalBuffer(1n << 40n, 1024n)] });
    expect(await ids(b)).toEqual(['tflite/buffer-out-of-bounds:high']);
  });
  it('an in-bounds external buffer is fine', async () => {
    const b = tfliteModel({ opcodes: [opcode(CONV_2D)], buffers: [inlineBuffer(), externalBuffer(8n, 16n)] });
    expect(await ids(b)).toEqual([]);
  });
  it('operators and tensors pointing at missing opcodes/buffers are malformed', async () => {
    const b = tfliteModel({ opcodes: [opcode(CONV_2D)], operators: [5], tensors: [9] });
    expect(await ids(b)).toEqual(['tflite/invalid-structure:medium', 'tflite/invalid-structure:medium']);
  });
  it('a root offset outside the file is not claimed; one inside but broken is an error', async () => {
    const b = tfliteModel({ opcodes: [opcode(CONV_2D)] });
    const bad = b.slice();
    new DataView(bad.buffer).setUint32(0, 0xfffffff0, true);
    expect(sniffTflite(bad, bad.length)).toBe(false);
    const cut = b.subarray(0, 40);
    const out = await scan(cut);
    expect(out.error).toBeDefined();
    expect(out.findings.map((f) => f.ruleId)).toEqual(['tflite/invalid-structure']);
  });
  it('a huge vector length is capped', async () => {
    const b = tfliteModel({ opcodes: [opcode(CONV_2D)] });
    // Find the opcode vector (1 element) via the root table and make its length absurd.
    const dv = new DataView(b.buffer);
    const root = dv.getUint32(0, true);
    const vt = root - dv.getInt32(root, true);
    const field = root + dv.getUint16(vt + 4 + 2, true);
    const vec = field + dv.getUint32(field, true);
    dv.setUint32(vec, 0x7fffffff, true);
    const out = await scan(b);
    expect(out.error?.code).toBe('limit_exceeded');
  });
});

describe('tflite: properties', () => {
  it('arbitrary bytes behind the identifier never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 8, maxLength: 400 }), fc.nat(400), async (b, root) => {
        b.set([0x54, 0x46, 0x4c, 0x33], 4);
        new DataView(b.buffer, b.byteOffset).setUint32(0, root % b.length, true);
        const out = await scan(b);
        expect(Array.isArray(out.findings)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('mutated models never throw', async () => {
    const base = tfliteModel({ opcodes: [opcode(CONV_2D), opcode(CUSTOM, 'FlexReadFile')], operators: [0, 1] });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        async (edits) => {
          const b = base.slice();
          for (const [i, v] of edits) b[i] = v;
          const out = await scan(b);
          expect(Array.isArray(out.findings)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
