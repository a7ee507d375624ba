/** A PEP 508 requirement, as far as a bill of materials needs it. */
export interface Requirement {
  readonly name: string;
  /** Version specifier as written (`>=1.0,<2`), without spaces. */
  readonly spec?: string;
  /** The exact version when the specifier is a single `==` / `===` without wildcard. */
  readonly pinned?: string;
  /** Direct reference (`name @ https://…`, `git+https://…#egg=name`). */
  readonly url?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}/;
const MAX_LINE = 8192;
const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)[A-Za-z0-9.*+!_-]{1,100}$/;

/**
 * Parses `name[extras] (spec) ; marker` and `name @ url`. Lenient: anything it cannot read
 * yields undefined rather than a guess. Regexes are anchored and bounded (untrusted text).
 */
export function parseRequirement(text: string): Requirement | undefined {
  let s = text.slice(0, MAX_LINE).trim();
  const semi = s.indexOf(';');
  if (semi >= 0) s = s.slice(0, semi).trim();
  if (s === '') return undefined;
  // VCS / URL line in requirements files: the name is in #egg=.
  if (/^(git|hg|svn|bzr)\+|^https?:\/\//.test(s)) {
    const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]{0,200})/.exec(s);
    return egg ? { name: trimName(egg[1]!), url: s } : undefined;
  }
  const m = NAME.exec(s);
  if (!m) return undefined;
  const name = trimName(m[0]);
  let rest = s.slice(m[0].length).trim();
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    rest = rest.slice(close + 1).trim();
  }
  if (rest.startsWith('@')) return { name, url: rest.slice(1).trim() };
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1);
  const spec = rest.replace(/\s+/g, '');
  if (spec === '') return { name };
  if (!spec.split(',').every((clause) => CLAUSE.test(clause))) return undefined;
  const pin = /^===?([A-Za-z0-9._+!-]{1,100})$/.exec(spec);
  return pin ? { name, spec, pinned: pin[1]! } : { name, spec };
}

function trimName(n: string): string {
  return n.replace(/[._-]+$/, '');
}
