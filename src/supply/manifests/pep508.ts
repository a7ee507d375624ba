/** A PEP 508 requirement string, read as far as dependency checks and a BOM need it. */
export interface Requirement {
  /** As written; callers normalise. */
  readonly name: string;
  readonly extras: readonly string[];
  /** Version specifiers without whitespace or parentheses (`>=1.0,<2`); '' when none. */
  readonly spec: string;
  /** The version when the specifier is one `==`/`===` clause without a wildcard. */
  readonly pinned?: string;
  /** Direct reference (`name @ https://…`). */
  readonly url?: string;
  readonly markers?: string;
}

/** Longer than any real requirement line; past it the text is not one. */
const MAX_REQUIREMENT = 8192;
const MAX_NAME = 200;
const CLAUSE = /^(?:~=|===|==|!=|<=|>=|<|>)[A-Za-z0-9.*+!_-]{1,100}$/;
const PIN = /^===?([A-Za-z0-9._+!-]{1,100})$/;

/** One PEP 440 specifier clause (`>=1.2`, `==2.*`, `~=3.1`). */
export function isSpecifierClause(clause: string): boolean {
  return CLAUSE.test(clause);
}

/** A comma-separated specifier set without whitespace, and its pin when it names one version. */
export function readSpecifiers(spec: string): { spec: string; pinned?: string } | undefined {
  if (spec === '') return { spec };
  if (!spec.split(',').every(isSpecifierClause)) return undefined;
  const pin = PIN.exec(spec);
  return pin ? { spec, pinned: pin[1]! } : { spec };
}

const isAlnum = (c: string | undefined) =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
const isNameChar = (c: string | undefined) => isAlnum(c) || c === '.' || c === '_' || c === '-';

/** PEP 508 names start and end with a letter or digit; `.`, `_`, `-` only inside. */
export function isValidName(n: string): boolean {
  if (n.length === 0 || n.length > MAX_NAME || !isAlnum(n[0]) || !isAlnum(n[n.length - 1])) return false;
  for (const c of n) if (!isNameChar(c)) return false;
  return true;
}

/**
 * Parses `name[extras] (specifiers) ; markers` and `name[extras] @ url ; markers`.
 * Hand-written as an index scanner rather than one big regex: the text is untrusted, and
 * this keeps every step linear (the one regex left, CLAUSE, is anchored and bounded).
 * Anything it cannot read yields undefined, never a guess.
 */
export function parseRequirement(text: string): Requirement | undefined {
  if (text.length > MAX_REQUIREMENT) return undefined;
  const s = text.trim();
  let i = 0;
  while (i < s.length && i <= MAX_NAME && isNameChar(s[i])) i++;
  const name = s.slice(0, i);
  if (!isValidName(name)) return undefined;
  let rest = s.slice(i).trimStart();
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    extras = rest
      .slice(1, close)
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    if (!extras.every(isValidName)) return undefined;
    rest = rest.slice(close + 1).trimStart();
  }
  if (rest.startsWith('@')) {
    // A URL may hold `;`, so markers after a URL need whitespace before the `;` (PEP 508).
    const body = rest.slice(1).trim();
    const m = /\s;/.exec(body);
    const url = (m ? body.slice(0, m.index) : body).trim();
    if (url === '' || /\s/.test(url)) return undefined;
    return withMarkers({ name, extras, spec: '', url }, m ? body.slice(m.index + 2) : undefined);
  }
  const semi = rest.indexOf(';');
  let version = (semi < 0 ? rest : rest.slice(0, semi)).trim();
  if (version.startsWith('(') && version.endsWith(')')) version = version.slice(1, -1);
  const specs = readSpecifiers(version.replace(/\s+/g, ''));
  if (specs === undefined) return undefined;
  return withMarkers({ name, extras, ...specs }, semi < 0 ? undefined : rest.slice(semi + 1));
}

function withMarkers(r: Requirement, markers: string | undefined): Requirement {
  const m = markers?.trim();
  return m ? { ...r, markers: m } : r;
}
