import { isSpecifierClause } from './pep508.js';

const PARTS = /^(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?$/;
const BARE_VERSION = /^\d[A-Za-z0-9.+!-]{0,100}$/;

/** The version a Poetry constraint pins (`1.2.3`, `==1.2.3`, `=1.2.3`), if it pins one. */
export function poetryPin(c: string): string | undefined {
  const v = c.trim().replace(/^==?/, '');
  return BARE_VERSION.test(v) ? v : undefined;
}

/**
 * Poetry's constraint syntax as a PEP 440 specifier set, so advisories can be matched against
 * it. `^` and `~` follow Poetry's documented semantics; `||` (a union) has no PEP 440 form and
 * gives undefined, as does anything unreadable.
 */
export function poetryToPep440(c: string): string | undefined {
  if (c.includes('|')) return undefined;
  const out: string[] = [];
  for (const raw of c.split(',')) {
    const p = raw.trim();
    if (p === '' || p === '*') continue;
    const clause = poetryClause(p);
    if (clause === undefined) return undefined;
    out.push(clause);
  }
  return out.join(',');
}

function poetryClause(p: string): string | undefined {
  if (p.startsWith('^')) return caret(p.slice(1).trim());
  if (p.startsWith('~') && !p.startsWith('~=')) return tilde(p.slice(1).trim());
  if (/^\d/.test(p)) return `==${p}`;
  if (/^=\d/.test(p)) return `=${p}`;
  const clause = p.replace(/\s+/g, '');
  return isSpecifierClause(clause) ? clause : undefined;
}

/** `^1.2.3` → `>=1.2.3,<2.0.0`; `^0.2` → `<0.3.0`; `^0` → `<1.0.0`: the leftmost non-zero part given is kept. */
function caret(v: string): string | undefined {
  const m = PARTS.exec(v);
  if (!m) return undefined;
  const given = [m[1], m[2], m[3]].filter((x) => x !== undefined).map(Number);
  const full = [given[0] ?? 0, given[1] ?? 0, given[2] ?? 0];
  let at = given.findIndex((x) => x !== 0);
  if (at < 0) at = given.length - 1;
  const upper = full.map((x, k) => (k < at ? x : k === at ? x + 1 : 0));
  return `>=${full.join('.')},<${upper.join('.')}`;
}

/** `~1.2.3` and `~1.2` → `<1.3.0`; `~1` → `<2.0.0`. */
function tilde(v: string): string | undefined {
  const m = PARTS.exec(v);
  if (!m) return undefined;
  const full = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  const upper = m[2] === undefined ? [full[0]! + 1, 0, 0] : [full[0]!, full[1]! + 1, 0];
  return `>=${full.join('.')},<${upper.join('.')}`;
}
