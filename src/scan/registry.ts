import { dataLeakScanner } from '../data/scanner.js';
import { bzip2Scanner, lz4Scanner, lzmaScanner, xzScanner, zlibScanner } from './formats/compressed-stream.js';
import { ggufScanner } from './formats/gguf.js';
import { gzipScanner } from './formats/gzip.js';
import { hfConfigScanner } from './formats/hf-config.js';
import { kerasConfigScanner } from './formats/keras-config.js';
import { kerasH5Scanner } from './formats/keras-h5.js';
import { mlflowScanner } from './formats/mlflow.js';
import { numpyScanner } from './formats/numpy.js';
import { onnxScanner } from './formats/onnx.js';
import { pickleScanner } from './formats/pickle.js';
import { pythonSourceScanner } from './formats/python-source.js';
import { pytorchLegacyScanner } from './formats/pytorch-legacy.js';
import { pytorchZipScanner } from './formats/pytorch-zip.js';
import { safetensorsScanner } from './formats/safetensors.js';
import { sevenZipScanner } from './formats/sevenzip.js';
import { tarScanner } from './formats/tar.js';
import { tfSavedModelScanner } from './formats/tf-savedmodel.js';
import { tfliteScanner } from './formats/tflite.js';
import { zipScanner } from './formats/zip.js';
import type { FormatScanner } from './types.js';

/**
 * Every format scanner, in sniffing order: distinctive magic first, name-keyed ecosystem files next,
 * and pickle last because its sniff (a plausible first opcode) is the loosest.
 * Adding a format is one file under `formats/` and one line here.
 */
export const SCANNERS: readonly FormatScanner[] = [
  numpyScanner,
  safetensorsScanner,
  ggufScanner,
  tfliteScanner,
  kerasH5Scanner,
  pytorchZipScanner,
  pytorchLegacyScanner,
  zipScanner,
  sevenZipScanner,
  tarScanner,
  gzipScanner,
  bzip2Scanner,
  xzScanner,
  lz4Scanner,
  kerasConfigScanner,
  hfConfigScanner,
  mlflowScanner,
  dataLeakScanner,
  pythonSourceScanner,
  // Protobuf has no magic: claimed by a structural decode of the head, after every real magic.
  onnxScanner,
  tfSavedModelScanner,
  // Weak magic (two or three bytes, checked by trial decoding): after everything distinctive.
  zlibScanner,
  lzmaScanner,
  pickleScanner,
];

export function scannerById(id: string): FormatScanner | undefined {
  return SCANNERS.find((s) => s.id === id);
}
