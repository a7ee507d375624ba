import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graph, matmulModel, model } from '../../../test/builders/onnx.js';
import { concat, pbLyingLength, pbMsg, pbVarint } from '../../../test/builders/protobuf.js';
import { MemorySource } from '../../core/byte-source.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import { locationEscape } from '../onnx/path.js';
import type { ScanContext } from '../types.js';
import { onnxScanner as scanner, sniffOnnx } from './onnx.js';

const corpus = (p: string) => new Uint8Array(readFileSync(resolve(process.cwd(), '../shared/corpus/files', p)));
const ctx = (limits = DEFAULT_LIMITS): ScanContext => ({
  path: 'model.onnx',
  limits,
  depth: 0,
  signal: new AbortController().signal,
  siblings: [],
});
const scan = (b: Uint8Array, limits = DEFAULT_LIMITS) => scanner.scan(new MemorySource(b), ctx(limits));
const sniff = (b: Uint8Array) => sniffOnnx({ head: b.subarray(0, 4096), size: b.length, name: 'x' });
const ids = async (b: Uint8Array) => (await scan(b)).findings.map((f) => `${f.ruleId}:${f.severity}`);

describe('onnx: corpus files (written by onnx.helper / onnx.save)', () => {
  it('benign.onnx is claimed, clean and described', async () => {
    const b = corpus('onnx/benign.onnx');
    expect(sniff(b)).toBe(true);
    const out = await scan(b);
    expect(out.findings).toEqual([]);
    expect(out.error).toBeUndefined();
    expect(out.metadata).toMatchObject({ format: 'onnx', nodeCount: 1, initializerCount: 1, opTypes: { MatMul: 1 } });
    expect(out.metadata?.opsetImports).toEqual([{ domain: '', version: 13 }]);
  });
  it('external_data_traversal.onnx: location ../../../../etc/passwd (CVE-2022-25882 class) is high', async () => {
    const b = corpus('onnx/external_data_traversal.onnx');
    expect(sniff(b)).toBe(true);
    const out = await scan(b);
    const f = out.findings.find((x) => x.ruleId === 'onnx/external-data-path');
    expect(f?.severity).toBe('high');
    expect(f?.evidence).toBe('location=../../../../etc/passwd');
  });
});

describe('onnx: attacks built in code', () => {
  const ext = (location: string) =>
    matmulModel({
      graph: graph(
        'g',
        [{ op: 'MatMul', inputs: ['X', 'W'], outputs: ['Y'] }],
        [{ name: 'W', dims: [4, 2], external: { location, offset: '0', length: '32' } }],
      ),
    });
  for (const loc of [
    '/etc/passwd',
    'C:\\Windows\\win.ini',
    '..\\..\\secret',
    'data/../../x',
    'file:///etc/shadow',
    '\\\\server\\share\\w',
  ])
    it(`external data location ${JSON.stringify(loc)} escapes the folder (CVE-2024-27318 bypass shapes)`, async () => {
      expect(await ids(ext(loc))).toContain('onnx/external-data-path:high');
    });
  it('a normal sibling location is fine', async () => {
    expect(await ids(ext('weights/model.onnx.data'))).toEqual([]);
    expect(await ids(ext('./model.onnx.data'))).toEqual([]);
  });
  it('a `..` that stays inside the folder is still reported (loaders differ on normalisation)', async () => {
    expect(await ids(ext('a/../model.onnx.data'))).toEqual(['onnx/external-data-path:high']);
  });
  it('external location inside a subgraph of an If node is found (bounded recursion)', async () => {
    const inner = graph(
      'then',
      [{ op: 'Identity', inputs: ['W2'], outputs: ['Z'] }],
      [{ name: 'W2', dims: [1], external: { location: '/etc/passwd' } }],
    );
    const g = graph('g', [{ op: 'If', inputs: ['c'], outputs: ['Z'], attrs: [{ name: 'then_branch', graph: inner }] }]);
    expect(await ids(model({ graph: g }))).toContain('onnx/external-data-path:high');
  });
  it('custom op domain is medium; standard and local-function domains are not', async () => {
    const g = graph('g', [
      { op: 'EvilOp', domain: 'com.evil', inputs: ['X'], outputs: ['Y'] },
      { op: 'FusedMatMul', domain: 'com.microsoft', inputs: ['X'], outputs: ['Y2'] },
      { op: 'MyFn', domain: 'local', inputs: ['X'], outputs: ['Y3'] },
    ]);
    const out = await scan(
      model({ graph: g, functions: [{ name: 'MyFn', domain: 'local', nodes: [{ op: 'Relu' }] }] }),
    );
    expect(out.findings.map((f) => `${f.ruleId}:${f.severity}:${f.evidence}`)).toEqual([
      'onnx/custom-op-domain:medium:com.evil::EvilOp',
    ]);
    expect(out.metadata?.functions).toEqual(['local::MyFn']);
  });
  it('custom ops inside functions are found', async () => {
    const m = model({
      graph: graph('g', []),
      functions: [{ name: 'F', domain: 'x', nodes: [{ op: 'Pwn', domain: 'ai.onnx.contrib' }] }],
    });
    expect(await ids(m)).toEqual(['onnx/custom-op-domain:medium']);
  });
  it('a tensor declaring 2^80 bytes is high (oversize allocation)', async () => {
    const g = graph('g', [], [{ name: 'big', dims: [1n << 40n, 1n << 40n] }]);
    expect(await ids(model({ graph: g }))).toEqual(['onnx/tensor-size:high']);
  });
  it('raw_data shorter than the declared shape is medium', async () => {
    const g = graph('g', [], [{ name: 'w', dims: [100, 100], raw: new Uint8Array(16) }]);
    expect(await ids(model({ graph: g }))).toEqual(['onnx/tensor-size:medium']);
  });
  it('external length shorter than the declared shape is medium', async () => {
    const g = graph('g', [], [{ name: 'w', dims: [100], external: { location: 'w.bin', length: '8' } }]);
    expect(await ids(model({ graph: g }))).toEqual(['onnx/tensor-size:medium']);
  });
  it('negative dimensions are malformed', async () => {
    const g = graph('g', [], [{ name: 'w', dims: [-1n] }]);
    expect(await ids(model({ graph: g }))).toEqual(['onnx/invalid-structure:medium']);
  });
  it('subgraph nesting beyond the cap stops with a finding, not a stack overflow', async () => {
    let g = graph('leaf', []);
    for (let i = 0; i < 60; i++) g = graph(`g${i}`, [{ op: 'Loop', attrs: [{ name: 'body', graph: g }] }]);
    expect(await ids(model({ graph: g }))).toContain('onnx/invalid-structure:medium');
  });
  it('a graph whose declared length runs past the file is an error, not a crash', async () => {
    const b = concat(pbVarint(1, 8), pbLyingLength(7, 1 << 30, new Uint8Array(10)));
    const out = await scan(b);
    expect(out.error?.code).toBe('invalid_structure');
  });
  it('the structure read cap is honoured', async () => {
    const big = model({
      graph: graph(
        'g',
        Array.from({ length: 5000 }, (_, i) => ({ op: 'Relu', name: `n${i}` })),
      ),
    });
    const out = await scan(big, { ...DEFAULT_LIMITS, maxHeaderBytes: 1024 });
    expect(out.error?.code).toBe('limit_exceeded');
  });
});

describe('onnx: external location normalisation', () => {
  it('classifies paths', () => {
    expect(locationEscape('model.data')).toBeUndefined();
    expect(locationEscape('a/b/../c.bin')).toBe('contains `..`');
    expect(locationEscape('../x')).toBe('leaves the model folder');
    expect(locationEscape('/x')).toBe('is an absolute path');
    expect(locationEscape('D:x')).toBe('names a drive');
  });
});

describe('onnx: sniffing', () => {
  it('claims built models and refuses SavedModel, GraphDef, JSON, zip and GGUF heads', () => {
    expect(sniff(matmulModel())).toBe(true);
    const savedModel = concat(pbVarint(1, 1), pbMsg(2, pbMsg(1, pbVarint(1, 1)), pbMsg(2)));
    for (const b of [
      savedModel,
      new TextEncoder().encode('{"a":1}'),
      new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]),
      new TextEncoder().encode('GGUF\u0003\u0000'),
    ])
      expect(sniff(b)).toBe(false);
  });
  it('claims almost no random buffers, even with a valid ir_version forced in', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    let claimed = 0;
    for (let n = 0; n < 20_000; n++) {
      const b = new Uint8Array(64 + (n % 512));
      for (let i = 0; i < b.length; i++) b[i] = rnd();
      b[0] = 0x08;
      b[1] = 1 + (n % 15);
      if (sniff(b)) claimed++;
    }
    expect(claimed).toBeLessThan(20); // < 0.1% of adversarially primed random heads
  });
});

describe('onnx: properties', () => {
  it('arbitrary bytes never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (b) => {
        const out = await scan(b);
        expect(Array.isArray(out.findings)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('mutated corpus models never throw', async () => {
    const base = corpus('onnx/external_data_traversal.onnx');
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
