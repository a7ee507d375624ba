import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dense, lambdaLayer, PY311_EVIL_CODE, sequential } from '../../../test/builders/keras.js';
import { matmulModel } from '../../../test/builders/onnx.js';
import { concat, pbLyingLength, pbVarint } from '../../../test/builders/protobuf.js';
import { benignSavedModel, graphDef, kerasMetadata, SERVING_FN, savedModel } from '../../../test/builders/tf.js';
import { MemorySource } from '../../core/byte-source.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import type { ScanContext } from '../types.js';
import { tfSavedModelScanner as scanner, tfKind } from './tf-savedmodel.js';

const ctx = (): ScanContext => ({
  path: 'saved_model.pb',
  limits: DEFAULT_LIMITS,
  depth: 0,
  signal: new AbortController().signal,
  siblings: [],
});
const scan = (b: Uint8Array) => scanner.scan(new MemorySource(b), ctx());
const kind = (b: Uint8Array) => tfKind({ head: b.subarray(0, 4096), size: b.length, name: 'x' });
const ids = async (b: Uint8Array) => (await scan(b)).findings.map((f) => `${f.ruleId}:${f.severity}`);

describe('tensorflow: benign SavedModel shape (tf.saved_model.save)', () => {
  it('the saver graph and serving function raise nothing', async () => {
    const b = benignSavedModel();
    expect(kind(b)).toBe('saved_model');
    const out = await scan(b);
    expect(out.findings).toEqual([]);
    expect(out.error).toBeUndefined();
    expect(out.metadata).toMatchObject({
      kind: 'saved_model',
      tags: ['serve'],
      tensorflowVersion: '2.15.0',
      signatures: ['serving_default'],
      functionCount: 2,
    });
    expect((out.metadata?.opTypes as Record<string, number> | undefined)?.SaveV2).toBe(1);
  });
  it('a frozen GraphDef of ordinary ops is clean', async () => {
    const b = graphDef(SERVING_FN);
    expect(kind(b)).toBe('graph_def');
    expect(await ids(b)).toEqual([]);
  });
});

describe('tensorflow: dangerous ops', () => {
  it('PyFunc hidden in a library function (Python execution on call) is high', async () => {
    const b = benignSavedModel({
      fnExtra: [{ name: 'py', op: 'PyFunc', inputs: ['inputs'], s: { token: 'pyfunc_0' } }],
    });
    const out = await scan(b);
    const f = out.findings.find((x) => x.ruleId === 'tf/dangerous-op');
    expect(f?.severity).toBe('high');
    expect(f?.message).toMatch(/function "__inference_serving_default_123".*PyFunc \(python\)/);
  });
  it('EagerPyFunc in the top-level graph is high', async () => {
    expect(await ids(benignSavedModel({ graphExtra: [{ name: 'e', op: 'EagerPyFunc' }] }))).toEqual([
      'tf/dangerous-op:high',
    ]);
  });
  it('ReadFile on a constant path (file exfiltration) names the path', async () => {
    const b = benignSavedModel({
      fnExtra: [
        { name: 'path', op: 'Const', constString: '/etc/passwd' },
        { name: 'path_id', op: 'Identity', inputs: ['path:output:0'] },
        { name: 'rf', op: 'ReadFile', inputs: ['path_id:output:0'] },
      ],
    });
    const f = (await scan(b)).findings[0];
    expect(f?.evidence).toBe('op=ReadFile path=/etc/passwd');
  });
  it('WriteFile and MatchingFiles in a frozen GraphDef are high', async () => {
    const b = graphDef([
      ...SERVING_FN,
      { name: 'w', op: 'WriteFile', inputs: ['a', 'b'] },
      { name: 'm', op: 'MatchingFiles' },
    ]);
    expect(await ids(b)).toEqual(['tf/dangerous-op:high', 'tf/dangerous-op:high']);
  });
  it('PrintV2 to a file:// stream (exfiltration channel) is high; to stderr it is not', async () => {
    const evil = benignSavedModel({
      fnExtra: [{ name: 'p', op: 'PrintV2', s: { output_stream: 'file:///tmp/leak.txt' } }],
    });
    expect(await ids(evil)).toEqual(['tf/url-attribute:high']);
    const ok = benignSavedModel({ fnExtra: [{ name: 'p', op: 'PrintV2', s: { output_stream: 'stderr' } }] });
    expect(await ids(ok)).toEqual([]);
  });
  it('DebugIdentity with grpc:// debug_urls is high', async () => {
    const b = graphDef([{ name: 'd', op: 'DebugIdentity', list: { debug_urls: ['grpc://198.51.100.7:6064'] } }]);
    expect(await ids(b)).toEqual(['tf/url-attribute:high']);
  });
  it('SaveV2 writing to a baked-in absolute prefix (arbitrary file write) is high', async () => {
    const b = graphDef([
      { name: 'evil_prefix', op: 'Const', constString: '/etc/cron.d/pwn' },
      { name: 'SaveV2', op: 'SaveV2', inputs: ['evil_prefix', 'names', 'slices'] },
    ]);
    expect(await ids(b)).toEqual(['tf/checkpoint-path:high']);
  });
  it('an asset file name with ../ (asset path traversal) is high', async () => {
    const b = savedModel({ graph: graphDef(SERVING_FN), assets: ['../../../../etc/passwd'] });
    expect(await ids(b)).toEqual(['tf/asset-path:high']);
  });
});

describe('tensorflow: keras_metadata.pb', () => {
  it('a Lambda layer with marshalled bytecode is high; plain layers are clean', async () => {
    const model = sequential('seq', [dense('d1'), lambdaLayer('evil', PY311_EVIL_CODE)]);
    const b = kerasMetadata([
      { path: 'root', identifier: '_tf_keras_sequential', metadata: model },
      { path: 'root.layer-1', identifier: '_tf_keras_layer', metadata: lambdaLayer('evil', PY311_EVIL_CODE) },
    ]);
    expect(kind(b)).toBe('keras_metadata');
    const out = await scan(b);
    expect(out.findings.some((f) => f.ruleId === 'keras/lambda-layer' && f.severity === 'high')).toBe(true);
    const clean = kerasMetadata([
      { path: 'root', identifier: '_tf_keras_sequential', metadata: sequential('s', [dense('d')]) },
    ]);
    expect(await ids(clean)).toEqual([]);
  });
});

describe('tensorflow: sniffing and hostile structure', () => {
  it('does not claim ONNX, text or zip heads', () => {
    for (const b of [
      matmulModel(),
      new TextEncoder().encode('node { name: "a" }'),
      new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]),
    ])
      expect(kind(b)).toBeUndefined();
  });
  it('a graph whose declared length runs past the file is reported, not a crash', async () => {
    const b = concat(pbVarint(1, 1), pbLyingLength(2, 1 << 30, new Uint8Array([0x0a, 0x00])));
    const out = await scan(b);
    expect(out.error).toBeDefined();
    expect(out.findings.map((f) => f.ruleId)).toEqual(['tf/invalid-structure']);
  });
  it('claims almost no random buffers', () => {
    let seed = 777;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    let claimed = 0;
    for (let n = 0; n < 20_000; n++) {
      const b = new Uint8Array(64 + (n % 512));
      for (let i = 0; i < b.length; i++) b[i] = rnd();
      b[0] = n % 2 ? 0x0a : 0x08;
      if (kind(b)) claimed++;
    }
    expect(claimed).toBeLessThan(20);
  });
  it('arbitrary bytes never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (b) => {
        const out = await scan(b);
        expect(Array.isArray(out.findings)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('mutated SavedModels never throw', async () => {
    const base = benignSavedModel({ fnExtra: [{ name: 'py', op: 'PyFunc' }] });
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
