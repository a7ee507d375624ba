/**
 * TensorFlow op policy, as data. Names are raw op names (tensorflow/core/ops/*.cc registrations),
 * with their `Experimental*` aliases where TF kept both. Sources read for facts: the TF raw-ops
 * reference (tf.raw_ops), io_ops.cc, script_ops.cc, logging_ops.cc, debug_ops.cc,
 * summary_ops.cc, experimental dataset ops, and TF's own SavedModel security guidance
 * ("TensorFlow models are programs").
 */
export type OpCategory = 'python' | 'file-read' | 'file-write' | 'network' | 'file-system';

export const DANGEROUS_OPS: Readonly<Record<string, OpCategory>> = {
  // Run arbitrary Python registered in the loading process.
  PyFunc: 'python',
  PyFuncStateless: 'python',
  EagerPyFunc: 'python',
  // Read files named by a tensor.
  ReadFile: 'file-read',
  MatchingFiles: 'file-read',
  MatchingFilesDataset: 'file-read',
  ExperimentalMatchingFilesDataset: 'file-read',
  ImmutableConst: 'file-read',
  WholeFileReader: 'file-read',
  WholeFileReaderV2: 'file-read',
  TextLineReader: 'file-read',
  TextLineReaderV2: 'file-read',
  TFRecordReader: 'file-read',
  TFRecordReaderV2: 'file-read',
  FixedLengthRecordReader: 'file-read',
  FixedLengthRecordReaderV2: 'file-read',
  LMDBReader: 'file-read',
  TextLineDataset: 'file-read',
  TFRecordDataset: 'file-read',
  TFRecordDatasetV2: 'file-read',
  FixedLengthRecordDataset: 'file-read',
  FixedLengthRecordDatasetV2: 'file-read',
  CSVDataset: 'file-read',
  CSVDatasetV2: 'file-read',
  ExperimentalCSVDataset: 'file-read',
  LMDBDataset: 'file-read',
  ExperimentalLMDBDataset: 'file-read',
  SqlDataset: 'file-read',
  ExperimentalSqlDataset: 'file-read',
  LoadDataset: 'file-read',
  // Write files named by a tensor.
  WriteFile: 'file-write',
  SaveDataset: 'file-write',
  SaveDatasetV2: 'file-write',
  DatasetToTFRecord: 'file-write',
  ExperimentalDatasetToTFRecord: 'file-write',
  SnapshotDataset: 'file-write',
  SnapshotDatasetV2: 'file-write',
  CreateSummaryFileWriter: 'file-write',
  CreateSummaryDbWriter: 'file-write',
  WriteAudioSummary: 'file-write',
  WriteGraphSummary: 'file-write',
  WriteHistogramSummary: 'file-write',
  WriteImageSummary: 'file-write',
  WriteRawProtoSummary: 'file-write',
  WriteScalarSummary: 'file-write',
  WriteSummary: 'file-write',
  ImportEvent: 'file-write',
  // Change how file paths resolve (gs://, s3://, hdfs:// credentials and endpoints).
  FileSystemSetConfiguration: 'file-system',
  // Reach other machines.
  DataServiceDataset: 'network',
  DataServiceDatasetV2: 'network',
  DataServiceDatasetV3: 'network',
  DataServiceDatasetV4: 'network',
  RegisterDataset: 'network',
  RegisterDatasetV2: 'network',
  DistributedSave: 'network',
  RpcClient: 'network',
  RpcCall: 'network',
  RpcServer: 'network',
  RpcServerStart: 'network',
  RpcServerRegister: 'network',
  DeleteRpcFutureResource: 'network',
  BigQueryReader: 'network',
};

/**
 * Checkpoint plumbing that every SavedModel contains (the saver graph), and vocabulary loaders
 * that read files from `assets/`. Not findings by themselves; their path input is checked when
 * it is a constant.
 */
export const PATH_INPUT_OPS: ReadonlySet<string> = new Set([
  'InitializeTableFromTextFile',
  'InitializeTableFromTextFileV2',
  'SaveV2',
  'RestoreV2',
  'Save',
  'SaveSlices',
  'Restore',
  'RestoreSlice',
  'MergeV2Checkpoints',
]);

/** Ops whose attribute names a URL or file destination. */
export const URL_ATTRS: Readonly<Record<string, string>> = {
  PrintV2: 'output_stream',
  DebugIdentity: 'debug_urls',
  DebugIdentityV2: 'debug_urls',
  DebugIdentityV3: 'debug_urls',
  DebugNanCount: 'debug_urls',
  DebugNumericSummary: 'debug_urls',
  DebugNumericSummaryV2: 'debug_urls',
  Copy: 'debug_ops_spec',
  CopyHost: 'debug_ops_spec',
  DecodeProtoV2: 'descriptor_source',
  EncodeProto: 'descriptor_source',
};

/** True when an attribute value sends data to, or reads from, outside the process. */
export function isExternalDestination(attr: string, v: string): boolean {
  const t = v.trim();
  // descriptor_source is `local://` (the linked-in pool), `bytes://…` (inline) or a file path.
  if (attr === 'descriptor_source') return t !== '' && !t.startsWith('local://') && !t.startsWith('bytes://');
  return /(file|grpc|https?|gs|s3|hdfs):\/\//i.test(t) || t.startsWith('/');
}
