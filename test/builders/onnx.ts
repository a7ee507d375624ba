/**
 * ONNX ModelProto builder following onnx/onnx.proto field numbers (ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto, FunctionProto, OperatorSetIdProto), so hostile models
 * can be built without the onnx Python package. Output mirrors what `onnx.save` writes: fields in
 * number order.
 */
import { type Bytes, concat, pbBytes, pbMsg, pbPacked, pbVarint } from './protobuf.js';

export interface TensorSpec {
  readonly name: string;
  readonly dims: readonly (number | bigint)[];
  readonly dtype?: number;
  readonly raw?: Bytes;
  readonly external?: Record<string, string>;
}

export function tensor(t: TensorSpec): Bytes {
  const parts = [pbPacked(1, t.dims), pbVarint(2, t.dtype ?? 1), pbBytes(8, t.name)];
  if (t.raw) parts.push(pbBytes(9, t.raw));
  if (t.external) {
    for (const [k, v] of Object.entries(t.external)) parts.push(pbMsg(13, pbBytes(1, k), pbBytes(2, v)));
    parts.push(pbVarint(14, 1));
  }
  return concat(...parts);
}

export interface AttrSpec {
  readonly name: string;
  readonly graph?: Bytes;
  readonly tensor?: Bytes;
  readonly i?: number;
}

export function attribute(a: AttrSpec): Bytes {
  const parts = [pbBytes(1, a.name)];
  if (a.i !== undefined) parts.push(pbVarint(3, a.i));
  if (a.tensor) parts.push(pbMsg(5, a.tensor));
  if (a.graph) parts.push(pbMsg(6, a.graph));
  parts.push(pbVarint(20, a.graph ? 5 : a.tensor ? 4 : 2));
  return concat(...parts);
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
  readonly name?: string;
  readonly domain?: string;
  readonly attrs?: readonly AttrSpec[];
}

export function node(n: NodeSpec): Bytes {
  return concat(
    ...(n.inputs ?? []).map((i) => pbBytes(1, i)),
    ...(n.outputs ?? []).map((o) => pbBytes(2, o)),
    ...(n.name ? [pbBytes(3, n.name)] : []),
    pbBytes(4, n.op),
    ...(n.attrs ?? []).map((a) => pbMsg(5, attribute(a))),
    ...(n.domain !== undefined ? [pbBytes(7, n.domain)] : []),
  );
}

export function graph(name: string, nodes: readonly NodeSpec[], initializers: readonly TensorSpec[] = []): Bytes {
  return concat(
    ...nodes.map((n) => pbMsg(1, node(n))),
    pbBytes(2, name),
    ...initializers.map((t) => pbMsg(5, tensor(t))),
  );
}

export interface ModelSpec {
  readonly ir?: number;
  readonly producer?: string;
  readonly graph: Bytes;
  readonly opsets?: readonly (readonly [string, number])[];
  readonly functions?: readonly { name: string; domain: string; nodes: readonly NodeSpec[] }[];
}

export function model(m: ModelSpec): Bytes {
  return concat(
    pbVarint(1, m.ir ?? 8),
    ...(m.producer ? [pbBytes(2, m.producer)] : []),
    pbMsg(7, m.graph),
    ...(m.opsets ?? [['', 13]]).map(([d, v]) => pbMsg(8, ...(d ? [pbBytes(1, d)] : []), pbVarint(2, v))),
    ...(m.functions ?? []).map((f) =>
      pbMsg(25, pbBytes(1, f.name), ...f.nodes.map((n) => pbMsg(7, node(n))), pbBytes(10, f.domain)),
    ),
  );
}

/** A benign MatMul model like the corpus one, with one 4×2 float initializer. */
export function matmulModel(extra: Partial<ModelSpec> = {}): Bytes {
  const w: TensorSpec = { name: 'W', dims: [4, 2], raw: new Uint8Array(32) };
  return model({
    producer: 'warden-test',
    graph: graph('g', [{ op: 'MatMul', inputs: ['X', 'W'], outputs: ['Y'] }], [w]),
    ...extra,
  });
}
