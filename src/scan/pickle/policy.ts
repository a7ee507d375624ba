/** Looks resolved globals up in the deny/allow tables of globals.ts. */
import { ALLOW } from './allow-list.js';
import { DENY, type DenyEntry } from './globals.js';
import type { GlobalRef } from './values.js';

export type Verdict =
  | { readonly kind: 'deny'; readonly entry: DenyEntry; readonly pattern: string }
  | { readonly kind: 'allow' }
  | { readonly kind: 'unknown'; readonly reason?: string };

const denyExact = new Map<string, DenyEntry>();
const denyModule = new Map<string, DenyEntry>();
const denyPrefix: [string, DenyEntry][] = [];
for (const [pattern, entry] of Object.entries(DENY)) {
  if (pattern.endsWith('.*')) denyModule.set(pattern.slice(0, -2), entry);
  else if (pattern.endsWith('*')) denyPrefix.push([pattern.slice(0, -1), entry]);
  else denyExact.set(pattern, entry);
}
const allowExact = new Set<string>();
const allowModule = new Set<string>();
for (const p of ALLOW) {
  if (p.endsWith('.*')) allowModule.add(p.slice(0, -2));
  else allowExact.add(p);
}

/** `a.b.c` → `a.b.c`, `a.b`, `a` */
function* prefixes(path: string): Generator<string> {
  let p = path;
  for (;;) {
    yield p;
    const dot = p.lastIndexOf('.');
    if (dot <= 0) return;
    p = p.slice(0, dot);
  }
}

const DUNDER = /^__\w+__$/;

export function denyEntry(path: string): { entry: DenyEntry; pattern: string } | undefined {
  for (const p of prefixes(path)) {
    const e = denyExact.get(p);
    if (e) return { entry: e, pattern: p };
  }
  for (const p of prefixes(path)) {
    const m = denyModule.get(p);
    if (m) return { entry: m, pattern: `${p}.*` };
    for (const [pre, entry] of denyPrefix) if (p.startsWith(pre)) return { entry, pattern: `${pre}*` };
  }
  return undefined;
}

const INTROSPECTION: DenyEntry = {
  severity: 'high',
  category: 'gadget',
  why: 'walks dunder attributes (__globals__, __builtins__, __subclasses__ …) to reach other objects',
};

/**
 * Precedence: an exact deny entry (on the path or an attribute-chain prefix of it), then an exact
 * allow entry, then module-wide deny entries, then module-wide allow entries (undotted names only).
 */
export function judge(g: GlobalRef): Verdict {
  // A dunder step inside an attribute chain is an introspection gadget, whatever the base.
  const dunder =
    g.dotted &&
    g.qual
      .split('.')
      .slice(1)
      .some((p) => DUNDER.test(p));
  if (!dunder && allowExact.has(g.path)) {
    for (const p of prefixes(g.path)) {
      const e = denyExact.get(p);
      if (e) return { kind: 'deny', entry: e, pattern: p };
    }
    return { kind: 'allow' };
  }
  const d = denyEntry(g.path);
  if (d) return { kind: 'deny', entry: d.entry, pattern: d.pattern };
  if (dunder) return { kind: 'deny', entry: INTROSPECTION, pattern: '*.__dunder__' };
  if (g.path.startsWith('copyreg.extension[')) return { kind: 'unknown', reason: 'unregistered extension code' };
  if (!g.dotted) {
    for (const p of prefixes(g.path)) if (p !== g.path && allowModule.has(p)) return { kind: 'allow' };
  }
  return g.dotted ? { kind: 'unknown', reason: 'reached through an attribute chain' } : { kind: 'unknown' };
}
