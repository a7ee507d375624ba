/**
 * Code checks on TypeScript/JavaScript LLM applications: completions reaching `eval`/`Function`/
 * `vm`, `child_process` or SQL, prompts assembled from request input with template literals or
 * `+`, and hard-coded provider keys. Parsed with tree-sitter (tree-sitter-typescript/-javascript).
 */
import type { Node } from 'web-tree-sitter';
import type { ParseError } from '../../core/result.js';
import { CODE_RULES } from '../rules.js';
import { type JsDialect, withJsTree } from './js-parser.js';
import { collectJs, JsTaint, jsString } from './js-taint.js';
import { SYSTEM_KEYWORDS } from './llm-patterns.js';
import { CodeChecker, type ReportSyntax } from './taint-core.js';
import { type CodeIssue, dedupe } from './types.js';

export interface JsCodeResult {
  readonly issues: readonly CodeIssue[];
  readonly hasSyntaxErrors: boolean;
  readonly error?: ParseError;
}

const SHELL_SINKS = new Set([
  'child_process.exec',
  'child_process.execSync',
  'child_process.spawn',
  'child_process.spawnSync',
  'child_process.execFile',
  'child_process.execFileSync',
  'child_process.fork',
  'execa',
  'execa.execa',
  'execa.execaSync',
  'execa.execaCommand',
  'execa.execaCommandSync',
  'execa.$',
  'shelljs.exec',
  'zx.$',
]);
const EVAL_SINKS = new Set([
  'vm.runInNewContext',
  'vm.runInThisContext',
  'vm.runInContext',
  'vm.Script',
  'vm.compileFunction',
]);
/** Any receiver: these exist to run raw SQL text. */
const RAW_SQL_METHODS = new Set(['$queryRawUnsafe', '$executeRawUnsafe', 'unsafe', 'raw']);
/** Only on receivers that look like a database handle: `query`/`execute` are common names. */
const SQL_METHODS = new Set(['query', 'execute', 'exec', 'run', 'all', 'get', 'prepare']);
const DB_RECEIVER =
  /(?:^|[._])(?:db|pool|client|conn|connection|sql|knex|prisma|sequelize|pg|mysql|sqlite|cursor|database|tx|trx)$/i;

function argsOf(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => a !== null && a.type !== 'comment',
  );
}

class JsChecker extends CodeChecker<JsTaint> {
  check(call: Node, scope: number): void {
    const args = argsOf(call);
    if (call.type === 'new_expression') {
      const ctor = call.childForFieldName('constructor');
      const q = this.taint.qualified(ctor) ?? ctor?.text;
      if ((ctor?.text === 'Function' || q === 'vm.Script') && this.llm(args, scope))
        this.add(CODE_RULES.evalOutput, call, `new ${ctor?.text}() of LLM output`);
      return;
    }
    const fn = call.childForFieldName('function');
    const q = this.taint.qualified(fn);
    const text = fn && fn.text.length <= 200 ? fn.text : '';
    if ((text === 'eval' || text === 'Function' || (q && EVAL_SINKS.has(q))) && this.llm(args.slice(0, 1), scope)) {
      this.add(CODE_RULES.evalOutput, call, `${q ?? text}() of LLM output`);
    } else if (q && SHELL_SINKS.has(q) && this.llm(args, scope)) {
      this.add(CODE_RULES.shellOutput, call, `${q}() runs a command built from LLM output`);
    } else if (fn?.type === 'member_expression' && this.llm(args.slice(0, 1), scope)) {
      const method = fn.childForFieldName('property')?.text ?? '';
      const recv = fn.childForFieldName('object')?.text.slice(0, 120) ?? '';
      if (RAW_SQL_METHODS.has(method) || (SQL_METHODS.has(method) && DB_RECEIVER.test(recv)))
        this.add(CODE_RULES.sqlOutput, call, `${method}() runs SQL built from LLM output`);
    }
    if (this.taint.isLlmCall(call)) for (const a of args) this.promptSites(a, scope, false);
  }
}

/** Under `system:`/`instructions:` of a call's options, or in `{ role: 'system', content: … }`. */
function systemContext(node: Node): boolean {
  for (let p = node.parent, hops = 0; p && hops < 6; p = p.parent, hops++) {
    if (p.type === 'pair' && SYSTEM_KEYWORDS.has(p.childForFieldName('key')?.text ?? '')) return true;
    if (p.type === 'object') {
      return p.namedChildren.some(
        (pair) =>
          pair?.type === 'pair' &&
          pair.childForFieldName('key')?.text.replace(/['"]/g, '') === 'role' &&
          /^['"`]system['"`]$/.test(pair.childForFieldName('value')?.text ?? ''),
      );
    }
  }
  return false;
}

function contextName(s: Node): string {
  const p = s.parent;
  if (!p) return '';
  if (p.type === 'variable_declarator') return p.childForFieldName('name')?.text.slice(0, 80) ?? '';
  if (p.type === 'assignment_expression') return p.childForFieldName('left')?.text.slice(0, 80) ?? '';
  if (p.type === 'pair') return p.childForFieldName('key')?.text.replace(/['"]/g, '').slice(0, 80) ?? '';
  return '';
}

const JS_REPORT: ReportSyntax = {
  stringValue: jsString,
  contextName,
  systemContext,
  promptMessage: {
    system: 'request input interpolated into the system prompt: it can override the instructions',
    user: 'request input interpolated into a prompt (not kept in a separate user message)',
  },
};

/** Parses `source` once and runs every TypeScript/JavaScript code check; never throws. */
export async function checkJsCode(source: string, dialect: JsDialect): Promise<JsCodeResult> {
  const r = await withJsTree(source, dialect, (root) => {
    const collected = collectJs(root);
    const taint = new JsTaint(collected);
    taint.solve();
    const checker = new JsChecker(source.split('\n'), taint, JS_REPORT);
    for (const c of collected.calls) checker.check(c.node, c.scope);
    checker.promptVariables();
    checker.secrets(collected.strings);
    return { issues: dedupe(checker.issues), hasSyntaxErrors: root.hasError, truncated: collected.truncated };
  });
  if (!r.ok) return { issues: [], hasSyntaxErrors: false, error: r.error };
  const { truncated, ...rest } = r.value;
  return truncated
    ? { ...rest, error: { code: 'limit_exceeded', message: 'source has more nodes than the scan cap' } }
    : rest;
}
