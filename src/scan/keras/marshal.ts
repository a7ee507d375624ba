/**
 * A bounded decoder for CPython `marshal` data, enough to read the code object of a Keras Lambda
 * layer (`marshal.dumps(func.__code__)`, base64-encoded in the model config). Hand-written because
 * no JavaScript library reads marshal, and because it must survive hostile bytes: every length is
 * checked against the bytes left, nesting and object counts are capped, and nothing is executed.
 *
 * The code-object layout changed across Python versions and the stream does not say which one
 * wrote it, so the decoder tries the known layouts and keeps the first that parses cleanly.
 */
import { fail, ParseFailure } from '../../core/result.js';

export type MarshalValue =
  | { readonly t: 'none' | 'null' | 'ellipsis' | 'stopiteration' | 'other' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'float' }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'bytes'; readonly v: Uint8Array }
  | { readonly t: 'seq'; readonly items: readonly MarshalValue[] }
  | { readonly t: 'code'; readonly code: CodeObject };

export type CodeLayout = 'py311' | 'py38' | 'py30' | 'py27';

export interface CodeObject {
  readonly layout: CodeLayout;
  readonly name: string;
  readonly qualname?: string;
  readonly filename: string;
  readonly firstLine: number;
  readonly argCount: number;
  /** co_names: globals and attributes the bytecode touches (`os`, `system`). */
  readonly names: readonly string[];
  /** co_varnames (or the local part of co_localsplusnames on 3.11+). */
  readonly varnames: readonly string[];
  readonly consts: readonly MarshalValue[];
  readonly bytecodeLength: number;
}

export interface MarshalLimits {
  readonly maxDepth: number;
  readonly maxObjects: number;
}

export const DEFAULT_MARSHAL_LIMITS: MarshalLimits = { maxDepth: 100, maxObjects: 200_000 };

const FLAG_REF = 0x80;
const LAYOUTS: readonly CodeLayout[] = ['py311', 'py38', 'py30', 'py27'];
const INT_FIELDS: Record<CodeLayout, number> = { py311: 5, py38: 6, py30: 5, py27: 4 };

class Decoder {
  pos = 0;
  private objects = 0;
  private readonly refs: MarshalValue[] = [];
  private readonly interned: string[] = [];
  private readonly utf8 = new TextDecoder('utf-8', { fatal: false });
  private readonly latin1 = new TextDecoder('latin1');

  constructor(
    private readonly buf: Uint8Array,
    private readonly layout: CodeLayout,
    private readonly limits: MarshalLimits,
  ) {}

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) fail('truncated', 'marshal data ends early', this.pos);
  }
  private u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }
  private i32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
  }
  private size(): number {
    const n = this.i32();
    // Every element costs at least one byte, so a count beyond the bytes left is a lie.
    if (n < 0 || n > this.buf.length - this.pos)
      fail('invalid_structure', `marshal size ${n} exceeds the data`, this.pos);
    return n;
  }
  private take(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  value(depth: number): MarshalValue {
    if (depth > this.limits.maxDepth) fail('limit_exceeded', `marshal nesting deeper than ${this.limits.maxDepth}`);
    if (++this.objects > this.limits.maxObjects) fail('limit_exceeded', `more than ${this.limits.maxObjects} objects`);
    const at = this.pos;
    const code = this.u8();
    const type = String.fromCharCode(code & ~FLAG_REF);
    let slot = -1;
    if (code & FLAG_REF) {
      slot = this.refs.length;
      this.refs.push({ t: 'other' });
    }
    const v = this.body(type, depth, at);
    if (slot >= 0) this.refs[slot] = v;
    return v;
  }

  private seq(n: number, depth: number): MarshalValue {
    const items: MarshalValue[] = [];
    for (let i = 0; i < n; i++) items.push(this.value(depth + 1));
    return { t: 'seq', items };
  }

  private body(type: string, depth: number, at: number): MarshalValue {
    switch (type) {
      case '0':
        return { t: 'null' };
      case 'N':
        return { t: 'none' };
      case 'F':
        return { t: 'bool', v: false };
      case 'T':
        return { t: 'bool', v: true };
      case 'S':
        return { t: 'stopiteration' };
      case '.':
        return { t: 'ellipsis' };
      case 'i':
        return { t: 'int', v: this.i32() };
      case 'I':
        this.take(8);
        return { t: 'int', v: 0 };
      case 'l': {
        const n = Math.abs(this.i32());
        if (n * 2 > this.buf.length - this.pos) fail('invalid_structure', 'marshal long exceeds the data', at);
        this.take(n * 2);
        return { t: 'int', v: 0 };
      }
      case 'g':
        this.take(8);
        return { t: 'float' };
      case 'y':
        this.take(16);
        return { t: 'float' };
      case 'f':
        this.take(this.u8());
        return { t: 'float' };
      case 'x':
        this.take(this.u8());
        this.take(this.u8());
        return { t: 'float' };
      case 's': {
        const bytes = this.take(this.size());
        // Python 2 wrote text as 's'; keep a string view next to the bytes for evidence.
        return this.layout === 'py27' ? { t: 'str', v: this.latin1.decode(bytes) } : { t: 'bytes', v: bytes };
      }
      case 't': {
        const s = this.utf8.decode(this.take(this.size()));
        if (this.layout === 'py27') this.interned.push(s);
        return { t: 'str', v: s };
      }
      case 'R': {
        if (this.layout !== 'py27') fail('invalid_structure', 'marshal stringref outside Python 2', at);
        const s = this.interned[this.i32()];
        if (s === undefined) fail('invalid_structure', 'marshal stringref out of range', at);
        return { t: 'str', v: s };
      }
      case 'u':
        return { t: 'str', v: this.utf8.decode(this.take(this.size())) };
      case 'a':
      case 'A':
        return { t: 'str', v: this.latin1.decode(this.take(this.size())) };
      case 'z':
      case 'Z':
        return { t: 'str', v: this.latin1.decode(this.take(this.u8())) };
      case '(':
      case '[':
      case '<':
      case '>':
        return this.seq(this.size(), depth);
      case ')':
        return this.seq(this.u8(), depth);
      case ':':
        return this.seq(3, depth);
      case '{': {
        const items: MarshalValue[] = [];
        for (;;) {
          const k = this.value(depth + 1);
          if (k.t === 'null') break;
          items.push(k, this.value(depth + 1));
        }
        return { t: 'seq', items };
      }
      case 'r': {
        const index = this.i32();
        const v = this.refs[index];
        if (index < 0 || v === undefined) fail('invalid_structure', `marshal reference ${index} out of range`, at);
        return v;
      }
      case 'c':
        return { t: 'code', code: this.code(depth) };
      default:
        return fail('invalid_structure', `unknown marshal type 0x${type.charCodeAt(0).toString(16)}`, at);
    }
  }

  private expect<K extends MarshalValue['t']>(v: MarshalValue, t: K, what: string): Extract<MarshalValue, { t: K }> {
    if (v.t !== t) fail('invalid_structure', `code object ${what} is ${v.t}, not ${t}`, this.pos);
    return v as Extract<MarshalValue, { t: K }>;
  }
  private strings(v: MarshalValue, what: string): string[] {
    return this.expect(v, 'seq', what).items.map((i) => this.expect(i, 'str', `${what} item`).v);
  }
  private text(v: MarshalValue, what: string): string {
    return this.expect(v, 'str', what).v;
  }

  private code(depth: number): CodeObject {
    const ints: number[] = [];
    for (let i = 0; i < INT_FIELDS[this.layout]; i++) ints.push(this.i32());
    const bytecode = this.expect(this.value(depth + 1), this.layout === 'py27' ? 'str' : 'bytes', 'co_code');
    const consts = this.expect(this.value(depth + 1), 'seq', 'co_consts').items;
    const names = this.strings(this.value(depth + 1), 'co_names');
    const next = () => this.value(depth + 1);
    if (this.layout === 'py311') {
      const localsplus = this.strings(next(), 'co_localsplusnames');
      this.expect(next(), 'bytes', 'co_localspluskinds');
      const filename = this.text(next(), 'co_filename');
      const name = this.text(next(), 'co_name');
      const qualname = this.text(next(), 'co_qualname');
      const firstLine = this.i32();
      this.expect(next(), 'bytes', 'co_linetable');
      this.expect(next(), 'bytes', 'co_exceptiontable');
      const bytecodeLength = 'v' in bytecode ? bytecode.v.length : 0;
      const varnames = localsplus;
      return {
        layout: this.layout,
        name,
        qualname,
        filename,
        firstLine,
        argCount: ints[0]!,
        names,
        varnames,
        consts,
        bytecodeLength,
      };
    }
    const varnames = this.strings(next(), 'co_varnames');
    this.strings(next(), 'co_freevars');
    this.strings(next(), 'co_cellvars');
    const filename = this.text(next(), 'co_filename');
    const name = this.text(next(), 'co_name');
    const firstLine = this.i32();
    next(); // lnotab
    const bytecodeLength = 'v' in bytecode ? bytecode.v.length : 0;
    return {
      layout: this.layout,
      name,
      filename,
      firstLine,
      argCount: ints[0]!,
      names,
      varnames,
      consts,
      bytecodeLength,
    };
  }

  top(): CodeObject {
    const v = this.value(0);
    return this.expect(v, 'code', 'top-level value').code;
  }
}

/**
 * Decodes a marshalled code object. Tries each known layout; the first that parses to a code
 * object with well-typed fields wins. Throws ParseFailure when none does.
 */
export function decodeCodeObject(bytes: Uint8Array, limits: MarshalLimits = DEFAULT_MARSHAL_LIMITS): CodeObject {
  let firstError: ParseFailure | undefined;
  for (const layout of LAYOUTS) {
    try {
      const d = new Decoder(bytes, layout, limits);
      const code = d.top();
      if (d.pos === bytes.length) return code;
      firstError ??= new ParseFailure({ code: 'invalid_structure', message: 'trailing bytes after code object' });
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      // A resource limit is a verdict on the data, not a sign of the wrong layout.
      if (e.error.code === 'limit_exceeded') throw e;
      firstError ??= e;
    }
  }
  throw firstError ?? new ParseFailure({ code: 'invalid_structure', message: 'not a marshalled code object' });
}

/** Everything a code object (and the code objects nested in its constants) names, for evidence. */
export interface CodeSummary {
  readonly functions: readonly string[];
  readonly names: readonly string[];
  readonly strings: readonly string[];
  readonly varnames: readonly string[];
  readonly layout: CodeLayout;
}

export function summarizeCode(code: CodeObject, maxItems = 200): CodeSummary {
  const functions = new Set<string>();
  const names = new Set<string>();
  const strings = new Set<string>();
  const varnames = new Set<string>();
  const visit = (c: CodeObject, depth: number) => {
    functions.add(c.qualname ?? c.name);
    for (const n of c.names) if (names.size < maxItems) names.add(n);
    for (const n of c.varnames) if (varnames.size < maxItems) varnames.add(n);
    const walk = (v: MarshalValue, d: number) => {
      if (d > 50) return;
      if (v.t === 'str' && strings.size < maxItems) strings.add(v.v);
      else if (v.t === 'seq') for (const i of v.items) walk(i, d + 1);
      else if (v.t === 'code' && depth < 50) visit(v.code, depth + 1);
    };
    for (const k of c.consts) walk(k, 0);
  };
  visit(code, 0);
  return {
    functions: [...functions],
    names: [...names],
    strings: [...strings],
    varnames: [...varnames],
    layout: code.layout,
  };
}
