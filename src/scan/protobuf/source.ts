import type { ByteSource } from '../../core/byte-source.js';
import { fail } from '../../core/result.js';
import { decodeField, decodeVarint, WIRE, type WireField } from './wire.js';

const CHUNK = 64 * 1024;
const MAX_HEADER = 20; // longest tag + longest length varint

export interface ProtoBudget {
  /** Most bytes fetched from the source (structure only: skipped payloads cost nothing). */
  readonly maxBytes: number;
  /** Most fields decoded in total, across every message. */
  readonly maxFields: number;
}

/**
 * Lazy protobuf access over a ByteSource: `fields(start, end)` yields the fields of the message
 * occupying [start, end) reading only their headers; a field's payload is fetched only when a
 * caller asks for it with `bytes`/`text`. Big payloads (ONNX raw_data, TF tensor_content) are
 * stepped over, never read.
 */
export class ProtoSource {
  private winStart = 0;
  private win: Uint8Array = new Uint8Array(0);
  fetched = 0;
  fieldsSeen = 0;

  constructor(
    readonly src: ByteSource,
    private readonly budget: ProtoBudget,
  ) {}

  get size(): number {
    return this.src.size;
  }

  /** Bytes [pos, pos+n) — from the window when possible. May return fewer at the end of the source. */
  private async view(pos: number, n: number): Promise<{ buf: Uint8Array; base: number }> {
    const rel = pos - this.winStart;
    if (rel >= 0 && rel + n <= this.win.length) return { buf: this.win, base: this.winStart };
    const len = Math.min(Math.max(n, CHUNK), this.src.size - pos);
    if (this.fetched + len > this.budget.maxBytes)
      fail('limit_exceeded', `protobuf structure larger than the ${this.budget.maxBytes}-byte read cap`, pos);
    const bytes = await this.src.read(pos, len);
    this.fetched += bytes.length;
    this.winStart = pos;
    this.win = bytes;
    return { buf: bytes, base: pos };
  }

  async *fields(start: number, end: number): AsyncGenerator<WireField> {
    if (end > this.src.size) fail('truncated', `message [${start}, ${end}) runs past the end of the file`, start);
    let pos = start;
    while (pos < end) {
      if (++this.fieldsSeen > this.budget.maxFields)
        fail('limit_exceeded', `more than ${this.budget.maxFields} protobuf fields`, pos);
      const n = Math.min(MAX_HEADER, end - pos);
      const { buf, base } = await this.view(pos, n);
      const f = decodeField(buf, pos - base, Math.min(buf.length, end - base), end - base);
      if (!f) fail('invalid_structure', `malformed protobuf field at ${pos}`, pos);
      const field = { ...f, start: f.start + base, end: f.end + base };
      yield field;
      pos = field.end;
    }
  }

  async bytes(f: WireField, cap: number): Promise<Uint8Array> {
    const n = Math.min(cap, f.end - f.start);
    if (n <= 0) return new Uint8Array(0);
    if (n > CHUNK) {
      if (this.fetched + n > this.budget.maxBytes)
        fail('limit_exceeded', 'protobuf payload over the read cap', f.start);
      this.fetched += n;
      return this.src.read(f.start, n);
    }
    const { buf, base } = await this.view(f.start, n);
    return buf.subarray(f.start - base, f.start - base + n);
  }

  async text(f: WireField, cap = 64 * 1024): Promise<string> {
    return decoder.decode(await this.bytes(f, cap));
  }

  /** Packed or unpacked repeated varints (ONNX dims, TF shapes). */
  async varints(f: WireField, cap = 64): Promise<bigint[]> {
    if (f.wire === WIRE.VARINT) return f.varint === undefined ? [] : [f.varint];
    if (f.wire !== WIRE.LEN) return [];
    const b = await this.bytes(f, cap * 10);
    const out: bigint[] = [];
    let p = 0;
    while (p < b.length && out.length < cap) {
      const v = decodeVarint(b, p);
      if (!v) break;
      out.push(v[0]);
      p = v[1];
    }
    return out;
  }
}

const decoder = new TextDecoder('utf-8');
