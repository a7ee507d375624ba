/**
 * The `.npy` header: a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (10, 100), }`.
 * Hand-written literal parser (numpy itself uses `ast.literal_eval`): only str, int, bool, None,
 * tuple, list and dict; iterative-depth-capped so a hostile header cannot recurse deeply.
 */
export type PyLiteral = string | number | boolean | null | PyLiteral[] | { [k: string]: PyLiteral };

const MAX_DEPTH = 32;

class LiteralParser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(msg: string): never {
    throw new Error(`${msg} at ${this.i}`);
  }

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i] as string)) this.i++;
  }

  value(depth: number): PyLiteral {
    if (depth > MAX_DEPTH) this.fail('header nested too deeply');
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.dict(depth);
    if (c === '(' || c === '[') return this.seq(c === '(' ? ')' : ']', depth);
    if (c === "'" || c === '"') return this.str();
    const m = /^(True|False|None|[+-]?\d+L?)/.exec(this.s.slice(this.i, this.i + 40));
    if (!m) this.fail('unexpected token');
    const t = m[1] as string;
    this.i += t.length;
    if (t === 'True') return true;
    if (t === 'False') return false;
    if (t === 'None') return null;
    return Number(t.replace(/L$/, ''));
  }

  str(): string {
    const q = this.s[this.i];
    let out = '';
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i++] as string;
      if (c === q) return out;
      if (c === '\\') {
        const e = this.s[this.i++];
        out += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
      } else out += c;
    }
    return this.fail('unterminated string');
  }

  seq(close: string, depth: number): PyLiteral[] {
    this.i++;
    const out: PyLiteral[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) this.fail('expected , or closing bracket');
    }
  }

  dict(depth: number): { [k: string]: PyLiteral } {
    this.i++;
    const out: { [k: string]: PyLiteral } = Object.create(null);
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.value(depth + 1);
      if (typeof k !== 'string') this.fail('dict key must be a string');
      this.ws();
      if (this.s[this.i++] !== ':') this.fail('expected :');
      out[k] = this.value(depth + 1);
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail('expected , or }');
    }
  }
}

export function parsePyLiteral(text: string): { ok: true; value: PyLiteral } | { ok: false; message: string } {
  try {
    const p = new LiteralParser(text);
    const value = p.value(0);
    p.ws();
    if (p.i !== text.length) return { ok: false, message: `trailing characters at ${p.i}` };
    return { ok: true, value };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

export interface DtypeLayout {
  readonly itemsize: number;
  readonly hasObject: boolean;
}

const SIZED = /^[<>|=]?([biufcmMOSUVa?])(\d*)(\[\w+\])?$/;

/** Item size and object-ness of a `descr` (a type string or a structured field list). */
export function dtypeLayout(descr: PyLiteral, depth = 0): DtypeLayout | undefined {
  if (depth > 8) return undefined;
  if (typeof descr === 'string') {
    const m = SIZED.exec(descr);
    if (!m) return undefined;
    const kind = m[1] as string;
    if (kind === 'O') return { itemsize: 8, hasObject: true };
    const n = m[2] ? Number(m[2]) : kind === '?' ? 1 : 0;
    if (!Number.isSafeInteger(n) || n <= 0) return undefined;
    return { itemsize: kind === 'U' ? n * 4 : n, hasObject: false };
  }
  if (!Array.isArray(descr)) return undefined;
  let itemsize = 0;
  let hasObject = false;
  for (const field of descr) {
    if (!Array.isArray(field) || field.length < 2) return undefined;
    const sub = dtypeLayout(field[1] as PyLiteral, depth + 1);
    if (!sub) return undefined;
    let count = 1;
    const shape = field[2];
    if (Array.isArray(shape)) for (const d of shape) count *= typeof d === 'number' && d >= 0 ? d : Number.NaN;
    else if (typeof shape === 'number') count = shape;
    if (!Number.isFinite(count)) return undefined;
    itemsize += sub.itemsize * count;
    hasObject ||= sub.hasObject;
  }
  return { itemsize, hasObject };
}
