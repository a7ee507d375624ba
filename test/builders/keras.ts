/**
 * Keras attack samples built in code: model configs in the Keras 2 (HDF5 `model_config`) and
 * Keras 3 (`.keras` zip `config.json`) shapes, and marshalled code objects in each CPython layout.
 */
import { MemorySource } from '../../src/core/byte-source.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import type { ScanContext } from '../../src/scan/types.js';

export function testContext(path = 'model', siblings: readonly string[] = [], member?: string): ScanContext {
  return {
    path,
    ...(member === undefined ? {} : { member }),
    limits: DEFAULT_LIMITS,
    depth: 0,
    signal: new AbortController().signal,
    siblings,
  };
}

export const source = (bytes: Uint8Array | string) =>
  new MemorySource(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);

// ---------------------------------------------------------------- marshal

export type Layout = 'py311' | 'py38' | 'py30' | 'py27';

class M {
  b: number[] = [];
  byte(v: number): this {
    this.b.push(v & 0xff);
    return this;
  }
  i32(v: number): this {
    for (let i = 0; i < 4; i++) this.byte((v >> (8 * i)) & 0xff);
    return this;
  }
  bytes(data: number[], type = 's'): this {
    this.byte(type.charCodeAt(0)).i32(data.length);
    for (const x of data) this.byte(x);
    return this;
  }
  /** Short ASCII types ('z', 'Z') carry a 1-byte length; the others a 4-byte one. */
  short(s: string, type = 'z'): this {
    this.byte(type.charCodeAt(0));
    if (type === 'z' || type === 'Z') this.byte(s.length);
    else this.i32(s.length);
    for (const c of s) this.byte(c.charCodeAt(0));
    return this;
  }
  tuple(items: readonly string[], type = 'z'): this {
    this.byte(')'.charCodeAt(0)).byte(items.length);
    for (const s of items) this.short(s, type);
    return this;
  }
}

export interface CodeSpec {
  readonly name: string;
  readonly names: readonly string[];
  readonly strings?: readonly string[];
  readonly varnames?: readonly string[];
  /** Code objects nested in co_consts (inner functions, lambdas). */
  readonly inner?: readonly CodeSpec[];
}

function writeCode(m: M, layout: Layout, spec: CodeSpec): void {
  const str = layout === 'py27' ? 't' : 'z';
  const ints = { py311: 5, py38: 6, py30: 5, py27: 4 }[layout];
  m.byte('c'.charCodeAt(0));
  for (let i = 0; i < ints; i++) m.i32(i === 0 ? 1 : 0);
  m.bytes([0x64, 0x00, 0x53, 0x00]);
  const consts = [...(spec.strings ?? [])];
  m.byte(')'.charCodeAt(0)).byte(consts.length + 1 + (spec.inner?.length ?? 0));
  m.byte('N'.charCodeAt(0));
  for (const s of consts) m.short(s, layout === 'py27' ? 't' : 'z');
  for (const c of spec.inner ?? []) writeCode(m, layout, c);
  m.tuple(spec.names, str);
  const varnames = spec.varnames ?? ['x'];
  if (layout === 'py311') {
    m.tuple(varnames)
      .bytes(varnames.map(() => 0x20))
      .short('layers.py')
      .short(spec.name)
      .short(spec.name)
      .i32(1);
    m.bytes([]).bytes([]);
  } else {
    m.tuple(varnames, str).tuple([], str).tuple([], str);
    if (layout === 'py27') m.bytes([...'layers.py'].map((c) => c.charCodeAt(0))).short(spec.name, 't');
    else m.short('layers.py').short(spec.name);
    m.i32(1).bytes([]);
  }
}

export function marshalCode(layout: Layout, spec: CodeSpec): Uint8Array {
  const m = new M();
  writeCode(m, layout, spec);
  return new Uint8Array(m.b);
}

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * `marshal.dumps(f.__code__)` from CPython 3.11.7 for
 * `def evil(x): import os; os.system('echo hi'); f = lambda y: __import__('subprocess').Popen(y); return x`.
 */
export const PY311_EVIL_CODE =
  '4wEAAAAAAAAAAAAAAAMAAAADAAAA8z4AAACXAGQBZABsAH0BfAGgAQAAAAAAAAAAAAAAAAAAAAAAAAAAZAKmAQAAqwEAAAAAAAAAAAEAZAOEAH0CfABTACkETukAAAAAegdlY2hvIGhpYwEAAAAAAAAAAAAAAAMAAAATAAAA80YAAACXAHQBAAAAAAAAAAAAAGQBpgEAAKsBAAAAAAAAAACgAQAAAAAAAAAAAAAAAAAAAAAAAAAAfACmAQAAqwEAAAAAAAAAAFMAKQJO2gpzdWJwcm9jZXNzKQLaCl9faW1wb3J0X1/aBVBvcGVuKQHaAXlzAQAAACD6CWxheWVycy5wefoIPGxhbWJkYT56FmV2aWwuPGxvY2Fscz4uPGxhbWJkYT4EAAAAcxwAAACAAJUqmFzREirUEirXEjDSEjCwEdESM9QSM4AA8wAAAAApAtoCb3PaBnN5c3RlbSkD2gF4cgsAAADaAWZzAwAAACAgIHIIAAAA2gRldmlscg8AAAABAAAAcyoAAACAANgEDYBJgEmASdgEBodJgkmIadEEGNQEGNAEGNgIM9AIM4BB2AsMgEhyCgAAAA==';

// ---------------------------------------------------------------- configs

export const dense = (name: string, extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: { name, units: 2, activation: 'relu', ...extra },
});

export function lambdaLayer(name: string, code: string): Record<string, unknown> {
  return {
    class_name: 'Lambda',
    config: { name, function: [code, null, null], function_type: 'lambda', output_shape: null, arguments: {} },
  };
}

export const sequential = (name: string, layers: unknown[]) => ({ class_name: 'Sequential', config: { name, layers } });

export const functional = (name: string, layers: unknown[]) => ({
  class_name: 'Functional',
  config: { name, layers, input_layers: [], output_layers: [] },
});

/** A Keras 3 layer entry as `serialize_keras_object` writes it. */
export function k3(
  className: string,
  config: Record<string, unknown>,
  module = 'keras.layers',
  registered: string | null = null,
) {
  return { module, class_name: className, config, registered_name: registered };
}

/** A Keras 3 `.keras` config.json for a Functional model with the given layers. */
export function keras3Model(layers: unknown[]): Record<string, unknown> {
  return {
    module: 'keras',
    class_name: 'Functional',
    config: {
      name: 'functional',
      trainable: true,
      layers,
      input_layers: [['input_layer', 0, 0]],
      output_layers: [['dense', 0, 0]],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
    compile_config: {
      optimizer: k3('Adam', { name: 'adam', learning_rate: 0.001 }, 'keras.optimizers'),
      loss: 'mean_squared_error',
    },
  };
}

/** A benign Keras 3 model, shaped like what `model.save('m.keras')` writes for a small MLP. */
export function benignKeras3(): Record<string, unknown> {
  const init = k3('GlorotUniform', { seed: null }, 'keras.initializers');
  const dtype = k3('DTypePolicy', { name: 'float32' }, 'keras');
  return keras3Model([
    k3('InputLayer', { batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_layer' }),
    {
      ...k3('Dense', { name: 'dense', units: 2, activation: 'relu', kernel_initializer: init, dtype }),
      build_config: { input_shape: [null, 4] },
      inbound_nodes: [
        {
          args: [
            {
              class_name: '__keras_tensor__',
              config: { shape: [null, 4], dtype: 'float32', keras_history: ['input_layer', 0, 0] },
            },
          ],
          kwargs: {},
        },
      ],
    },
  ]);
}
