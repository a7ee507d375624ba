/**
 * TensorFlow protobuf builders, written from the published schemas (field numbers only):
 *  - tensorflow/core/protobuf/saved_model.proto: SavedModel { saved_model_schema_version = 1; meta_graphs = 2 }
 *  - tensorflow/core/protobuf/meta_graph.proto: MetaGraphDef { meta_info_def = 1; graph_def = 2;
 *    signature_def = 5 (map); asset_file_def = 6 }, MetaInfoDef { tags = 4; tensorflow_version = 5 },
 *    AssetFileDef { tensor_info = 1; filename = 2 }
 *  - tensorflow/core/framework/graph.proto: GraphDef { node = 1; library = 2; versions = 4 }
 *  - node_def.proto: NodeDef { name = 1; op = 2; input = 3; device = 4; attr = 5 (map) }
 *  - function.proto: FunctionDefLibrary { function = 1 }, FunctionDef { signature = 1 (OpDef, name = 1); node_def = 3 }
 *  - attr_value.proto: AttrValue { list = 1 (ListValue, s = 2); s = 2; tensor = 8 }
 *  - tensor.proto: TensorProto { dtype = 1; string_val = 8 }; DT_STRING = 7
 *  - tf_keras saved_metadata.proto: SavedMetadata { nodes = 1 }, SavedObject { node_id = 2; node_path = 3;
 *    identifier = 4; metadata = 5 }
 * No TensorFlow is available here (no PyPI), so the benign SavedModel below reproduces the shape
 * `tf.saved_model.save` writes for a one-layer model: the serving function in the library, and the
 * saver graph (SaveV2/RestoreV2/MergeV2Checkpoints/ShardedFilename/StringJoin/StaticRegexFullMatch).
 */
import { type Bytes, concat, pbBytes, pbMapEntry, pbMsg, pbVarint } from './protobuf.js';

export interface TfNode {
  readonly name: string;
  readonly op: string;
  readonly inputs?: readonly string[];
  /** String attributes (`s`). */
  readonly s?: Record<string, string>;
  /** List-of-string attributes. */
  readonly list?: Record<string, readonly string[]>;
  /** A DT_STRING constant value (for Const nodes). */
  readonly constString?: string;
}

export function nodeDef(n: TfNode): Bytes {
  const attrs: Bytes[] = [];
  for (const [k, v] of Object.entries(n.s ?? {})) attrs.push(pbMapEntry(5, k, pbMsg(2, pbBytes(2, v))));
  for (const [k, vs] of Object.entries(n.list ?? {}))
    attrs.push(pbMapEntry(5, k, pbMsg(2, pbMsg(1, ...vs.map((v) => pbBytes(2, v))))));
  if (n.constString !== undefined) {
    attrs.push(pbMapEntry(5, 'dtype', pbMsg(2, pbVarint(6, 7))));
    attrs.push(pbMapEntry(5, 'value', pbMsg(2, pbMsg(8, pbVarint(1, 7), pbMsg(2), pbBytes(8, n.constString)))));
  }
  return concat(pbBytes(1, n.name), pbBytes(2, n.op), ...(n.inputs ?? []).map((i) => pbBytes(3, i)), ...attrs);
}

export function functionDef(name: string, nodes: readonly TfNode[]): Bytes {
  return concat(pbMsg(1, pbBytes(1, name)), ...nodes.map((n) => pbMsg(3, nodeDef(n))));
}

export function graphDef(
  nodes: readonly TfNode[],
  functions: readonly (readonly [string, readonly TfNode[]])[] = [],
): Bytes {
  const lib = functions.length ? [pbMsg(2, ...functions.map(([n, ns]) => pbMsg(1, functionDef(n, ns))))] : [];
  return concat(...nodes.map((n) => pbMsg(1, nodeDef(n))), ...lib, pbMsg(4, pbVarint(1, 1087)));
}

export interface SavedModelSpec {
  readonly graph: Bytes;
  readonly tags?: readonly string[];
  readonly signatures?: readonly string[];
  readonly assets?: readonly string[];
}

export function savedModel(s: SavedModelSpec): Bytes {
  const info = pbMsg(1, ...(s.tags ?? ['serve']).map((t) => pbBytes(4, t)), pbBytes(5, '2.15.0'));
  const sigs = (s.signatures ?? ['serving_default']).map((k) => pbMapEntry(5, k, pbMsg(2)));
  const assets = (s.assets ?? []).map((a) => pbMsg(6, pbMsg(1, pbBytes(1, 'asset_path:0')), pbBytes(2, a)));
  return concat(pbVarint(1, 1), pbMsg(2, info, pbMsg(2, s.graph), ...sigs, ...assets));
}

/** The saver subgraph `tf.saved_model.save` emits, with the prefix fed from a placeholder. */
export const SAVER_NODES: readonly TfNode[] = [
  { name: 'saver_filename', op: 'Placeholder' },
  { name: 'StaticRegexFullMatch', op: 'StaticRegexFullMatch', inputs: ['saver_filename'] },
  { name: 'Const', op: 'Const', constString: '.part' },
  { name: 'Const_1', op: 'Const', constString: '_temp/part' },
  { name: 'Select', op: 'Select', inputs: ['StaticRegexFullMatch', 'Const', 'Const_1'] },
  { name: 'StringJoin', op: 'StringJoin', inputs: ['saver_filename', 'Select'] },
  { name: 'num_shards', op: 'Const' },
  { name: 'ShardedFilename', op: 'ShardedFilename', inputs: ['StringJoin', 'shard', 'num_shards'] },
  { name: 'SaveV2/tensor_names', op: 'Const', constString: 'dense/kernel/.ATTRIBUTES/VARIABLE_VALUE' },
  { name: 'SaveV2', op: 'SaveV2', inputs: ['ShardedFilename', 'SaveV2/tensor_names', 'SaveV2/shape_and_slices'] },
  { name: 'MergeV2Checkpoints', op: 'MergeV2Checkpoints', inputs: ['ShardedFilespec', 'saver_filename'] },
  { name: 'Identity', op: 'Identity', inputs: ['saver_filename'] },
  {
    name: 'RestoreV2',
    op: 'RestoreV2',
    inputs: ['saver_filename', 'RestoreV2/tensor_names', 'RestoreV2/shape_and_slices'],
  },
];

/** The serving function of a one-Dense-layer Keras model. */
export const SERVING_FN: readonly TfNode[] = [
  { name: 'dense/MatMul/ReadVariableOp', op: 'ReadVariableOp', inputs: ['dense_matmul_readvariableop_resource'] },
  { name: 'dense/MatMul', op: 'MatMul', inputs: ['inputs', 'dense/MatMul/ReadVariableOp:value:0'] },
  { name: 'dense/BiasAdd', op: 'BiasAdd', inputs: ['dense/MatMul:product:0', 'dense/BiasAdd/ReadVariableOp:value:0'] },
  { name: 'dense/Relu', op: 'Relu', inputs: ['dense/BiasAdd:output:0'] },
  { name: 'Identity', op: 'Identity', inputs: ['dense/Relu:activations:0'] },
];

export function benignSavedModel(
  extra: Partial<SavedModelSpec> & { fnExtra?: readonly TfNode[]; graphExtra?: readonly TfNode[] } = {},
): Bytes {
  const graph = graphDef(
    [
      { name: 'serving_default_inputs', op: 'Placeholder' },
      { name: 'StatefulPartitionedCall', op: 'StatefulPartitionedCall', inputs: ['serving_default_inputs'] },
      ...SAVER_NODES,
      ...(extra.graphExtra ?? []),
    ],
    [
      ['__inference_serving_default_123', [...SERVING_FN, ...(extra.fnExtra ?? [])]],
      ['__inference__wrapped_model_45', SERVING_FN],
    ],
  );
  return savedModel({ graph, ...extra });
}

export function kerasMetadata(nodes: readonly { path: string; identifier: string; metadata: unknown }[]): Bytes {
  return concat(
    ...nodes.map((n, i) =>
      pbMsg(
        1,
        ...(i ? [pbVarint(2, i)] : []),
        pbBytes(3, n.path),
        pbBytes(4, n.identifier),
        pbBytes(5, JSON.stringify(n.metadata)),
      ),
    ),
  );
}
