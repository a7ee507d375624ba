/**
 * The half of the code audit's taint analysis that does not depend on the language: USER/LLM/BUILT
 * labels on names, run over every assignment and function return to a fixpoint, and the reporting
 * of prompts assembled from user input and of literal secrets. python-taint.ts and js-taint.ts
 * supply the grammar (node types, fields, input patterns) and what only their language has
 * (import resolution, route parameters, client factories); see python-taint.ts for the design.
 */
import type { Node } from 'web-tree-sitter';
import { CODE_RULES } from '../rules.js';
import { literalSecrets, maskedLine } from './literal-secrets.js';
import {
  GENERATE_RECEIVER,
  LLM_CALL_SUFFIX,
  LLM_FUNCTIONS,
  LLM_METHODS,
  LLM_RECEIVER,
  PROMPT_NAME,
} from './llm-patterns.js';
import { BUILT, type CodeIssue, LLM, lineText, USER } from './types.js';

export const MODULE_SCOPE = 0;
const MAX_DEPTH = 60;
/** Scope chains longer than this are cut: nesting that deep is generated code, not a handler. */
const MAX_HOPS = 50;

export interface Assign {
  readonly targets: readonly string[];
  readonly value: Node;
  readonly scope: number;
}

export interface TaintFunction {
  readonly name: string;
  readonly returns: Node[];
}

/** What one walk of the tree collects for the analysis and the checks. */
export interface Collected<F extends TaintFunction = TaintFunction> {
  readonly calls: { node: Node; scope: number }[];
  readonly assigns: Assign[];
  /** Function scope id → the function; its returned expressions make its summary. */
  readonly functions: Map<number, F>;
  readonly scopeParent: Map<number, number>;
  readonly strings: Node[];
  truncated: boolean;
}

/** The grammar's names for what the analysis looks at. */
export interface TaintSyntax {
  readonly call: string;
  /** Dotted access (`a.b`) and the field naming its member. */
  readonly member: string;
  readonly memberField: string;
  readonly binary: string;
  /** A string literal that can interpolate, and the type of its interpolated parts. */
  readonly template: string;
  readonly substitution: string;
  /** Nodes that name a variable. */
  readonly names: ReadonlySet<string>;
  /** Nodes labelled by their whole text (an input pattern, a module binding) and their `object`. */
  readonly members: ReadonlySet<string>;
  /** Nodes (`key: value`, `name=value`) labelled by their `value` field alone. */
  readonly valued: ReadonlySet<string>;
  /** Nodes that never carry a label: constants, comparisons, function literals. */
  readonly inert: ReadonlySet<string>;
  /** Literal operands that make a `+` chain string building. */
  readonly strings: ReadonlySet<string>;
  readonly concatOps: ReadonlySet<string>;
  readonly formatMethods: ReadonlySet<string>;
  /** Expressions that read request or user input. */
  readonly userExpr: RegExp;
  /** The last identifier of a receiver's text. */
  readonly receiver: RegExp;
}

export abstract class TaintCore<C extends Collected = Collected> {
  protected readonly vars = new Map<number, Map<string, number>>();
  protected readonly summaries = new Map<string, number>();
  private readonly byName = new Map<string, Assign[]>();

  constructor(
    readonly c: C,
    private readonly syntax: TaintSyntax,
  ) {
    for (const a of c.assigns) {
      for (const t of a.targets) {
        const key = t.includes('.') ? t : `${a.scope}:${t}`;
        const list = this.byName.get(key);
        if (list) list.push(a);
        else this.byName.set(key, [a]);
      }
    }
  }

  /** The callee's module-qualified name when imports resolve it. */
  protected abstract calleeName(call: Node, fn: Node): string | undefined;
  /** USER when the call reads input, 0 when it sanitizes, undefined when its arguments decide. */
  protected abstract callSource(call: Node, fn: Node | null): number | undefined;
  /** A callee that is not a member access but still returns a completion. */
  protected llmCallee(_fn: Node): boolean {
    return false;
  }
  /** Runs before each assignment is labelled in a pass. */
  protected onAssign(_a: Assign): void {}
  /** Labels a name gets from the function that binds it as a parameter. */
  protected paramLabel(_name: string, _scope: number): number {
    return 0;
  }
  /** Labels of a node type the shared rules do not cover. */
  protected other(node: Node, scope: number, depth: number): number {
    return this.children(node, scope, depth);
  }

  /** Runs assignments and return summaries to a fixpoint (few passes; labels only grow). */
  solve(maxPasses = 6): void {
    for (let pass = 0; pass < maxPasses; pass++) {
      let changed = false;
      for (const a of this.c.assigns) {
        this.onAssign(a);
        const t = this.of(a.value, a.scope);
        if (t === 0) continue;
        for (const name of a.targets) changed = this.bind(name, a.scope, t) || changed;
      }
      for (const [id, fn] of this.c.functions) {
        let t = 0;
        for (const r of fn.returns) t |= this.of(r, id);
        const before = this.summaries.get(fn.name) ?? 0;
        if ((before | t) !== before) {
          this.summaries.set(fn.name, before | t);
          changed = true;
        }
      }
      if (!changed) break;
    }
  }

  private bind(name: string, scope: number, t: number): boolean {
    const s = name.includes('.') ? MODULE_SCOPE : scope;
    let m = this.vars.get(s);
    if (!m) {
      m = new Map();
      this.vars.set(s, m);
    }
    const before = m.get(name) ?? 0;
    if ((before | t) === before) return false;
    m.set(name, before | t);
    return true;
  }

  lookup(name: string, scope: number): number {
    let t = 0;
    let s: number | undefined = scope;
    for (let hops = 0; s !== undefined && hops < MAX_HOPS; hops++) {
      t |= this.vars.get(s)?.get(name) ?? 0;
      t |= this.paramLabel(name, s);
      if (s === MODULE_SCOPE) break;
      s = this.c.scopeParent.get(s);
    }
    return t;
  }

  /** True when the call returns a model completion. */
  isLlmCall(call: Node): boolean {
    if (call.type !== this.syntax.call) return false;
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    const name = this.calleeName(call, fn);
    if (name !== undefined && LLM_FUNCTIONS.has(name)) return true;
    const text = fn.text.length <= 200 ? fn.text : '';
    if (LLM_CALL_SUFFIX.test(text)) return true;
    if (fn.type !== this.syntax.member) return this.llmCallee(fn);
    const method = fn.childForFieldName(this.syntax.memberField)?.text ?? '';
    const obj = fn.childForFieldName('object');
    if (!obj) return false;
    const recv = this.receiverName(obj);
    if (method === 'generate' && GENERATE_RECEIVER.test(recv)) return true;
    return LLM_METHODS.has(method) && LLM_RECEIVER.test(recv);
  }

  /** The last plain identifier of a receiver expression (`self.llm` → `llm`, `(p | llm)` → the text). */
  private receiverName(obj: Node): string {
    const text = obj.text.slice(0, 120);
    return this.syntax.receiver.exec(text)?.[1] ?? text;
  }

  /** Taint labels of an expression. */
  of(node: Node, scope: number, depth = 0): number {
    if (depth > MAX_DEPTH) return 0;
    const s = this.syntax;
    const type = node.type;
    if (s.names.has(type)) return this.lookup(node.text, scope);
    if (s.members.has(type)) {
      const text = node.text;
      if (text.length <= 200 && s.userExpr.test(text)) return USER;
      const obj = node.childForFieldName('object');
      const own = text.length <= 120 ? (this.vars.get(MODULE_SCOPE)?.get(text) ?? 0) : 0;
      return own | (obj ? this.of(obj, scope, depth + 1) : 0);
    }
    if (type === s.call) return this.ofCall(node, scope, depth);
    if (type === s.template) {
      let t = 0;
      for (const c of node.namedChildren) if (c?.type === s.substitution) t |= this.of(c, scope, depth + 1);
      return t & USER ? t | BUILT : t;
    }
    if (type === s.binary) {
      const t = this.children(node, scope, depth);
      return t & USER && this.isConcat(node) ? t | BUILT : t;
    }
    if (s.valued.has(type)) {
      const v = node.childForFieldName('value');
      return v ? this.of(v, scope, depth + 1) : 0;
    }
    if (s.inert.has(type)) return 0;
    return this.other(node, scope, depth);
  }

  protected children(node: Node, scope: number, depth: number): number {
    let t = 0;
    for (const c of node.namedChildren) if (c && c.type !== 'comment') t |= this.of(c, scope, depth + 1);
    return t;
  }

  /** A concatenation operator over a string literal or a prompt-named operand: string building. */
  private isConcat(node: Node): boolean {
    const op = node.childForFieldName('operator')?.text;
    return op !== undefined && this.syntax.concatOps.has(op) && this.stringish(node);
  }

  private stringish(node: Node): boolean {
    for (const side of [node.childForFieldName('left'), node.childForFieldName('right')]) {
      if (!side) continue;
      if (this.syntax.strings.has(side.type)) return true;
      if (side.type === 'identifier' && PROMPT_NAME.test(side.text)) return true;
      if (side.type === this.syntax.binary && this.stringish(side)) return true;
    }
    return false;
  }

  private ofCall(node: Node, scope: number, depth: number): number {
    if (this.isLlmCall(node)) return LLM;
    const fn = node.childForFieldName('function');
    const source = this.callSource(node, fn);
    if (source !== undefined) return source;
    let t = 0;
    if (fn?.type === 'identifier') t |= this.summaries.get(fn.text) ?? 0;
    let argT = 0;
    for (const a of node.childForFieldName('arguments')?.namedChildren ?? [])
      if (a) argT |= this.of(a, scope, depth + 1);
    t |= argT;
    if (fn?.type === this.syntax.member) {
      const obj = fn.childForFieldName('object');
      if (obj) t |= this.of(obj, scope, depth + 1);
      if (argT & USER && this.isFormatCall(fn)) t |= BUILT;
    }
    return t;
  }

  private isFormatCall(fn: Node): boolean {
    return this.syntax.formatMethods.has(fn.childForFieldName(this.syntax.memberField)?.text ?? '');
  }

  /** A node that assembles a string: an interpolating literal, a concatenation, a format call. */
  isBuild(node: Node): boolean {
    const s = this.syntax;
    if (node.type === s.template) return node.namedChildren.some((c) => c?.type === s.substitution);
    if (node.type === s.binary) return this.isConcat(node);
    if (node.type === s.call) {
      const fn = node.childForFieldName('function');
      return fn?.type === s.member && this.isFormatCall(fn);
    }
    return false;
  }

  /** String-building nodes carrying user input that reach `node` (directly or through variables). */
  buildSites(node: Node, scope: number, seen = new Set<string>(), depth = 0): Node[] {
    if (depth > MAX_DEPTH) return [];
    if (this.isBuild(node) && this.of(node, scope) & USER) return [node];
    if (this.syntax.names.has(node.type) || node.type === this.syntax.member) {
      if ((this.of(node, scope) & BUILT) === 0) return [];
      const out: Node[] = [];
      for (const a of this.assignsFor(node.text, scope)) {
        const key = `${a.scope}:${node.text}:${a.value.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(...this.buildSites(a.value, a.scope, seen, depth + 1));
      }
      return out;
    }
    if (node.type === this.syntax.call && this.isLlmCall(node)) return [];
    return node.namedChildren.flatMap((c) => (c ? this.buildSites(c, scope, seen, depth + 1) : []));
  }

  private assignsFor(name: string, scope: number): Assign[] {
    if (name.includes('.')) return this.byName.get(name) ?? [];
    const out: Assign[] = [];
    let s: number | undefined = scope;
    for (let hops = 0; s !== undefined && hops < MAX_HOPS; hops++) {
      out.push(...(this.byName.get(`${s}:${name}`) ?? []));
      if (s === MODULE_SCOPE) break;
      s = this.c.scopeParent.get(s);
    }
    return out;
  }
}

/** How a language's checker words and places prompt and secret findings. */
export interface ReportSyntax {
  /** The literal text of a string without interpolation, or undefined. */
  stringValue(node: Node): string | undefined;
  /** The name a literal is bound to (assignment target, key, keyword), for the secret detectors. */
  contextName(node: Node): string;
  /** True when the node sits where the system prompt goes. */
  systemContext(node: Node): boolean;
  readonly promptMessage: { readonly system: string; readonly user: string };
}

/** Collects one file's issues; the language subclass adds its sinks. */
export class CodeChecker<T extends TaintCore> {
  readonly issues: CodeIssue[] = [];
  constructor(
    protected readonly lines: readonly string[],
    protected readonly taint: T,
    private readonly report: ReportSyntax,
  ) {}

  add(rule: CodeIssue['rule'], node: Node, message: string, severity?: CodeIssue['severity']): void {
    const line = node.startPosition.row + 1;
    this.issues.push({ rule, line, message, evidence: lineText(this.lines, line), ...(severity ? { severity } : {}) });
  }

  /** True when any of the nodes may hold a model completion. */
  protected llm(nodes: readonly Node[], scope: number): boolean {
    return nodes.some((a) => this.taint.of(a, scope) & LLM);
  }

  /** Reports the prompts assembled from user input that reach an argument of an LLM call. */
  protected promptSites(arg: Node, scope: number, system: boolean): void {
    for (const site of this.taint.buildSites(arg, scope)) this.reportPrompt(site, system);
  }

  private reportPrompt(site: Node, system: boolean): void {
    const sys = system || this.report.systemContext(site);
    this.add(
      CODE_RULES.promptConcat,
      site,
      sys ? this.report.promptMessage.system : this.report.promptMessage.user,
      sys ? 'high' : undefined,
    );
  }

  /** `prompt = f"...{user input}"` even when the LLM call is out of sight (a wrapper). */
  promptVariables(): void {
    for (const a of this.taint.c.assigns) {
      if (!a.targets.some((n) => PROMPT_NAME.test(n.split('.').pop() ?? n))) continue;
      if ((this.taint.of(a.value, a.scope) & BUILT) === 0) continue;
      const system = a.targets.some((n) => /system/i.test(n));
      this.promptSites(a.value, a.scope, system);
    }
  }

  secrets(strings: readonly Node[]): void {
    for (const s of strings) {
      const value = this.report.stringValue(s);
      if (value === undefined) continue;
      const found = literalSecrets(value, this.report.contextName(s));
      if (found.length === 0) continue;
      const line = s.startPosition.row + 1;
      this.issues.push({
        rule: CODE_RULES.hardcodedKey,
        line,
        message: `${found.map((d) => d.label).join(', ')} in a string literal`,
        evidence: maskedLine(
          lineText(this.lines, line),
          found.map((d) => d.value),
        ),
      });
    }
  }
}
