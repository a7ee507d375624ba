import { parse, tokenize } from '@huggingface/jinja';
import { cleanEvidence } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';
import { type AstNode, childrenOf, identName, isNode, nodeField, nodeList } from './ast.js';
import { type ConstEnv, type Folded, fold } from './fold.js';
import { ATTRIBUTE_PATH_FILTERS, GADGET_GLOBALS, isPrivateName, isSensitiveName } from './names.js';
import { printExpr } from './print.js';
import {
  templateAttrFilter,
  templateGadgetGlobal,
  templateLoaderTag,
  templatePrivateAttribute,
  templateSsti,
  templateTooLong,
  templateUnparsed,
} from './rules.js';
import { type TokenHit, tokenScan } from './token-scan.js';

/**
 * Static check of a Jinja chat template (GGUF `tokenizer.chat_template`, `tokenizer_config.json`,
 * `chat_template.jinja`). The template is parsed to an AST and inspected; nothing is rendered.
 * Hand-written analysis because the point is to judge templates a real runtime would execute:
 * we must see the same names Python jinja2 would resolve, including names built from pieces.
 */
export interface TemplateIssue {
  ruleId: string;
  severity: Severity;
  message: string;
  evidence: string;
}

export const DEFAULT_MAX_TEMPLATE_LENGTH = 1024 * 1024;
const MAX_AST_DEPTH = 1000;
const MAX_ISSUES = 100;

const STRING_BUILDERS = new Set(['join', 'format', 'replace', 'reverse', 'string', 'lower', 'upper']);

class Analyzer {
  readonly issues = new Map<string, TemplateIssue>();
  readonly env = new Map<string, Folded>();
  readonly locals = new Set<string>();
  readonly gadgetRefs: { name: string }[] = [];
  tooDeep = false;

  add(ruleId: string, severity: Severity, message: string, evidence: string): void {
    const key = `${ruleId}\u0000${evidence}`;
    if (this.issues.size < MAX_ISSUES && !this.issues.has(key))
      this.issues.set(key, { ruleId, severity, message, evidence: cleanEvidence(evidence) });
  }

  /** A name used as an attribute (`.x`, `['x']`, `attr('x')`, `attribute='a.x'`). */
  attribute(name: string, how: string, ev: string): void {
    if (isSensitiveName(name))
      this.add(templateSsti.id, 'high', `${how} reaches Python internal attribute \`${name}\``, ev);
    else if (isPrivateName(name))
      this.add(templatePrivateAttribute.id, 'medium', `${how} accesses underscore attribute \`${name}\``, ev);
  }

  collectLocals(root: AstNode): void {
    const stack: AstNode[] = [root];
    let seen = 0;
    while (stack.length > 0 && seen++ < 1_000_000) {
      const n = stack.pop()!;
      const bind = (b: AstNode | undefined) => {
        if (!b) return;
        const id = identName(b) ?? identName(nodeField(b, 'key'));
        if (id) this.locals.add(id);
        else if (b.type === 'TupleLiteral')
          for (const x of Array.isArray(b.value) ? b.value : []) bind(isNode(x) ? x : undefined);
      };
      if (n.type === 'Set') bind(nodeField(n, 'assignee'));
      if (n.type === 'For') bind(nodeField(n, 'loopvar'));
      if (n.type === 'Macro') {
        bind(nodeField(n, 'name'));
        nodeList(n, 'args').forEach(bind);
      }
      if (n.type === 'CallStatement') nodeList(n, 'callerArgs').forEach(bind);
      stack.push(...childrenOf(n));
    }
  }

  visitAll(list: AstNode[], depth: number): void {
    for (const n of list) this.visit(n, depth);
  }

  visit(n: AstNode | undefined, depth: number): void {
    if (!n) return;
    if (depth > MAX_AST_DEPTH) {
      this.tooDeep = true;
      return;
    }
    const d = depth + 1;
    switch (n.type) {
      case 'Identifier': {
        const name = String(n.value);
        if (isSensitiveName(name)) this.add(templateSsti.id, 'high', `names Python internal \`${name}\``, name);
        else if (GADGET_GLOBALS.has(name)) this.gadgetRefs.push({ name });
        return;
      }
      case 'MemberExpression': {
        this.visit(nodeField(n, 'object'), d);
        const prop = nodeField(n, 'property');
        if (n.computed) {
          this.visit(prop, d);
          this.subscript(n, prop);
        } else {
          const name = identName(prop);
          if (name) this.attribute(name, 'attribute access', printExpr(n));
        }
        return;
      }
      case 'FilterExpression':
      case 'FilterStatement':
        this.visit(nodeField(n, 'operand'), d);
        this.visitAll(nodeList(n, 'body'), d);
        this.filter(n, d);
        return;
      case 'TestExpression':
        this.visit(nodeField(n, 'operand'), d);
        return;
      case 'KeywordArgumentExpression': {
        const key = identName(nodeField(n, 'key'));
        // dict(__class__=1)|list turns keyword names into strings: a classic way to smuggle dunders.
        if (key && isSensitiveName(key))
          this.add(templateSsti.id, 'high', `keyword argument named \`${key}\``, printExpr(n));
        this.visit(nodeField(n, 'value'), d);
        return;
      }
      case 'Set':
        this.set(n, d);
        return;
      case 'For':
        this.visit(nodeField(n, 'iterable'), d);
        this.visitAll(nodeList(n, 'body'), d);
        this.visitAll(nodeList(n, 'defaultBlock'), d);
        return;
      case 'Macro':
        for (const a of nodeList(n, 'args')) if (a.type === 'KeywordArgumentExpression') this.visit(a, d);
        this.visitAll(nodeList(n, 'body'), d);
        return;
      case 'CallStatement':
        this.visit(nodeField(n, 'call'), d);
        this.visitAll(nodeList(n, 'body'), d);
        return;
      case 'CallExpression':
        this.visit(nodeField(n, 'callee'), d);
        this.visitAll(nodeList(n, 'args'), d);
        this.formatCall(n);
        return;
      default:
        this.visitAll(childrenOf(n), d);
    }
  }

  set(n: AstNode, d: number): void {
    const assignee = nodeField(n, 'assignee');
    if (assignee && assignee.type !== 'Identifier' && assignee.type !== 'TupleLiteral') this.visit(assignee, d);
    const value = nodeField(n, 'value');
    this.visit(value, d);
    const body = nodeList(n, 'body');
    this.visitAll(body, d);
    const name = identName(assignee);
    if (!name) return;
    let v: Folded;
    if (value) v = fold(value, this.env);
    else if (body.every((b) => b.type === 'StringLiteral')) v = body.map((b) => String(b.value)).join('');
    this.env.set(name, v);
    if (typeof v === 'string' && isSensitiveName(v.trim()))
      this.add(templateSsti.id, 'high', `assigns the attribute name \`${v.trim()}\` to \`${name}\``, printExpr(n));
  }

  subscript(n: AstNode, prop: AstNode | undefined): void {
    if (!prop || prop.type === 'SliceExpression') return;
    const v = fold(prop, this.env as ConstEnv);
    if (typeof v === 'string') {
      const how = prop.type === 'StringLiteral' ? 'subscript' : 'subscript with a computed key';
      this.attribute(v, how, printExpr(n));
    } else if (v === undefined && buildsString(prop))
      this.add(
        templateSsti.id,
        'medium',
        'subscript key is assembled from string pieces at render time and cannot be resolved statically',
        printExpr(n),
      );
  }

  filter(n: AstNode, d: number): void {
    const f = nodeField(n, 'filter');
    if (!f) return;
    const name = identName(f) ?? identName(nodeField(f, 'callee'));
    const args = f.type === 'CallExpression' ? nodeList(f, 'args') : [];
    this.visitAll(args, d);
    const ev = printExpr(n);
    if (name === 'attr') {
      const arg = args[0];
      const v = arg ? fold(arg, this.env) : undefined;
      const operand = nodeField(n, 'operand');
      const chained = operand?.type === 'FilterExpression' && filterName(operand) === 'attr';
      if (typeof v === 'string' && isSensitiveName(v)) this.attribute(v, 'attr() filter', ev);
      else if (typeof v !== 'string')
        this.add(templateAttrFilter.id, 'high', 'attr() with a name that is only known at render time', ev);
      else if (arg?.type !== 'StringLiteral')
        this.add(templateAttrFilter.id, 'high', `attr() with a name assembled from pieces (\`${v}\`)`, ev);
      else if (chained) this.add(templateAttrFilter.id, 'high', 'chained attr() filters', ev);
      else {
        this.attribute(v, 'attr() filter', ev);
        this.add(templateAttrFilter.id, 'medium', `attr('${v}') filter`, ev);
      }
      return;
    }
    if (name && ATTRIBUTE_PATH_FILTERS.has(name))
      for (const a of args) {
        const v = fold(a.type === 'KeywordArgumentExpression' ? nodeField(a, 'value') : a, this.env);
        if (typeof v === 'string') for (const seg of v.split('.')) this.attribute(seg, `${name}() attribute path`, ev);
      }
  }

  /** `'{0.__class__}'.format(x)`: str.format resolves attributes inside replacement fields. */
  formatCall(n: AstNode): void {
    const callee = nodeField(n, 'callee');
    if (callee?.type !== 'MemberExpression' || callee.computed) return;
    const method = identName(nodeField(callee, 'property'));
    if (method !== 'format' && method !== 'format_map') return;
    const fmt = fold(nodeField(callee, 'object'), this.env);
    if (typeof fmt !== 'string') return;
    for (const m of fmt.matchAll(/\{([^{}]{0,200})\}/g))
      for (const seg of (m[1] ?? '').split(/[.[\]!:]/)) this.attribute(seg, 'str.format field', printExpr(n));
  }
}

function filterName(n: AstNode): string | undefined {
  const f = nodeField(n, 'filter');
  return f ? (identName(f) ?? identName(nodeField(f, 'callee'))) : undefined;
}

/** True for a key expression that concatenates, repeats or formats strings. */
function buildsString(n: AstNode): boolean {
  if (n.type === 'BinaryExpression') {
    const op = (n.operator as { value?: unknown } | undefined)?.value;
    return op === '~' || ((op === '+' || op === '*') && hasString(n, 0));
  }
  if (n.type === 'FilterExpression') return STRING_BUILDERS.has(filterName(n) ?? '');
  if (n.type === 'CallExpression') {
    const callee = nodeField(n, 'callee');
    return callee?.type === 'MemberExpression' && STRING_BUILDERS.has(identName(nodeField(callee, 'property')) ?? '');
  }
  return false;
}

function hasString(n: AstNode, depth: number): boolean {
  if (n.type === 'StringLiteral') return true;
  return depth < 16 && childrenOf(n).some((c) => hasString(c, depth + 1));
}

/**
 * @huggingface/jinja's preprocessing regex (`(\s*){%…generation…%}`) is quadratic in the length of a
 * whitespace run: 100k spaces take seconds. Runs longer than 64 are cut to 64 before parsing; only
 * whitespace changes, which no finding depends on.
 */
function clampWhitespace(t: string): string {
  return t.replace(/\s{65,}/g, (m) => m.slice(0, 64));
}

const TOKEN_RULES: Record<TokenHit['kind'], { ruleId: string; severity: Severity; what: string }> = {
  sensitive: { ruleId: templateSsti.id, severity: 'high', what: 'Python internal name' },
  'dunder-fragment': { ruleId: templateSsti.id, severity: 'high', what: 'dunder fragment' },
  gadget: { ruleId: templateGadgetGlobal.id, severity: 'high', what: 'Jinja gadget global' },
  attr: { ruleId: templateAttrFilter.id, severity: 'medium', what: 'attr() filter' },
  'attr-chain': { ruleId: templateAttrFilter.id, severity: 'high', what: 'chained attr() filters' },
  'loader-tag': { ruleId: templateLoaderTag.id, severity: 'high', what: 'loader tag' },
};

function addTokenHits(a: Analyzer, hits: TokenHit[], note: string): void {
  for (const h of hits) {
    const r = TOKEN_RULES[h.kind];
    a.add(r.ruleId, r.severity, `${r.what} \`${h.word}\` (${note})`, h.evidence);
  }
}

export function checkChatTemplate(
  template: string,
  opts?: { maxLength?: number },
): { issues: TemplateIssue[]; parseError?: string } {
  const a = new Analyzer();
  const maxLength = opts?.maxLength ?? DEFAULT_MAX_TEMPLATE_LENGTH;
  if (template.length > maxLength) {
    a.add(
      templateTooLong.id,
      templateTooLong.severity,
      `template is ${template.length} characters (cap ${maxLength}); checked by token scan only`,
      template.slice(0, 80),
    );
    addTokenHits(a, tokenScan(template, true), 'token scan');
    return { issues: [...a.issues.values()] };
  }
  let program: AstNode;
  try {
    program = parse(tokenize(clampWhitespace(template))) as unknown as AstNode;
  } catch (e) {
    const parseError = e instanceof Error ? e.message : String(e);
    a.add(
      templateUnparsed.id,
      templateUnparsed.severity,
      `@huggingface/jinja could not parse the template (${cleanEvidence(parseError, 120)}); a conservative token scan was used instead`,
      template.slice(0, 80),
    );
    addTokenHits(a, tokenScan(template, true), 'token scan of an unparsed template');
    return { issues: [...a.issues.values()], parseError };
  }
  a.collectLocals(program);
  a.visit(program, 0);
  for (const g of a.gadgetRefs)
    if (!a.locals.has(g.name))
      a.add(templateGadgetGlobal.id, 'high', `references the Jinja global \`${g.name}\``, g.name);
  // Belt and braces: a dunder spelled through escapes the JS parser decodes differently from
  // Python would slip past the AST; the token scan sees the Python decoding.
  const astSaw = [...a.issues.values()].some((i) => i.ruleId === templateSsti.id && i.severity === 'high');
  if (a.tooDeep) addTokenHits(a, tokenScan(template, true), 'token scan; the template nests too deeply to walk');
  else if (!astSaw) addTokenHits(a, tokenScan(template, false), 'token scan');
  return { issues: [...a.issues.values()] };
}
