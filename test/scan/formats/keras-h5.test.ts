import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSource } from '../../../src/io/file-source.js';
import { kerasH5Scanner } from '../../../src/scan/formats/keras-h5.js';
import type { ScanOutcome } from '../../../src/scan/types.js';
import { buildHdf5 } from '../../builders/hdf5.js';
import { k3, lambdaLayer, PY311_EVIL_CODE, sequential, source, testContext } from '../../builders/keras.js';

const corpus = (p: string) => resolve(process.cwd(), '../shared/corpus/files', p);
const fixture = (p: string) => resolve(process.cwd(), 'test/fixtures/keras', p);

async function scanFile(path: string) {
  const src = await FileSource.open(path);
  try {
    return await kerasH5Scanner.scan(src, testContext(path));
  } finally {
    await src.close();
  }
}

const high = (o: ScanOutcome) => o.findings.filter((f) => f.severity === 'high' || f.severity === 'critical');

describe('keras-h5 scanner', () => {
  it('corpus benign.h5 (written by h5py): no high finding, config read', async () => {
    const o = await scanFile(corpus('keras/benign.h5'));
    expect(high(o)).toEqual([]);
    expect(o.error).toBeUndefined();
    expect(o.metadata).toMatchObject({ kind: 'keras-model', keras_version: '2.12.0', backend: 'tensorflow' });
  });

  it('corpus lambda_layer.h5: Lambda layer with marshalled os.system bytecode is high', async () => {
    const o = await scanFile(corpus('keras/lambda_layer.h5'));
    expect(high(o).map((f) => f.ruleId)).toEqual(['keras/lambda-layer']);
    expect(o.findings[0]?.evidence).toContain('"system"');
    expect(o.findings[0]?.evidence).toContain('echo corpus-payload');
  });

  it('h5py fixture: Lambda in TimeDistributed in a functional sub-model, fixed-length strings', async () => {
    const o = await scanFile(fixture('nested_lambda_fixed.h5'));
    expect(high(o).map((f) => f.message)).toEqual([expect.stringContaining("'outer/inner/td/hidden_lambda'")]);
    expect(o.findings[0]?.evidence).toContain('"Popen"');
  });

  it('h5py fixture: superblock v3 / object header v2 with a Bidirectional-wrapped os.system object', async () => {
    const o = await scanFile(fixture('latest_bidirectional_os.h5'));
    expect(o.metadata?.hdf5SuperblockVersion).toBe(3);
    expect(high(o).map((f) => f.ruleId)).toEqual(['keras/dangerous-module']);
  });

  it('h5py fixtures: user block and weights-only files are clean', async () => {
    for (const name of ['userblock_benign.h5', 'weights_only.h5']) {
      const o = await scanFile(fixture(name));
      expect(o.findings).toEqual([]);
      expect(o.error).toBeUndefined();
    }
  });

  it('h5py fixture: model_config hidden in dense attribute storage (fractal heap + B-tree) is still read', async () => {
    const o = await scanFile(fixture('dense_attributes.h5'));
    expect(o.error).toBeUndefined();
    expect(o.metadata).toMatchObject({ denseAttributes: true });
    expect(high(o).map((f) => f.ruleId)).toEqual(['keras/lambda-layer']);
  });

  it('sniffs HDF5 by magic, not by name', () => {
    const bytes = buildHdf5([]);
    expect(kerasH5Scanner.sniff({ head: bytes.subarray(0, 4096), size: bytes.length, name: 'x.bin' })).toBe(true);
    expect(kerasH5Scanner.sniff({ head: new Uint8Array(64), size: 64, name: 'model.h5' })).toBe(false);
  });

  it('Lambda layer in training_config (custom loss) is found too', async () => {
    const training = JSON.stringify({
      loss: { class_name: 'Lambda', config: { name: 'loss', function: [PY311_EVIL_CODE] } },
    });
    const o = await kerasH5Scanner.scan(
      source(buildHdf5([{ name: 'training_config', value: training }])),
      testContext(),
    );
    expect(o.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^training_config: Lambda/)]);
  });

  it('judges a model with 64 MiB of weights from a few KiB', async () => {
    const cfg = JSON.stringify(sequential('s', [k3('system', { name: 'x' }, 'subprocess')]));
    const head = buildHdf5([{ name: 'model_config', value: cfg }]);
    const big = new Uint8Array(64 * 1024 * 1024);
    big.set(head);
    const src = source(big);
    const o = await kerasH5Scanner.scan(src, testContext());
    expect(high(o)).toHaveLength(1);
    expect(src.bytesRead).toBeLessThan(16 * 1024);
  });

  it('invalid JSON in model_config is a parse error, not a crash', async () => {
    const o = await kerasH5Scanner.scan(
      source(buildHdf5([{ name: 'model_config', value: '{"class_name": ' }])),
      testContext(),
    );
    expect(o.error?.code).toBe('invalid_structure');
  });

  it('cyclic continuation blocks end in an error; findings before the cycle are kept', async () => {
    const bytes = buildHdf5(
      [{ name: 'model_config', value: JSON.stringify(sequential('s', [lambdaLayer('l', 'AA')])) }],
      {
        continuation: 'cycle',
      },
    );
    const o = await kerasH5Scanner.scan(source(bytes), testContext());
    expect(o.error?.code).toBe('invalid_structure');
    expect(o.findings.map((f) => f.ruleId)).toEqual(['keras/lambda-layer']);
  });
});
