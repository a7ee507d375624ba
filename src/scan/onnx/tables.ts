/**
 * Operator domains whose kernels ship with ONNX itself or with widely used runtimes
 * (onnxruntime contrib ops, the PyTorch exporter's ATen fallback). Anything else needs a
 * third-party operator library.
 */
export const KNOWN_DOMAINS: ReadonlySet<string> = new Set([
  '',
  'ai.onnx',
  'ai.onnx.ml',
  'ai.onnx.training',
  'ai.onnx.preview.training',
  'com.microsoft',
  'com.microsoft.nchwc',
  'com.microsoft.experimental',
  'com.microsoft.mlfeaturizers',
  'com.microsoft.dml',
  'org.pytorch.aten',
]);

/** TensorProto.DataType → bits per element (STRING = 8 and UNDEFINED = 0 are absent). */
export const ONNX_DTYPE_BITS: Readonly<Record<number, number>> = {
  1: 32, // FLOAT
  2: 8, // UINT8
  3: 8, // INT8
  4: 16, // UINT16
  5: 16, // INT16
  6: 32, // INT32
  7: 64, // INT64
  9: 8, // BOOL
  10: 16, // FLOAT16
  11: 64, // DOUBLE
  12: 32, // UINT32
  13: 64, // UINT64
  14: 64, // COMPLEX64
  15: 128, // COMPLEX128
  16: 16, // BFLOAT16
  17: 8, // FLOAT8E4M3FN
  18: 8, // FLOAT8E4M3FNUZ
  19: 8, // FLOAT8E5M2
  20: 8, // FLOAT8E5M2FNUZ
  21: 4, // UINT4
  22: 4, // INT4
  23: 4, // FLOAT4E2M1
};

/** Above this a single tensor is implausible (the largest real LLM tensors are a few GiB). */
export const MAX_TENSOR_BYTES = 64n * 1024n ** 3n;
