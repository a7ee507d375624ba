import type { Severity } from '../../core/severity.js';
import { DANGEROUS_OPS } from '../tf/ops.js';
import type { FlatReader } from './flatbuffer.js';
import type { TFLITE_RULES } from './rules.js';

/**
 * Walks a TFLite Model flatbuffer (tensorflow/lite/schema/schema.fbs): Model { version = 0,
 * operator_codes = 1, subgraphs = 2, description = 3, buffers = 4, metadata = 6 };
 * OperatorCode { deprecated_builtin_code = 0, custom_code = 1, version = 2, builtin_code = 3 };
 * Buffer { data = 0, offset = 1, size = 2 }; SubGraph { tensors = 0, operators = 3, name = 4 };
 * Tensor { buffer = 2 }; Operator { opcode_index = 0 }.
 */
export interface TfliteIssue {
  readonly rule: keyof typeof TFLITE_RULES;
  readonly message: string;
  readonly offset: number;
  readonly evidence?: string;
  readonly severity?: Severity;
}

export interface TfliteInfo {
  version?: number;
  description?: string;
  subgraphs: number;
  buffers: number;
  readonly builtinCodes: Map<number, number>;
  readonly customCodes: string[];
  readonly metadataNames: string[];
}

const BUILTIN_CUSTOM = 32;
const MAX_OPCODES = 100_000;
const MAX_SUBGRAPHS = 10_000;
const MAX_BUFFERS = 10_000_000;
const MAX_ITEMS = 1_000_000;

/** Custom ops that ship with TFLite's own kernels (tensorflow/lite/kernels custom ops). */
const TFLITE_SHIPPED_CUSTOM = new Set([
  'TFLite_Detection_PostProcess',
  'Mfcc',
  'AudioSpectrogram',
  'MaxPoolingWithArgmax2D',
  'MaxUnpooling2D',
  'Convolution2DTransposeBias',
]);

export async function walkTflite(fb: FlatReader, issues: TfliteIssue[], info: TfliteInfo): Promise<void> {
  const add = (i: TfliteIssue) => issues.length < 200 && issues.push(i);
  const root = await fb.root();
  const v = await fb.field(root, 0);
  if (v !== undefined) info.version = await fb.u32(v);
  const desc = await fb.string(root, 3, 256);
  if (desc !== undefined) info.description = desc;

  const codes = await fb.vector(root, 1, 4, MAX_OPCODES);
  const opcodeCount = codes?.[1] ?? 0;
  for (let i = 0; i < opcodeCount; i++) {
    const t = await fb.tableAt(codes![0], i);
    const dep = await fb.field(t, 0);
    const cur = await fb.field(t, 3);
    const builtin = Math.max(dep === undefined ? 0 : await fb.i8(dep), cur === undefined ? 0 : await fb.i32(cur));
    if (builtin !== BUILTIN_CUSTOM) {
      info.builtinCodes.set(builtin, (info.builtinCodes.get(builtin) ?? 0) + 1);
      continue;
    }
    const custom = (await fb.string(t, 1, 256)) ?? '';
    if (info.customCodes.length < 256) info.customCodes.push(custom);
    if (custom.startsWith('Flex')) {
      const tfOp = custom.slice(4);
      const category = DANGEROUS_OPS[tfOp];
      add({
        rule: 'flexOp',
        severity: category ? 'high' : 'medium',
        message: category
          ? `operator code ${i} is the Flex op ${custom}: TensorFlow's ${tfOp} (${category}) runs in the interpreter`
          : `operator code ${i} is the Flex op ${custom} (needs the TensorFlow Flex delegate)`,
        offset: t,
        evidence: custom,
      });
    } else if (!TFLITE_SHIPPED_CUSTOM.has(custom))
      add({
        rule: 'customOp',
        message: `operator code ${i} is the custom op ${JSON.stringify(custom)}`,
        offset: t,
        evidence: custom,
      });
  }

  const buffers = await fb.vector(root, 4, 4, MAX_BUFFERS);
  const bufferCount = buffers?.[1] ?? 0;
  info.buffers = bufferCount;
  for (let i = 0; i < bufferCount; i++) {
    const t = await fb.tableAt(buffers![0], i);
    const offField = await fb.field(t, 1);
    const sizeField = await fb.field(t, 2);
    if (offField === undefined && sizeField === undefined) {
      await fb.vector(t, 0, 1, Number.MAX_SAFE_INTEGER); // bounds-checks inline data
      continue;
    }
    const off = offField === undefined ? 0n : await fb.u64(offField);
    const size = sizeField === undefined ? 0n : await fb.u64(sizeField);
    if (off + size > BigInt(fb.size))
      add({
        rule: 'bufferOutOfBounds',
        message: `buffer ${i} [${off}, ${off + size}) lies outside the ${fb.size}-byte file`,
        offset: t,
        evidence: `offset=${off} size=${size}`,
      });
  }

  const subgraphs = await fb.vector(root, 2, 4, MAX_SUBGRAPHS);
  info.subgraphs = subgraphs?.[1] ?? 0;
  for (let s = 0; s < info.subgraphs; s++) {
    const sg = await fb.tableAt(subgraphs![0], s);
    const tensors = await fb.vector(sg, 0, 4, MAX_ITEMS);
    for (let i = 0; i < (tensors?.[1] ?? 0); i++) {
      const t = await fb.tableAt(tensors![0], i);
      const b = await fb.field(t, 2);
      const idx = b === undefined ? 0 : await fb.u32(b);
      if (idx >= bufferCount && bufferCount > 0)
        add({
          rule: 'invalidStructure',
          message: `subgraph ${s} tensor ${i} refers to buffer ${idx} of ${bufferCount}`,
          offset: t,
        });
    }
    const ops = await fb.vector(sg, 3, 4, MAX_ITEMS);
    for (let i = 0; i < (ops?.[1] ?? 0); i++) {
      const o = await fb.tableAt(ops![0], i);
      const f = await fb.field(o, 0);
      const idx = f === undefined ? 0 : await fb.u32(f);
      if (idx >= opcodeCount)
        add({
          rule: 'invalidStructure',
          message: `subgraph ${s} operator ${i} refers to opcode ${idx} of ${opcodeCount}`,
          offset: o,
        });
    }
  }

  const meta = await fb.vector(root, 6, 4, 10_000);
  for (let i = 0; i < (meta?.[1] ?? 0) && info.metadataNames.length < 64; i++)
    info.metadataNames.push((await fb.string(await fb.tableAt(meta![0], i), 0, 256)) ?? '');
}
