/**
 * Code checks on a project's own Python (scripts, services, notebooks): unsafe loaders, remote code,
 * unpinned downloads, LLM output reaching eval/shell/SQL, prompts assembled from user input, and
 * hard-coded keys. Parsing and call resolution are shared with the `python` format scanner
 * (src/scan/python); the rules and their context are the audit's own.
 */
import type { Node } from 'web-tree-sitter';
import type { ParseError } from '../../core/result.js';
import { classifyCall } from '../../scan/python/danger.js';
import { type CallFact, extractPython } from '../../scan/python/extract.js';
import { withPythonTree } from '../../scan/python/parser.js';
import { CODE_RULES } from '../rules.js';
import { COMMIT_SHA, HUB_DOWNLOADS, HUB_REPO_ID, SQL_FUNCTIONS, SQL_METHODS, SYSTEM_KEYWORDS } from './llm-patterns.js';
import { collect, PyTaint, pyString } from './python-taint.js';
import { CodeChecker, type ReportSyntax } from './taint-core.js';
import { type CodeContext, type CodeIssue, dedupe } from './types.js';

export interface PythonCodeResult {
  readonly issues: readonly CodeIssue[];
  readonly imports: readonly string[];
  readonly hasSyntaxErrors: boolean;
  readonly error?: ParseError;
}

const PICKLE_LOADERS = new Set([
  'pickle.load',
  'pickle.loads',
  'pickle.Unpickler',
  '_pickle.load',
  '_pickle.loads',
  'cPickle.load',
  'cPickle.loads',
  'dill.load',
  'dill.loads',
  'cloudpickle.load',
  'cloudpickle.loads',
  'pandas.read_pickle',
  'marshal.load',
  'marshal.loads',
  'shelve.open',
  'jsonpickle.decode',
]);
const JOBLIB_LOADERS = new Set(['joblib.load', 'sklearn.externals.joblib.load']);
const SAFE_YAML = /(?:^|\.)C?(?:Safe|Base)Loader$/;
const FULL_YAML = /(?:^|\.)C?FullLoader$/;

interface Call {
  readonly node: Node;
  readonly fn: Node | null;
  readonly text: string;
  readonly method: string;
  readonly resolved?: string;
  readonly fact?: CallFact;
  readonly args: Node[];
  readonly kw: ReadonlyMap<string, Node>;
}

function callOf(node: Node, taint: PyTaint, facts: ReadonlyMap<string, CallFact>): Call {
  const fn = node.childForFieldName('function');
  const args: Node[] = [];
  const kw = new Map<string, Node>();
  for (const a of node.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (name && value) kw.set(name, value);
    } else args.push(a);
  }
  const text = fn && fn.text.length <= 200 ? fn.text : '';
  const method = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : text;
  const fact = facts.get(`${node.startPosition.row + 1}:${node.startPosition.column + 1}`);
  const resolved = taint.resolved(node);
  return {
    node,
    fn,
    text,
    method,
    ...(resolved === undefined ? {} : { resolved }),
    ...(fact === undefined ? {} : { fact }),
    args,
    kw,
  };
}

const isTrue = (n: Node | undefined) => n?.type === 'true';
const isFalse = (n: Node | undefined) => n?.type === 'false';

class PythonChecker extends CodeChecker<PyTaint> {
  constructor(
    lines: readonly string[],
    taint: PyTaint,
    private readonly ctx: CodeContext,
  ) {
    super(lines, taint, PY_REPORT);
  }

  check(c: Call, scope: number): void {
    this.loaders(c);
    this.remote(c);
    this.outputSinks(c, scope);
    if (this.taint.isLlmCall(c.node)) this.llmArguments(c, scope);
  }

  private loaders(c: Call): void {
    const name = c.resolved;
    if (name && PICKLE_LOADERS.has(name)) {
      this.add(CODE_RULES.pickleLoad, c.node, `${name}() deserializes with pickle: the input can run code`);
    } else if (name && JOBLIB_LOADERS.has(name)) {
      this.add(CODE_RULES.joblibLoad, c.node, `${name}() unpickles the model file: the file can run code`);
    } else if (name === 'torch.load') {
      const wo = c.kw.get('weights_only');
      if (isTrue(wo)) return;
      if (isFalse(wo)) {
        this.add(CODE_RULES.torchLoad, c.node, 'torch.load(weights_only=False) unpickles arbitrary objects');
      } else {
        const old = this.ctx.torchBefore26 === true;
        this.add(
          CODE_RULES.torchLoad,
          c.node,
          old
            ? 'torch.load() without weights_only=True, and the project allows torch < 2.6 where unpickling everything is the default'
            : 'torch.load() without weights_only=True: unpickles arbitrary objects on torch < 2.6 (the default changed in 2.6)',
          old ? 'high' : 'medium',
        );
      }
    } else if (name === 'numpy.load') {
      if (isTrue(c.kw.get('allow_pickle')))
        this.add(CODE_RULES.numpyPickle, c.node, 'numpy.load(allow_pickle=True) unpickles object arrays');
    } else if (name === 'yaml.load' || name === 'yaml.load_all') {
      const loader = c.kw.get('Loader') ?? c.args[1];
      const text = loader?.text ?? '';
      if (loader && SAFE_YAML.test(text)) return;
      if (loader && FULL_YAML.test(text))
        this.add(CODE_RULES.yamlLoad, c.node, `${name}() with FullLoader (unsafe on PyYAML < 5.4)`, 'medium');
      else
        this.add(CODE_RULES.yamlLoad, c.node, `${name}() ${loader ? `with ${text.slice(0, 60)}` : 'without a Loader'}`);
    } else if (name === 'yaml.unsafe_load' || name === 'yaml.unsafe_load_all') {
      this.add(CODE_RULES.yamlLoad, c.node, `${name}() constructs arbitrary Python objects`);
    } else if (name === 'yaml.full_load' || name === 'yaml.full_load_all') {
      this.add(CODE_RULES.yamlLoad, c.node, `${name}() (unsafe on PyYAML < 5.4)`, 'medium');
    }
    if (/(?:^|\.)load_model$/.test(c.resolved ?? c.text) && isFalse(c.kw.get('safe_mode'))) {
      this.add(
        CODE_RULES.kerasUnsafe,
        c.node,
        'load_model(safe_mode=False) deserializes Lambda layers and Python code',
      );
    }
  }

  private remote(c: Call): void {
    const rev = c.kw.get('revision');
    const revText = rev ? pyString(rev) : undefined;
    const pinned = revText !== undefined && COMMIT_SHA.test(revText);
    const revUnknown = rev !== undefined && revText === undefined; // a variable: cannot judge
    const repo =
      c.kw.get('repo_id') ?? c.kw.get('pretrained_model_name_or_path') ?? c.kw.get('model') ?? c.kw.get('path');
    const first = repo ?? (c.method === 'pipeline' ? undefined : c.args[0]);
    const id = first ? pyString(first) : undefined;
    if (isTrue(c.kw.get('trust_remote_code'))) {
      const what = id === undefined ? 'trust_remote_code=True' : `trust_remote_code=True for "${id.slice(0, 120)}"`;
      this.add(
        CODE_RULES.trustRemoteCode,
        c.node,
        pinned
          ? `${what} (revision pinned to a commit: review that commit)`
          : `${what} without a pinned revision: the repository can change the code that runs`,
        pinned ? 'medium' : 'high',
      );
    }
    if (!HUB_DOWNLOADS.has(c.method) || pinned || revUnknown) return;
    if (id === undefined || !HUB_REPO_ID.test(id) || this.ctx.isLocalPath?.(id)) return;
    this.add(
      CODE_RULES.unpinnedDownload,
      c.node,
      `${c.method}("${id}") without revision= set to a commit hash${revText ? ` (revision="${revText.slice(0, 40)}" is a branch or tag)` : ''}`,
    );
  }

  private outputSinks(c: Call, scope: number): void {
    const all = [...c.args, ...c.kw.values()];
    const danger = c.fact ? classifyCall(c.fact) : undefined;
    if (danger?.category === 'shell' && this.llm(all, scope)) {
      this.add(CODE_RULES.shellOutput, c.node, `${danger.name}() runs a command built from LLM output`);
    } else if (
      danger?.category === 'code' &&
      (danger.name === 'eval' || danger.name === 'exec' || danger.name === 'compile') &&
      this.llm(c.args.slice(0, 1), scope)
    ) {
      this.add(CODE_RULES.evalOutput, c.node, `${danger.name}() of LLM output`);
    } else if (
      (SQL_METHODS.has(c.method) || (c.resolved !== undefined && SQL_FUNCTIONS.has(c.resolved))) &&
      this.llm(c.args.slice(0, 1), scope)
    ) {
      this.add(CODE_RULES.sqlOutput, c.node, `${c.method}() runs SQL built from LLM output`);
    }
  }

  /** Arguments of an LLM call that carry prompts assembled from user input. */
  private llmArguments(c: Call, scope: number): void {
    for (const a of c.args) this.promptSites(a, scope, false);
    for (const [k, v] of c.kw) this.promptSites(v, scope, SYSTEM_KEYWORDS.has(k));
  }
}

/** Inside `{"role": "system", "content": …}`. */
function inSystemMessage(node: Node): boolean {
  for (let p = node.parent, hops = 0; p && hops < 6; p = p.parent, hops++) {
    if (p.type === 'dictionary') {
      return p.namedChildren.some(
        (pair) =>
          pair?.type === 'pair' &&
          pair.childForFieldName('key')?.text.replace(/['"]/g, '') === 'role' &&
          /^['"]system['"]$/.test(pair.childForFieldName('value')?.text ?? ''),
      );
    }
  }
  return false;
}

/** The name a literal is bound to (assignment target, keyword, dict key), for detector context. */
function contextName(s: Node): string {
  const p = s.parent;
  if (!p) return '';
  if (p.type === 'assignment') return p.childForFieldName('left')?.text.slice(0, 80) ?? '';
  if (p.type === 'keyword_argument') return p.childForFieldName('name')?.text ?? '';
  if (p.type === 'pair') return p.childForFieldName('key')?.text.replace(/['"]/g, '').slice(0, 80) ?? '';
  return '';
}

const PY_REPORT: ReportSyntax = {
  stringValue: pyString,
  contextName,
  systemContext: inSystemMessage,
  promptMessage: {
    system: 'user input concatenated into the system prompt: it can override the instructions',
    user: 'user input concatenated into a prompt (not kept in a separate user message)',
  },
};

/** Parses `source` once and runs every Python code check; never throws. */
export async function checkPythonCode(source: string, ctx: CodeContext = {}): Promise<PythonCodeResult> {
  const r = await withPythonTree(source, (root) => {
    const facts = extractPython(root, source);
    const byPos = new Map(facts.calls.map((f) => [`${f.line}:${f.column}`, f]));
    const collected = collect(root);
    const taint = new PyTaint(collected, byPos);
    taint.solve();
    const checker = new PythonChecker(source.split('\n'), taint, ctx);
    for (const call of collected.calls) checker.check(callOf(call.node, taint, byPos), call.scope);
    checker.promptVariables();
    checker.secrets(collected.strings);
    const imports = [...new Set(facts.imports.map((i) => i.target.split('.')[0] ?? i.target))].filter(Boolean);
    return {
      issues: dedupe(checker.issues),
      imports,
      hasSyntaxErrors: facts.hasSyntaxErrors,
      truncated: facts.truncated || collected.truncated,
    };
  });
  if (!r.ok) return { issues: [], imports: [], hasSyntaxErrors: false, error: r.error };
  const { truncated, ...rest } = r.value;
  return truncated
    ? { ...rest, error: { code: 'limit_exceeded', message: 'Python file has more nodes or calls than the scan cap' } }
    : rest;
}
