import { describe, expect, it } from 'vitest';
import {
  b64,
  benignKeras3,
  dense,
  functional,
  k3,
  keras3Model,
  lambdaLayer,
  marshalCode,
  PY311_EVIL_CODE,
  sequential,
} from '../../../test/builders/keras.js';
import { analyzeKerasConfig } from './analyze.js';

const rules = (config: unknown, flavour: 'h5' | 'keras3' = 'keras3') =>
  analyzeKerasConfig(config, flavour).issues.map((i) => `${i.rule.id}:${i.severity ?? i.rule.severity}`);

describe('Keras config analysis', () => {
  it('is silent on a benign Keras 3 model', () => {
    expect(rules(benignKeras3())).toEqual([]);
  });

  it('Lambda layer (CVE-2024-3660): bytecode decoded into evidence', () => {
    const a = analyzeKerasConfig(sequential('s', [lambdaLayer('lam', PY311_EVIL_CODE)]), 'h5');
    expect(a.issues).toHaveLength(1);
    expect(a.issues[0]?.rule.id).toBe('keras/lambda-layer');
    expect(a.issues[0]?.evidence).toMatch(/co_names \["os", "system"/);
    expect(a.issues[0]?.message).toMatch(/touching os, system/);
  });

  it('finds Lambda layers inside TimeDistributed, Bidirectional and nested functional sub-models', () => {
    const code = b64(marshalCode('py38', { name: 'f', names: ['eval'] }));
    const model = functional('outer', [
      sequential('inner_seq', [
        { class_name: 'TimeDistributed', config: { name: 'td', layer: lambdaLayer('a', code) } },
      ]),
      {
        class_name: 'Bidirectional',
        config: { name: 'bi', layer: lambdaLayer('b', code), backward_layer: lambdaLayer('c', code) },
      },
      functional('sub', [functional('subsub', [lambdaLayer('d', code)])]),
    ]);
    const a = analyzeKerasConfig(model, 'h5');
    expect(a.issues.map((i) => i.layer)).toEqual([
      'outer/inner_seq/td/a',
      'outer/bi/b',
      'outer/bi/c',
      'outer/sub/subsub/d',
    ]);
  });

  it('Keras 2 Lambda with function_type raw names the imported function', () => {
    const lam = { class_name: 'Lambda', config: { name: 'l', function: 'system', function_type: 'raw', module: 'os' } };
    const a = analyzeKerasConfig(sequential('s', [lam]), 'h5');
    expect(a.issues[0]?.evidence).toBe('function os.system');
  });

  it('CVE-2025-1550: module os with class_name system in a .keras config is high', () => {
    const cfg = keras3Model([k3('system', { name: 'x', command: 'id' }, 'os')]);
    expect(rules(cfg)).toEqual(['keras/dangerous-module:high']);
  });

  it('builtins functions: exec is high, max is a plain value function', () => {
    const fn = (name: string) => ({ module: 'builtins', class_name: 'function', config: name, registered_name: null });
    expect(rules(keras3Model([k3('Dense', { name: 'd', activation: fn('exec') })]))).toEqual([
      'keras/dangerous-module:high',
    ]);
    expect(rules(keras3Model([k3('Dense', { name: 'd', activation: fn('max') })]))).toEqual([]);
  });

  it('CVE-2025-1550: a non-Keras module is high in .keras and medium in HDF5', () => {
    const layer = k3('MyLayer', { name: 'x' }, 'my_package.layers', 'MyPackage>MyLayer');
    expect(rules(keras3Model([layer]))).toEqual(['keras/non-keras-module:high']);
    expect(rules(sequential('s', [layer]), 'h5')).toEqual(['keras/non-keras-module:medium']);
  });

  it('a registered_name in a dangerous package is high even without a module', () => {
    const layer = { class_name: 'X', registered_name: 'builtins>exec', config: { name: 'x' } };
    expect(rules(keras3Model([layer]))).toEqual(['keras/dangerous-module:high']);
  });

  it('safe_mode bypass: __lambda__ serialized function outside a Lambda layer', () => {
    const code = b64(marshalCode('py311', { name: '<lambda>', names: ['__import__', 'system'], strings: ['os'] }));
    const act = { class_name: '__lambda__', config: { value: [code, null, null] } };
    const a = analyzeKerasConfig(keras3Model([k3('Dense', { name: 'd', activation: act })]), 'keras3');
    expect(a.issues.map((i) => i.rule.id)).toEqual(['keras/serialized-function']);
    expect(a.issues[0]?.evidence).toMatch(/__import__/);
  });

  it('Keras 3 Lambda whose function is a __lambda__ object is reported once', () => {
    const fn = { class_name: '__lambda__', config: { value: [PY311_EVIL_CODE, null, null] } };
    const cfg = keras3Model([k3('Lambda', { name: 'l', function: fn, function_type: 'lambda' })]);
    expect(rules(cfg)).toEqual(['keras/lambda-layer:high']);
  });

  it('CVE-2025-8747 class: keras.src get_file lookup is high', () => {
    const fn = k3('function', {}, 'keras.src.utils.file_utils');
    const cfg = keras3Model([k3('Dense', { name: 'd', activation: { ...fn, config: 'get_file' } })]);
    expect(rules(cfg)).toEqual(['keras/dangerous-function:high']);
  });

  it('CVE-2025-9906 class: enable_unsafe_deserialization lookup is high', () => {
    const fn = {
      module: 'keras.config',
      class_name: 'function',
      config: 'enable_unsafe_deserialization',
      registered_name: null,
    };
    expect(rules(keras3Model([fn]))).toEqual(['keras/dangerous-function:high']);
  });

  it('TFOpLambda reaching tf.io is high; ordinary tf.math is not a finding', () => {
    const op = (f: string) => ({ class_name: 'TFOpLambda', config: { name: 'op', function: f } });
    expect(rules(functional('m', [op('io.write_file'), op('compat.v1.py_func')]), 'h5')).toEqual([
      'keras/dangerous-function:high',
      'keras/dangerous-function:high',
    ]);
    expect(rules(functional('m', [op('math.add'), op('__operators__.getitem'), dense('d')]), 'h5')).toEqual([]);
  });

  it('caps a deeply nested config instead of recursing', () => {
    let node: unknown = lambdaLayer('deep', 'AAAA');
    for (let i = 0; i < 100_000; i++) node = { class_name: 'Wrapper', config: { name: `w${i}`, layer: node } };
    const a = analyzeKerasConfig(node, 'h5');
    expect(a.truncated).toBe('depth');
  });
});
