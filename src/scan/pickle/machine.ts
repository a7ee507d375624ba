// Case labels are numeric literals (names in comments): V8 compiles a switch over property
// loads (`case OP.MARK:`) as a chain of loads and compares, several times slower per opcode.
/**
 * The symbolic pickle machine: executes every opcode of protocols 0–5 over symbolic values. It
 * never imports or calls anything; imports and calls become events for the analyzer.
 *
 * Hand-written rather than built on a disassembler because the semantics that matter for
 * security are the loader's (CPython `Modules/_pickle.c`): the stack fence at the top MARK, POP
 * popping a MARK, STACK_GLOBAL requiring `str` operands, FRAME prefetching (see reader.ts),
 * joblib reading array bytes between opcodes. Iterative only: nesting depth costs heap, not
 * call stack.
 */
import type { Limits } from '../../core/limits.js';
import { EXTENSION_REGISTRY } from './call-shapes.js';
import { isJoblibWrapper, joblibLayout } from './joblib-array.js';
import { opName } from './opcodes.js';
import { type FrameMode, PickleReader, VmStop } from './reader.js';
import { knownResult, resolveGlobal } from './resolve.js';
import {
  IDENTIFIER_PATH,
  latin1At,
  lineText,
  longAt,
  parseFloatLine,
  parseIntLine,
  pyQuoted,
  rawUnicodeEscape,
  STRING_HEAD,
  STRING_KEEP,
  utf8At,
} from './text.js';
import {
  asGlobal,
  BytesRef,
  type CallHow,
  CallResult,
  GlobalRef,
  KeepBudget,
  LongStr,
  OPAQUE_BUFFER,
  OPAQUE_INT,
  Opaque,
  PersRef,
  Seq,
  type Value,
} from './values.js';
import { NEED_BYTES } from './window.js';

/** What the machine reports while it runs; the analyzer turns these into findings. */
export interface MachineSink {
  onImport(g: GlobalRef, opcode: string): void;
  /** STACK_GLOBAL operands that are not literal strings: the import is decided at load time. */
  onComputedImport(module: Value, name: Value, offset: number): void;
  onExtension(code: number, offset: number): void;
  onCall(call: CallResult): void;
  /** BUILD, SETITEM(S), APPEND(S), ADDITEMS onto a value: the analyzer flags writes onto globals. */
  onWrite(target: Value, payload: Value, offset: number, opcode: string): void;
  /** joblib inline array data skipped by the machine. */
  onInlineArray(offset: number, length: number, objectArray: boolean): void;
  onOpcodes(count: number): void;
}

export interface MachineOptions {
  readonly limits: Limits;
  readonly mode: FrameMode;
  readonly signal?: AbortSignal | undefined;
  /** Sniff mode: strict identifier names, no nested object-array streams. */
  readonly strictNames?: boolean;
  /** Cap on opcodes for this run (defaults to limits.maxOpcodes). */
  readonly maxOpcodes?: number;
}

/** `resume()` returns NEED_BYTES when the window lacks bytes: refill it (window.ts) and resume. */
export type Resumed = StreamResult | typeof NEED_BYTES;

export interface StreamResult {
  readonly start: number;
  /** Offset after STOP (or where the stream broke off). */
  readonly end: number;
  readonly stopped: boolean;
  readonly error?: VmStop;
  readonly opcodes: number;
}

const KEEP_BUDGET = 2_000_000;
const MAX_NESTED_ARRAY_STREAMS = 4;
/** Bytes kept of a bytes operand: enough for evidence; the payload itself is skipped, not read. */
const BYTES_HEAD = 32;
/**
 * Decoded text one stream may keep beyond short strings: the machine's memory is bounded by its
 * caps on entries, and this bounds what the entries hold, whatever the size of the input. Past
 * it, strings longer than STRING_HEAD keep only their head (as very long ones always do): no
 * decision needs more (names are short, evidence shows 80 characters).
 */
const STRING_BUDGET = 16 * 1024 * 1024;
/** `loop()` results. */
const STOPPED = 0;
const CHILD_PENDING = 1;

/** A joblib object array: a whole pickle the loader reads between two opcodes of this one. */
interface ChildStream {
  readonly machine: PickleMachine;
  readonly startPos: number;
}

export class PickleMachine {
  private stack: Value[] = [];
  private marks: number[] = [];
  private fence = 0;
  private memoArr: (Value | undefined)[] = [];
  private memoMap: Map<number, Value> | undefined;
  private memoCount = 0;
  private budget = new KeepBudget(KEEP_BUDGET);
  private opcodes = 0;
  /** Opcode count at the current opcode's start, restored when the opcode is retried. */
  private markedOpcodes = 0;
  private readonly maxOpcodes: number;
  // Copied out of the options: callers build options and limits objects of different shapes, and
  // reading them through one hot function made V8 throw its optimized code away on the next shape.
  private readonly maxMemo: number;
  private readonly maxStack: number;
  private readonly strictNames: boolean;
  private readonly signal: AbortSignal | undefined;
  private startPos = 0;
  private opcodesAtStart = 0;
  private child: ChildStream | undefined;
  private strBudget = STRING_BUDGET;
  private markedBudget = STRING_BUDGET;

  constructor(
    private readonly reader: PickleReader,
    private readonly sink: MachineSink,
    private readonly opts: MachineOptions,
    private readonly arrayDepth = 0,
  ) {
    this.maxOpcodes = opts.maxOpcodes ?? opts.limits.maxOpcodes;
    this.maxMemo = opts.limits.maxMemo;
    this.maxStack = opts.limits.maxStackDepth;
    this.strictNames = opts.strictNames === true;
    this.signal = opts.signal;
  }

  /** Starts one pickle at the reader's position; run it with `resume()`. */
  begin(): void {
    this.startPos = this.reader.pos;
    this.stack = [];
    this.marks = [];
    this.fence = 0;
    this.memoArr = [];
    this.memoMap = undefined;
    this.memoCount = 0;
    this.budget = new KeepBudget(KEEP_BUDGET);
    this.opcodesAtStart = this.opcodes;
    this.child = undefined;
    this.strBudget = STRING_BUDGET;
  }

  /**
   * Runs the pickle to STOP or to the error that ends it, or until the window lacks bytes
   * (returns `NEED`; every opcode executed so far stays done). Never throws.
   */
  resume(): Resumed {
    try {
      for (;;) {
        if (this.child) {
          const res = this.child.machine.resume();
          if (res === NEED_BYTES) return NEED_BYTES;
          this.finishChild(this.child, res);
        }
        if (this.loop() === STOPPED) {
          const n = this.opcodes - this.opcodesAtStart;
          this.sink.onOpcodes(n);
          return { start: this.startPos, end: this.reader.consumed, stopped: true, opcodes: n };
        }
      }
    } catch (e) {
      if (e === NEED_BYTES) {
        // Nothing of the interrupted opcode happened: it runs again once the bytes are there.
        this.reader.rewind();
        this.opcodes = this.markedOpcodes;
        this.strBudget = this.markedBudget;
        return NEED_BYTES;
      }
      const err =
        e instanceof VmStop
          ? e
          : new VmStop('invalid_structure', `internal error: ${(e as Error).message}`, this.reader.pos);
      return this.abort(err);
    }
  }

  /** Ends the stream with `err` (the driver could not supply bytes, or the VM stopped). */
  abort(err: VmStop): StreamResult {
    if (this.child) this.child.machine.abort(err);
    this.child = undefined;
    const n = this.opcodes - this.opcodesAtStart;
    this.sink.onOpcodes(n);
    return { start: this.startPos, end: this.reader.pos, stopped: false, error: err, opcodes: n };
  }

  /** One whole stream over a window that holds all the data (sniffing, in-memory buffers). */
  runStream(): StreamResult {
    this.begin();
    const res = this.resume();
    return res === NEED_BYTES ? this.abort(new VmStop('truncated', 'pickle data was truncated', this.reader.pos)) : res;
  }

  private underflow(at: number): never {
    throw new VmStop(
      'invalid_structure',
      this.marks.length ? 'unexpected MARK found' : 'unpickling stack underflow',
      at,
    );
  }

  private pop(at: number): Value {
    if (this.stack.length <= this.fence) this.underflow(at);
    return this.stack.pop() as Value;
  }

  private top(at: number): Value {
    if (this.stack.length <= this.fence) this.underflow(at);
    return this.stack[this.stack.length - 1] as Value;
  }

  /** Pops to the top MARK; returns the index of the first item above it. */
  private popMark(at: number): number {
    const m = this.marks.pop();
    if (m === undefined) throw new VmStop('invalid_structure', 'could not find MARK', at);
    this.fence = this.marks.length ? (this.marks[this.marks.length - 1] as number) : 0;
    return m;
  }

  private seqFrom(kind: 'list' | 'tuple' | 'set' | 'frozenset', from: number): Seq {
    const s = new Seq(kind, this.budget);
    const st = this.stack;
    for (let i = from; i < st.length; i++) s.push(st[i] as Value);
    st.length = from;
    return s;
  }

  private memoPut(idx: number, at: number): void {
    if (idx < 0) throw new VmStop('invalid_structure', 'negative memo index', at);
    const v = this.top(at);
    const arr = this.memoArr;
    // Indices are dense in real pickles: an array beats a Map by an order of magnitude.
    if (idx <= arr.length + 0xffff) {
      if (arr[idx] === undefined) this.countMemo(at);
      while (arr.length < idx) arr.push(undefined);
      arr[idx] = v;
      return;
    }
    this.memoMap ??= new Map();
    if (!this.memoMap.has(idx)) this.countMemo(at);
    this.memoMap.set(idx, v);
  }

  private countMemo(at: number): void {
    if (this.memoCount >= this.maxMemo) throw new VmStop('limit_exceeded', `memo exceeds ${this.maxMemo} entries`, at);
    this.memoCount++;
  }

  private memoGet(idx: number, at: number): void {
    const v = idx < this.memoArr.length ? this.memoArr[idx] : this.memoMap?.get(idx);
    if (v === undefined) throw new VmStop('invalid_structure', `memo value not found at index ${idx}`, at);
    this.stack.push(v);
  }

  private importGlobal(module: string, name: string, at: number, op: string): GlobalRef {
    if (this.strictNames && (!IDENTIFIER_PATH.test(module) || !IDENTIFIER_PATH.test(name)))
      throw new VmStop('invalid_structure', 'not an identifier', at);
    const g = resolveGlobal(module, name, at);
    this.sink.onImport(g, op);
    return g;
  }

  private call(callee: Value, args: Value, how: CallHow, at: number): CallResult {
    const c = new CallResult(callee, args, how, at);
    const g = asGlobal(callee);
    if (g) c.resolved = knownResult(g, args, at);
    this.sink.onCall(c);
    return c;
  }

  private lengthOf(n: number, at: number): number {
    if (n > this.reader.dataEnd - this.reader.pos)
      throw new VmStop('truncated', `declared length ${n} runs past the end of the data`, at);
    return n;
  }

  /**
   * Executes opcodes until STOP (returns STOPPED) or a joblib object array (CHILD_PENDING).
   * Every read happens before the opcode changes any state, so an opcode that throws NEED_BYTES
   * can be re-run from its `mark()`; the one exception (joblib padding after BUILD) is ensured
   * up front. Operand bytes are read from `r.cur` after the read that selected it.
   */
  private loop(): number {
    const r = this.reader;
    const st = this.stack;
    const maxStack = this.maxStack;
    const signal = this.signal;
    for (;;) {
      r.mark();
      this.markedOpcodes = this.opcodes;
      this.markedBudget = this.strBudget;
      const i = r.take(1);
      const op = r.cur[i] as number;
      const at = r.pos - 1;
      if (++this.opcodes > this.maxOpcodes)
        throw new VmStop('limit_exceeded', `more than ${this.maxOpcodes} opcodes`, at);
      if ((this.opcodes & 0xffff) === 0 && signal?.aborted) throw new VmStop('timeout', 'time budget exhausted', at);
      if (st.length > maxStack || this.marks.length > maxStack)
        throw new VmStop('limit_exceeded', `stack deeper than ${maxStack}`, at);
      switch (op) {
        case 0x28: // MARK
          this.marks.push(st.length);
          this.fence = st.length;
          break;
        case 0x2e: // STOP
          this.pop(at);
          return STOPPED;
        case 0x30: // POP
          if (this.marks.length && this.marks[this.marks.length - 1] === st.length) this.popMark(at);
          else this.pop(at);
          break;
        case 0x31: // POP_MARK
          st.length = this.popMark(at);
          break;
        case 0x32: // DUP
          st.push(this.top(at));
          break;
        case 0x46: {
          // FLOAT
          const s = r.line();
          const v = parseFloatLine(lineText(r.cur, s, r.lineEnd));
          if (v === undefined) throw new VmStop('invalid_structure', 'could not convert string to float', at);
          st.push(v);
          break;
        }
        case 0x49: {
          // INT
          const s = r.line();
          const t = lineText(r.cur, s, r.lineEnd);
          if (t === '01' || t === '00') st.push(t === '01');
          else {
            const v = parseIntLine(t);
            if (v === undefined) throw new VmStop('invalid_structure', 'invalid literal for int()', at);
            st.push(v);
          }
          break;
        }
        case 0x4c: {
          // LONG
          const s = r.line();
          const v = parseIntLine(lineText(r.cur, s, r.lineEnd));
          if (v === undefined) throw new VmStop('invalid_structure', 'invalid literal for long()', at);
          st.push(Number.isSafeInteger(v) ? v : OPAQUE_INT);
          break;
        }
        case 0x4a: {
          // BININT
          st.push(r.u32() | 0);
          break;
        }
        case 0x4b: // BININT1
          st.push(r.u8());
          break;
        case 0x4d: {
          // BININT2
          st.push(r.u16());
          break;
        }
        case 0x8a: // LONG1
        case 0x8b: {
          // LONG4
          let n: number;
          if (op === 0x8a /* LONG1 */) n = r.u8();
          else {
            n = r.u32() | 0;
            if (n < 0) throw new VmStop('invalid_structure', 'LONG pickle has negative byte count', at);
          }
          // Only values up to 6 bytes are kept, so longer ones are skipped unread.
          const p = n > 6 ? r.takeLazy(this.lengthOf(n, at), 0) : r.take(this.lengthOf(n, at));
          st.push(smallLong(r.cur, p, n));
          break;
        }
        case 0x4e: // NONE
          st.push(null);
          break;
        case 0x88: // NEWTRUE
          st.push(true);
          break;
        case 0x89: // NEWFALSE
          st.push(false);
          break;
        case 0x50: {
          // PERSID
          st.push(new PersRef(this.lineName(r.line())));
          break;
        }
        case 0x51: // BINPERSID
          st.push(new PersRef(this.pop(at)));
          break;
        case 0x52: {
          // REDUCE
          const args = this.pop(at);
          const fn = this.pop(at);
          st.push(this.call(fn, args, 'reduce', at));
          break;
        }
        case 0x53: {
          // STRING
          const s = r.line();
          const len = r.lineEnd - s;
          // Too long to keep: only the head is decoded, and the closing quote is not looked
          // at (it may lie outside the window). Accepting it is the cautious side: a loader that
          // refuses the line stops there, one that accepts it goes on to what follows.
          if (len > STRING_KEEP || this.overBudget(len)) {
            st.push(longAt(r.cur, s, len, false));
            break;
          }
          const v = pyQuoted(lineText(r.cur, s, r.lineEnd));
          if (v === undefined) throw new VmStop('invalid_structure', 'the STRING opcode argument must be quoted', at);
          st.push(v);
          break;
        }
        case 0x54: // BINSTRING
        case 0x55: {
          // SHORT_BINSTRING
          let n: number;
          if (op === 0x55 /* SHORT_BINSTRING */) n = r.u8();
          else {
            n = r.u32() | 0;
            if (n < 0) throw new VmStop('invalid_structure', 'BINSTRING pickle has negative byte count', at);
          }
          st.push(this.takeString(n, at, true));
          break;
        }
        case 0x56: {
          // UNICODE
          const s = r.line();
          st.push(
            this.overBudget(r.lineEnd - s)
              ? longAt(r.cur, s, r.lineEnd - s, false)
              : rawUnicodeEscape(lineText(r.cur, s, r.lineEnd)),
          );
          break;
        }
        case 0x8c: {
          // SHORT_BINUNICODE
          const n = r.u8();
          const p = r.take(n);
          st.push(utf8At(r.cur, p, n));
          break;
        }
        case 0x58: // BINUNICODE
        case 0x8d: {
          // BINUNICODE8
          const n = op === 0x58 /* BINUNICODE */ ? r.u32() : r.u64(at);
          st.push(this.takeString(n, at, false));
          break;
        }
        case 0x43: {
          // SHORT_BINBYTES
          st.push(this.takeBytes(r.u8(), 'bytes'));
          break;
        }
        case 0x42: // BINBYTES
        case 0x8e: // BINBYTES8
        case 0x96: {
          // BYTEARRAY8
          const n = op === 0x42 /* BINBYTES */ ? r.u32() : r.u64(at);
          st.push(this.takeBytes(this.lengthOf(n, at), op === 0x96 /* BYTEARRAY8 */ ? 'bytearray' : 'bytes'));
          break;
        }
        case 0x97: // NEXT_BUFFER
          st.push(OPAQUE_BUFFER);
          break;
        case 0x98: // READONLY_BUFFER
          this.top(at);
          break;
        case 0x61: {
          // APPEND: like the C loader's do_append, the target may sit below the top MARK.
          if (st.length < 2) this.underflow(at);
          const v = st.pop() as Value;
          const target = st[st.length - 1] as Value;
          if (target instanceof Seq) target.push(v);
          else this.sink.onWrite(target, v, at, 'APPEND');
          break;
        }
        case 0x65: {
          // APPENDS
          const m = this.popMark(at);
          if (m < 1) this.underflow(at);
          const target = st[m - 1] as Value;
          if (target instanceof Seq) for (let i = m; i < st.length; i++) target.push(st[i] as Value);
          else if (st.length > m) this.sink.onWrite(target, this.seqFrom('list', m), at, 'APPENDS');
          st.length = m;
          break;
        }
        case 0x90: {
          // ADDITEMS
          const m = this.popMark(at);
          if (m < 1) this.underflow(at);
          const target = st[m - 1] as Value;
          if (target instanceof Seq) for (let i = m; i < st.length; i++) target.push(st[i] as Value);
          else if (st.length > m) this.sink.onWrite(target, this.seqFrom('set', m), at, 'ADDITEMS');
          st.length = m;
          break;
        }
        case 0x62: {
          // BUILD
          // A joblib wrapper reads its padding byte after the stack has changed: fetch it first.
          if (st.length >= 2 && isJoblibWrapper(st[st.length - 2] as Value)) r.ensureFileByte();
          const state = this.pop(at);
          const inst = this.top(at);
          if (inst instanceof CallResult && inst.state === undefined) inst.state = state;
          this.sink.onWrite(inst, state, at, 'BUILD');
          if (isJoblibWrapper(inst)) {
            st[st.length - 1] = this.joblibArray(state, at);
            if (this.child) return CHILD_PENDING;
          }
          break;
        }
        case 0x63: // GLOBAL
        case 0x69: {
          // INST
          const module = this.lineName(r.line());
          const name = this.lineName(r.line());
          const g = this.importGlobal(module, name, at, op === 0x63 /* GLOBAL */ ? 'GLOBAL' : 'INST');
          if (op === 0x63 /* GLOBAL */) st.push(g);
          else {
            const m = this.popMark(at);
            st.push(this.call(g, this.seqFrom('tuple', m), 'inst', at));
          }
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop(at);
          const module = this.pop(at);
          const lit = (v: Value) => typeof v === 'string' || v instanceof LongStr;
          if (lit(module) && lit(name)) {
            const ms = typeof module === 'string' ? module : (module as LongStr).head;
            const ns = typeof name === 'string' ? name : (name as LongStr).head;
            st.push(this.importGlobal(ms, ns, at, 'STACK_GLOBAL'));
          } else if (isComputed(module) || isComputed(name)) {
            this.sink.onComputedImport(module, name, at);
            st.push(new Opaque('computed global'));
          } else {
            throw new VmStop('invalid_structure', 'STACK_GLOBAL requires str', at);
          }
          break;
        }
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: {
          // EXT4
          const code = op === 0x82 /* EXT1 */ ? r.u8() : op === 0x83 /* EXT2 */ ? r.u16() : r.u32() | 0;
          if (code <= 0) throw new VmStop('invalid_structure', 'EXT specifies code <= 0', at);
          this.sink.onExtension(code, at);
          const known = EXTENSION_REGISTRY[code];
          if (known) {
            const dot = known.lastIndexOf('.');
            st.push(this.importGlobal(known.slice(0, dot), known.slice(dot + 1), at, opName(op)));
          } else
            st.push(new GlobalRef(`ext:${code}`, `copyreg.extension[${code}]`, 'copyreg', '', false, false, at, false));
          break;
        }
        case 0x64: {
          // DICT
          const m = this.popMark(at);
          if ((st.length - m) % 2 !== 0) throw new VmStop('invalid_structure', 'odd number of items for DICT', at);
          const d = new Seq('dict', this.budget);
          for (let i = m; i < st.length; i += 2) d.pushPair(st[i] as Value, st[i + 1] as Value);
          st.length = m;
          st.push(d);
          break;
        }
        case 0x7d: // EMPTY_DICT
          st.push(new Seq('dict', this.budget));
          break;
        case 0x73: {
          // SETITEM: like do_setitems in the C loader, no MARK fence applies.
          if (st.length < 3) this.underflow(at);
          const v = st.pop() as Value;
          const k = st.pop() as Value;
          const target = st[st.length - 1] as Value;
          if (target instanceof Seq) target.pushPair(k, v);
          else {
            const pair = new Seq('tuple', this.budget);
            pair.push(k);
            pair.push(v);
            this.sink.onWrite(target, pair, at, 'SETITEM');
          }
          break;
        }
        case 0x75: {
          // SETITEMS
          const m = this.popMark(at);
          if (m < 1) this.underflow(at);
          if ((st.length - m) % 2 !== 0) throw new VmStop('invalid_structure', 'odd number of items for SETITEMS', at);
          const target = st[m - 1] as Value;
          const d = target instanceof Seq ? target : new Seq('dict', this.budget);
          for (let i = m; i < st.length; i += 2) d.pushPair(st[i] as Value, st[i + 1] as Value);
          if (!(target instanceof Seq) && st.length > m) this.sink.onWrite(target, d, at, 'SETITEMS');
          st.length = m;
          break;
        }
        case 0x67: {
          // GET
          const s = r.line();
          const idx = parseIntLine(lineText(r.cur, s, r.lineEnd));
          if (idx === undefined) throw new VmStop('invalid_structure', 'invalid GET index', at);
          this.memoGet(idx, at);
          break;
        }
        case 0x68: // BINGET
          this.memoGet(r.u8(), at);
          break;
        case 0x6a: // LONG_BINGET
          this.memoGet(r.u32(), at);
          break;
        case 0x70: {
          // PUT
          const s = r.line();
          const idx = parseIntLine(lineText(r.cur, s, r.lineEnd));
          if (idx === undefined) throw new VmStop('invalid_structure', 'invalid PUT index', at);
          this.memoPut(idx, at);
          break;
        }
        case 0x71: // BINPUT
          this.memoPut(r.u8(), at);
          break;
        case 0x72: // LONG_BINPUT
          this.memoPut(r.u32() | 0, at);
          break;
        case 0x94: // MEMOIZE
          this.memoPut(this.memoCount, at);
          break;
        case 0x6c: // LIST
          st.push(this.seqFrom('list', this.popMark(at)));
          break;
        case 0x5d: // EMPTY_LIST
          st.push(new Seq('list', this.budget));
          break;
        case 0x74: // TUPLE
          st.push(this.seqFrom('tuple', this.popMark(at)));
          break;
        case 0x29: // EMPTY_TUPLE
          st.push(new Seq('tuple', this.budget));
          break;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: {
          // TUPLE3
          const n = op - 0x85 /* TUPLE1 */ + 1;
          if (st.length - n < this.fence) this.underflow(at);
          st.push(this.seqFrom('tuple', st.length - n));
          break;
        }
        case 0x8f: // EMPTY_SET
          st.push(new Seq('set', this.budget));
          break;
        case 0x91: // FROZENSET
          st.push(this.seqFrom('frozenset', this.popMark(at)));
          break;
        case 0x6f: {
          // OBJ
          const m = this.popMark(at);
          if (st.length <= m) throw new VmStop('invalid_structure', 'OBJ without a class', at);
          const cls = st[m] as Value;
          const args = this.seqFrom('tuple', m + 1);
          st.length = m;
          st.push(this.call(cls, args, 'obj', at));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop(at);
          const cls = this.pop(at);
          st.push(this.call(cls, args, 'newobj', at));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = this.pop(at);
          const args = this.pop(at);
          const cls = this.pop(at);
          const c = this.call(cls, args, 'newobj_ex', at);
          if (kwargs instanceof Seq && kwargs.count > 0) c.state = kwargs;
          st.push(c);
          break;
        }
        case 0x80: {
          // PROTO
          const v = r.u8();
          if (v > 5) throw new VmStop('unsupported_version', `unsupported pickle protocol: ${v}`, at);
          break;
        }
        case 0x95: {
          // FRAME
          const n = r.u64(at);
          r.frame(n, at);
          break;
        }
        case 0x47: {
          // BINFLOAT
          // Value not kept: a boxed double per opcode dominates GC on float-heavy pickles, and
          // no security decision depends on a float.
          r.take(8);
          st.push(FLOAT);
          break;
        }
        default:
          throw new VmStop('invalid_structure', `invalid load key, '${opName(op)}'`, at);
      }
    }
  }

  /**
   * joblib's NumpyArrayWrapper: after BUILD the loader reads the array straight from the file
   * (joblib/numpy_pickle.py `read_array`): an optional padding-length byte and padding, then
   * prod(shape)·itemsize raw bytes — or, for object arrays, a whole nested pickle.
   */
  private joblibArray(state: Value, at: number): Value {
    const layout = joblibLayout(state, at);
    const r = this.reader;
    if (layout.object) {
      if (this.arrayDepth >= MAX_NESTED_ARRAY_STREAMS || this.strictNames)
        throw new VmStop('limit_exceeded', 'nested joblib object arrays too deep', at);
      const startPos = r.inFrame && r.mode === 'file' ? r.filePos : r.pos;
      const inner = new PickleReader(r.win, startPos, r.dataEnd, r.mode);
      const sub = new PickleMachine(inner, this.sink, this.opts, this.arrayDepth + 1);
      // The nested stream may span many windows: it runs from `resume()`, between two opcodes
      // of this stream, and `finishChild` moves this reader past it.
      sub.begin();
      this.child = { machine: sub, startPos };
      return new Opaque('ndarray[object]');
    }
    let padStart = -1;
    if (layout.aligned) {
      padStart = r.fileRead(1);
      const pad = r.byteAt(padStart);
      if (pad) r.fileRead(pad);
    }
    const n = layout.bytes;
    if (!Number.isSafeInteger(n) || n > r.dataEnd)
      throw new VmStop('truncated', 'joblib array larger than the file', at);
    const p = r.fileRead(n);
    this.sink.onInlineArray(padStart >= 0 ? padStart : p, p + n - (padStart >= 0 ? padStart : p), false);
    return new Opaque('ndarray');
  }

  /** After a joblib object array's nested pickle: the loader's file now stands past it. */
  private finishChild(child: ChildStream, res: StreamResult): void {
    this.child = undefined;
    if (res.error) throw res.error;
    this.sink.onInlineArray(child.startPos, res.end - child.startPos, true);
    this.reader.fileRead(res.end - child.startPos);
  }

  /** A string operand: ones longer than text.ts keeps (or over budget) are skipped past their head. */
  private takeString(n: number, at: number, latin1Text: boolean): string | LongStr {
    const len = this.lengthOf(n, at);
    const r = this.reader;
    if (len > STRING_KEEP || (len > STRING_HEAD && len > this.strBudget)) {
      const i = r.takeLazy(len, STRING_HEAD);
      return longAt(r.cur, i, len, latin1Text);
    }
    const i = r.take(len);
    if (len > STRING_HEAD) this.strBudget -= len;
    return latin1Text ? latin1At(r.cur, i, len) : utf8At(r.cur, i, len);
  }

  /** Whether a decoded line of `len` bytes is over the string budget (else it is spent). */
  private overBudget(len: number): boolean {
    if (len <= STRING_HEAD || len > STRING_KEEP) return false;
    if (len > this.strBudget) return true;
    this.strBudget -= len;
    return false;
  }

  /** A line operand kept as a name (GLOBAL, INST, PERSID): its head once the budget is spent. */
  private lineName(s: number): string {
    const r = this.reader;
    return lineText(r.cur, s, this.overBudget(r.lineEnd - s) ? s + STRING_HEAD : r.lineEnd);
  }

  /** A bytes operand: only its head is read; the payload stays in the file (see nested.ts). */
  private takeBytes(n: number, kind: 'bytes' | 'bytearray'): BytesRef {
    const r = this.reader;
    const k = Math.min(n, BYTES_HEAD);
    const i = r.takeLazy(n, k);
    return new BytesRef(r.cur.slice(i, i + k), r.pos - n, n, kind);
  }
}

function isComputed(v: Value): boolean {
  return v instanceof CallResult || v instanceof Opaque || v instanceof PersRef || v instanceof GlobalRef;
}

const FLOAT = new Opaque('float');

/** LONG1/LONG4 payload: little-endian two's complement; only small values are kept exactly. */
function smallLong(b: Uint8Array, p: number, n: number): number | Opaque {
  if (n === 0) return 0;
  if (n > 6) return OPAQUE_INT;
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (b[p + i] as number);
  if ((b[p + n - 1] as number) & 0x80) v -= 2 ** (8 * n);
  return v;
}
