import type { ByteSource } from '../../core/byte-source.js';
import type { Limits } from '../../core/limits.js';
import { fail, type ParseError, ParseFailure } from '../../core/result.js';
import type { Severity } from '../../core/severity.js';
import { Cursor } from './cursor.js';
import type { GGUF_RULES } from './rules.js';
import { FIXED_SIZE, GGML_TYPES, MAX_DIMS, MAX_TENSOR_NAME, GGUF_VALUE_TYPES as T } from './tables.js';

/**
 * GGUF header, metadata and tensor-info reader (format per ggml-org/ggml docs/gguf.md).
 * Hand-written because loaders of this format have had memory-safety bugs exactly where a
 * reader trusts declared counts: every count and length here is checked against the bytes left
 * in the file before it is used, and tensor data is never read.
 */
export type GgufScalar = number | bigint | boolean | string;

export interface GgufKv {
  readonly key: string;
  readonly type: number;
  readonly offset: number;
  /** Scalar value, or a string clipped to 4 KiB (chat templates are kept whole in `templates`). */
  readonly value?: GgufScalar;
  readonly arrayType?: number;
  readonly count?: number;
}

export interface GgufTensor {
  readonly name: string;
  readonly dims: readonly bigint[];
  readonly type: number;
  readonly offset: bigint;
}

export interface GgufIssue {
  readonly rule: keyof typeof GGUF_RULES;
  readonly message: string;
  readonly offset: number;
  readonly evidence?: string;
  readonly severity?: Severity;
}

export interface GgufFile {
  version?: number;
  littleEndian: boolean;
  tensorCount?: number;
  kvCount?: number;
  readonly kvs: Map<string, GgufKv>;
  readonly templates: { key: string; text: string; offset: number }[];
  readonly tensors: GgufTensor[];
  dataStart?: number;
  readonly issues: GgufIssue[];
  error?: ParseError;
}

const MAX_KEY = 64 * 1024;
const MAX_KV = 1_000_000;
const MAX_TENSORS = 1_000_000;
const MAX_ARRAY_DEPTH = 3;
const KEEP_STRING = 4096;
const MAX_ISSUES = 100;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

export function isTemplateKey(key: string): boolean {
  return key === 'tokenizer.chat_template' || key.startsWith('tokenizer.chat_template.');
}

class Reader {
  readonly file: GgufFile = { littleEndian: true, kvs: new Map(), templates: [], tensors: [], issues: [] };
  private cur!: Cursor;
  private wide = true; // v2+: 64-bit counts and lengths

  constructor(
    private readonly src: ByteSource,
    private readonly limits: Limits,
  ) {}

  issue(i: GgufIssue): void {
    if (this.file.issues.length < MAX_ISSUES) this.file.issues.push(i);
  }

  /** A declared count or length checked against what is left in the file; failing is high. */
  bound(what: string, declared: bigint, unit: number, at: number): number {
    const left = BigInt(this.cur.remaining);
    if (declared * BigInt(Math.max(1, unit)) > left) {
      this.issue({
        rule: 'sizeOutOfBounds',
        message: `${what} declares ${declared}${unit > 1 ? ` × ≥${unit} bytes` : ' bytes'} but only ${left} bytes remain`,
        offset: at,
        evidence: `${what}=${declared}`,
      });
      fail('invalid_structure', `${what} exceeds the file`, at);
    }
    return Number(declared);
  }

  async count(): Promise<bigint> {
    return this.wide ? this.cur.u64() : BigInt(await this.cur.u32());
  }

  async header(): Promise<void> {
    const head = await this.src.read(0, 8);
    if (head.length < 8 || head[0] !== 0x47 || head[1] !== 0x47 || head[2] !== 0x55 || head[3] !== 0x46)
      fail('bad_magic', 'not a GGUF file');
    const dv = new DataView(head.buffer, head.byteOffset, 8);
    const le = dv.getUint32(4, true);
    const be = dv.getUint32(4, false);
    // GGUF v3 allows big-endian files; the version field then reads byte-swapped.
    const littleEndian = !(le > 3 && be >= 1 && be <= 3);
    const version = littleEndian ? le : be;
    this.file.littleEndian = littleEndian;
    this.file.version = version;
    if (version < 1 || version > 3) {
      this.issue({
        rule: 'unsupportedVersion',
        message: `GGUF version ${version} (expected 1–3)`,
        offset: 4,
        evidence: `version=${version}`,
      });
      fail('unsupported_version', `GGUF version ${version}`, 4);
    }
    this.wide = version >= 2;
    const budget = this.limits.maxHeaderBytes > 0 ? this.limits.maxHeaderBytes : Number.MAX_SAFE_INTEGER;
    this.cur = new Cursor(this.src, 8, littleEndian, budget);
    const at = this.cur.pos;
    const tensors = await this.count();
    const kvs = await this.count();
    this.file.tensorCount = this.bound('tensor count', tensors, 24, at);
    this.file.kvCount = this.bound('metadata key/value count', kvs, this.wide ? 13 : 9, at + (this.wide ? 8 : 4));
    if (this.file.kvCount > MAX_KV) fail('limit_exceeded', `more than ${MAX_KV} metadata entries`, at);
    if (this.file.tensorCount > MAX_TENSORS) fail('limit_exceeded', `more than ${MAX_TENSORS} tensors`, at);
  }

  async string(what: string, keepAll: boolean, cap?: number): Promise<{ text: string; length: number }> {
    const at = this.cur.pos;
    const len = this.bound(`${what} length`, await this.count(), 1, at);
    if (cap !== undefined && len > cap) {
      this.issue({ rule: 'invalidStructure', message: `${what} is ${len} bytes (cap ${cap})`, offset: at });
      fail('invalid_structure', `${what} too long`, at);
    }
    if (!keepAll && len > KEEP_STRING) {
      this.cur.skip(len);
      return { text: '', length: len };
    }
    const bytes = await this.cur.bytes(len);
    return { text: lossy.decode(bytes), length: len };
  }

  async key(): Promise<string> {
    const at = this.cur.pos;
    const len = this.bound('key length', await this.count(), 1, at);
    if (len > MAX_KEY) {
      this.issue({ rule: 'invalidStructure', message: `metadata key is ${len} bytes`, offset: at });
      fail('invalid_structure', 'metadata key too long', at);
    }
    const bytes = await this.cur.bytes(len);
    try {
      return utf8.decode(bytes);
    } catch {
      this.issue({ rule: 'invalidStructure', message: 'metadata key is not UTF-8', offset: at });
      return lossy.decode(bytes);
    }
  }

  async scalar(type: number): Promise<GgufScalar> {
    const c = this.cur;
    switch (type) {
      case T.UINT8:
        return c.u8();
      case T.INT8:
        return c.i8();
      case T.UINT16:
        return c.u16();
      case T.INT16:
        return c.i16();
      case T.UINT32:
        return c.u32();
      case T.INT32:
        return c.i32();
      case T.FLOAT32:
        return c.f32();
      case T.BOOL:
        return (await c.u8()) !== 0;
      case T.UINT64:
        return c.u64();
      case T.INT64:
        return c.i64();
      case T.FLOAT64:
        return c.f64();
      default:
        return fail('invalid_structure', `no scalar of type ${type}`, c.pos);
    }
  }

  unknownType(type: number, at: number): never {
    this.issue({ rule: 'invalidStructure', message: `unknown metadata value type ${type}`, offset: at });
    return fail('invalid_structure', `unknown value type ${type}`, at);
  }

  /** Walks an array without keeping it; fixed-size elements are skipped unread. */
  async array(key: string, depth: number): Promise<{ arrayType: number; count: number }> {
    const at = this.cur.pos;
    const arrayType = await this.cur.u32();
    const declared = await this.count();
    if (depth >= MAX_ARRAY_DEPTH) {
      this.issue({ rule: 'invalidStructure', message: `arrays nested ${depth + 1} deep in ${key}`, offset: at });
      fail('limit_exceeded', 'arrays nested too deeply', at);
    }
    const fixed = FIXED_SIZE[arrayType];
    const min =
      fixed ?? (arrayType === T.STRING ? (this.wide ? 8 : 4) : arrayType === T.ARRAY ? 4 + (this.wide ? 8 : 4) : 0);
    if (min === 0) this.unknownType(arrayType, at);
    const count = this.bound(`array length of ${key}`, declared, min, at + 4);
    if (fixed !== undefined) this.cur.skip(fixed * count);
    else
      for (let i = 0; i < count; i++) {
        if (arrayType === T.STRING) {
          const len = this.bound(`string length in ${key}`, await this.count(), 1, this.cur.pos);
          this.cur.skip(len);
        } else await this.array(key, depth + 1);
      }
    return { arrayType, count };
  }

  async kv(): Promise<void> {
    const at = this.cur.pos;
    const key = await this.key();
    const type = await this.cur.u32();
    let kv: GgufKv;
    if (type === T.STRING) {
      const template = isTemplateKey(key);
      const s = await this.string(`value of ${key}`, template);
      if (template) this.file.templates.push({ key, text: s.text, offset: at });
      kv = { key, type, offset: at, value: s.text.length > KEEP_STRING ? s.text.slice(0, KEEP_STRING) : s.text };
    } else if (type === T.ARRAY) {
      kv = { key, type, offset: at, ...(await this.array(key, 0)) };
    } else if (FIXED_SIZE[type] !== undefined) {
      kv = { key, type, offset: at, value: await this.scalar(type) };
    } else this.unknownType(type, at + 8);
    if (this.file.kvs.has(key))
      this.issue({
        rule: 'invalidStructure',
        message: `duplicate metadata key ${JSON.stringify(key)}`,
        offset: at,
        evidence: key,
      });
    else this.file.kvs.set(key, kv);
  }

  async tensor(): Promise<void> {
    const at = this.cur.pos;
    const { text: name, length } = await this.string('tensor name', true, MAX_KEY);
    if (length >= MAX_TENSOR_NAME)
      this.issue({
        rule: 'invalidStructure',
        message: `tensor name is ${length} bytes (llama.cpp allows < ${MAX_TENSOR_NAME})`,
        offset: at,
        evidence: name,
      });
    const nDims = await this.cur.u32();
    if (nDims > MAX_DIMS) {
      this.issue({
        rule: 'sizeOutOfBounds',
        message: `tensor ${JSON.stringify(name)} has ${nDims} dimensions (ggml allows ${MAX_DIMS})`,
        offset: at,
        evidence: `n_dims=${nDims}`,
      });
      fail('invalid_structure', 'too many tensor dimensions', at);
    }
    const dims: bigint[] = [];
    for (let i = 0; i < nDims; i++) dims.push(this.wide ? await this.cur.u64() : BigInt(await this.cur.u32()));
    const type = await this.cur.u32();
    const offset = await this.cur.u64();
    const elements = dims.reduce((p, d) => p * d, 1n);
    if (elements >= 1n << 63n)
      this.issue({
        rule: 'sizeOutOfBounds',
        message: `tensor ${JSON.stringify(name)} shape [${dims.join(', ')}] overflows 64 bits`,
        offset: at,
        evidence: `[${dims.join(', ')}]`,
      });
    this.file.tensors.push({ name, dims, type, offset });
  }

  async run(): Promise<void> {
    await this.header();
    for (let i = 0; i < (this.file.kvCount ?? 0); i++) await this.kv();
    for (let i = 0; i < (this.file.tensorCount ?? 0); i++) await this.tensor();
    this.file.dataStart = this.cur.pos;
  }
}

export async function readGguf(src: ByteSource, limits: Limits): Promise<GgufFile> {
  const r = new Reader(src, limits);
  try {
    await r.run();
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    r.file.error = e.error;
  }
  return r.file;
}

/** Bytes of a tensor's data, or undefined for an unknown type or a shape that does not fit its blocks. */
export function tensorBytes(t: GgufTensor): bigint | undefined {
  const info = GGML_TYPES[t.type];
  if (!info) return undefined;
  const [, block, size] = info;
  const elements = t.dims.reduce((p, d) => p * d, 1n);
  if (elements % BigInt(block) !== 0n) return undefined;
  return (elements / BigInt(block)) * BigInt(size);
}
