import { describe, expect, it } from 'vitest';
import { mlflowScanner } from '../../../src/scan/formats/mlflow.js';
import { mlmodel, ONNX_FLAVOUR, PYFUNC_CUSTOM, SKLEARN_SKOPS_FREE } from '../../builders/hf.js';
import { source, testContext } from '../../builders/keras.js';

const scan = (text: string, siblings: string[] = []) =>
  mlflowScanner.scan(source(text), testContext('model/MLmodel', siblings));
const ids = async (text: string, siblings: string[] = []) =>
  (await scan(text, siblings)).findings.map((f) => `${f.ruleId}:${f.severity}`);

describe('MLflow MLmodel scanner', () => {
  it('claims MLmodel by name and content only', () => {
    const b = new TextEncoder().encode(mlmodel(ONNX_FLAVOUR));
    expect(mlflowScanner.sniff({ head: b, size: b.length, name: 'MLmodel' })).toBe(true);
    expect(mlflowScanner.sniff({ head: b, size: b.length, name: 'model.yaml' })).toBe(false);
    const other = new TextEncoder().encode('name: x\n');
    expect(mlflowScanner.sniff({ head: other, size: other.length, name: 'MLmodel' })).toBe(false);
  });

  it('ONNX flavour: nothing executed on load, no finding', async () => {
    const o = await scan(mlmodel(ONNX_FLAVOUR));
    expect(o.findings).toEqual([]);
    expect(o.metadata).toMatchObject({
      kind: 'mlflow-model',
      flavors: ['python_function', 'onnx'],
      mlflow_version: '2.9.2',
    });
  });

  it('pyfunc custom model: the cloudpickled python_model is named (and found next to MLmodel)', async () => {
    const o = await scan(mlmodel(PYFUNC_CUSTOM), ['MLmodel', 'python_model.pkl', 'conda.yaml']);
    expect(o.findings.map((f) => f.ruleId)).toEqual(['mlflow/pickled-model']);
    expect(o.findings[0]?.message).toContain('python_model.pkl (next to MLmodel)');
  });

  it('sklearn flavour with cloudpickle serialization names model.pkl', async () => {
    expect(await ids(mlmodel(SKLEARN_SKOPS_FREE))).toEqual(['mlflow/pickled-model:medium']);
  });

  it('custom loader_module outside mlflow.* is high; code paths are named', async () => {
    const text = mlmodel({ python_function: { loader_module: 'evil_loader', data: 'data', code: 'code' } });
    expect(await ids(text)).toEqual(['mlflow/custom-loader:high', 'mlflow/code-path:medium']);
  });

  it('keras flavour with a keras_module outside Keras/TensorFlow is high', async () => {
    const text = mlmodel({ keras: { keras_module: 'os', data: 'data', save_format: 'tf' } });
    expect(await ids(text)).toEqual(['mlflow/custom-loader:high']);
  });

  it('YAML alias bombs and malformed YAML end in errors, not hangs', async () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 20 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
      'flavors: {}',
    ].join('\n');
    const t = performance.now();
    const o = await scan(bomb);
    expect(performance.now() - t).toBeLessThan(5_000);
    expect(o.error?.code).toBeDefined();
    expect((await scan('flavors: [unclosed\n')).error?.code).toBe('invalid_structure');
  });

  it('custom YAML tags are inert (parsed as plain data, never constructed)', async () => {
    const o = await scan("flavors:\n  python_function: !!python/object/apply:os.system ['id']\n");
    expect(o.findings).toEqual([]);
  });
});
