import { type AstNode, identName, isNode, nodeField, nodeList } from './ast.js';

/**
 * Constant folding of the string-building tricks SSTI payloads use to hide attribute names:
 * `'__cla' ~ 'ss__'`, `'_' * 2`, `['_','_']|join`, `'%c%c'|format(95, 95)`, `'ssalc'[::-1]`,
 * `'{0}{0}class{0}{0}'.format('_')`, and `{% set n = … %}` indirection. Anything else is `undefined`
 * (unknown), never a guess.
 */
export type Folded = string | number | readonly string[] | undefined;

const MAX_STR = 4096;
const MAX_DEPTH = 64;

export type ConstEnv = ReadonlyMap<string, Folded>;

function str(v: Folded): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

function clip(s: string): string {
  return s.length > MAX_STR ? s.slice(0, MAX_STR) : s;
}

/** Python `%` formatting for the conversions payloads use (%s %c %d %x). */
function percentFormat(fmt: string, args: readonly Folded[]): string | undefined {
  let i = 0;
  let bad = false;
  const out = fmt.replace(/%([%scdrix])/g, (_m, c: string) => {
    if (c === '%') return '%';
    const a = args[i++];
    if (a === undefined) {
      bad = true;
      return '';
    }
    if (c === 'c')
      return typeof a === 'number' ? String.fromCodePoint(Math.max(0, Math.min(0x10ffff, a))) : (str(a) ?? '');
    if (c === 'x') return typeof a === 'number' ? a.toString(16) : '';
    return str(a) ?? '';
  });
  return bad ? undefined : clip(out);
}

/** Python `str.format` with positional fields only. */
function braceFormat(fmt: string, args: readonly Folded[]): string | undefined {
  let auto = 0;
  let bad = false;
  const out = fmt.replace(/\{(\d*)\}/g, (_m, idx: string) => {
    const a = args[idx === '' ? auto++ : Number(idx)];
    const s = str(a);
    if (s === undefined) bad = true;
    return s ?? '';
  });
  return bad ? undefined : clip(out);
}

function applyStringOp(name: string, target: Folded, args: readonly Folded[]): Folded {
  const s = str(target);
  switch (name) {
    case 'join': {
      const sep = str(args[0]) ?? '';
      if (Array.isArray(target)) return clip(target.join(sep));
      return s;
    }
    case 'lower':
      return s?.toLowerCase();
    case 'upper':
      return s?.toUpperCase();
    case 'string':
      return s;
    case 'trim':
    case 'strip':
      return s?.trim();
    case 'reverse':
      return s === undefined ? undefined : [...s].reverse().join('');
    case 'replace': {
      const a = str(args[0]);
      const b = str(args[1]);
      return s === undefined || a === undefined || b === undefined || a === '' ? undefined : clip(s.split(a).join(b));
    }
    case 'format':
      return s === undefined ? undefined : percentFormat(s, args);
    case 'first':
      return Array.isArray(target) ? target[0] : s?.[0];
    case 'last':
      return Array.isArray(target) ? target[target.length - 1] : s?.slice(-1);
    default:
      return undefined;
  }
}

export function fold(n: AstNode | undefined, env: ConstEnv, depth = 0): Folded {
  if (!n || depth > MAX_DEPTH) return undefined;
  const d = depth + 1;
  switch (n.type) {
    case 'StringLiteral':
      return typeof n.value === 'string' ? clip(n.value) : undefined;
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return typeof n.value === 'number' ? n.value : undefined;
    case 'ArrayLiteral':
    case 'TupleLiteral': {
      const items = Array.isArray(n.value) ? n.value.filter(isNode) : [];
      const out: string[] = [];
      for (const it of items.slice(0, 256)) {
        const s = str(fold(it, env, d));
        if (s === undefined) return undefined;
        out.push(s);
      }
      return out;
    }
    case 'Identifier':
      return env.get(String(n.value));
    case 'BinaryExpression': {
      const op = (n.operator as { value?: unknown } | undefined)?.value;
      const l = fold(nodeField(n, 'left'), env, d);
      const r = fold(nodeField(n, 'right'), env, d);
      if (op === '~') {
        const a = str(l);
        const b = str(r);
        return a === undefined || b === undefined ? undefined : clip(a + b);
      }
      if (op === '+') {
        if (typeof l === 'string' && typeof r === 'string') return clip(l + r);
        if (typeof l === 'number' && typeof r === 'number') return l + r;
        return undefined;
      }
      if (op === '*') {
        if (typeof l === 'string' && typeof r === 'number') return clip(l.repeat(Math.max(0, Math.min(r, MAX_STR))));
        if (typeof r === 'string' && typeof l === 'number') return clip(r.repeat(Math.max(0, Math.min(l, MAX_STR))));
      }
      return undefined;
    }
    case 'FilterExpression': {
      const target = fold(nodeField(n, 'operand'), env, d);
      const f = nodeField(n, 'filter');
      if (!f) return undefined;
      const name = identName(f) ?? identName(nodeField(f, 'callee'));
      if (!name) return undefined;
      const args = f.type === 'CallExpression' ? nodeList(f, 'args').map((a) => fold(a, env, d)) : [];
      return applyStringOp(name, target, args);
    }
    case 'CallExpression': {
      const callee = nodeField(n, 'callee');
      if (callee?.type !== 'MemberExpression' || callee.computed) return undefined;
      const method = identName(nodeField(callee, 'property'));
      const target = fold(nodeField(callee, 'object'), env, d);
      const args = nodeList(n, 'args').map((a) => fold(a, env, d));
      if (method === 'format' && typeof target === 'string') return braceFormat(target, args);
      if (method === 'join' && typeof target === 'string') {
        const a = args[0];
        return Array.isArray(a) ? clip(a.join(target)) : typeof a === 'string' ? clip([...a].join(target)) : undefined;
      }
      return method ? applyStringOp(method, target, args) : undefined;
    }
    case 'MemberExpression': {
      if (!n.computed) return undefined;
      const target = fold(nodeField(n, 'object'), env, d);
      const prop = nodeField(n, 'property');
      if (!prop) return undefined;
      if (prop.type === 'SliceExpression') {
        const step = fold(nodeField(prop, 'step'), env, d);
        const plain = !nodeField(prop, 'start') && !nodeField(prop, 'stop');
        if (typeof target === 'string' && plain && step === -1) return [...target].reverse().join('');
        return undefined;
      }
      const i = fold(prop, env, d);
      if (typeof i !== 'number') return undefined;
      if (typeof target === 'string') return target.at(i);
      if (Array.isArray(target)) return target.at(i);
      return undefined;
    }
    default:
      return undefined;
  }
}
