import { declare, declareRequirement } from './common.js';
import { isValidName } from './pep508.js';
import type { DeclaredDependency } from './types.js';

/** Past this many characters a joined logical line is not a requirement. */
const MAX_LOGICAL_LINE = 64 * 1024;

/**
 * pip requirements files (and pip-tools `.in`): one requirement per logical line, `\`
 * continuations, `#` comments, option lines (`-r`, `-c`, `--index-url` …) skipped, per-line
 * options (`--hash=…`) dropped. `-e`/URL lines name a package through `#egg=`; local paths name none.
 */
export function parseRequirementsTxt(text: string, file: string, errors: string[]): DeclaredDependency[] {
  const out: DeclaredDependency[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    // Joined as parts, not by repeated concatenation: thousands of `\` lines stay linear.
    const parts = [lines[i]!];
    let len = parts[0]!.length;
    while (parts.at(-1)!.endsWith('\\') && i + 1 < lines.length && len < MAX_LOGICAL_LINE) {
      parts[parts.length - 1] = parts.at(-1)!.slice(0, -1);
      parts.push(lines[++i]!);
      len += parts.at(-1)!.length;
    }
    let l = stripComment(parts.join('')).trim();
    if (l === '') continue;
    let direct = false;
    if (l.startsWith('-e ') || l.startsWith('--editable ') || l.startsWith('--editable=')) {
      l = l.replace(/^(?:-e|--editable)[\s=]+/, '');
      direct = true;
    } else if (l.startsWith('-')) continue;
    l = stripOptions(l);
    if (direct || /^[a-z][a-z0-9+.-]{0,30}:\/\//i.test(l) || /^(?:git|hg|svn|bzr)\+/.test(l)) {
      const d = eggDependency(l, file, lineNo);
      if (d) out.push(d);
      continue;
    }
    // Local paths, archives and environment-variable lines name no registry package.
    if (/^[./~\\$]/.test(l) || /^[A-Za-z]:[\\/]/.test(l)) continue;
    const d = declareRequirement(l, file, { line: lineNo }, errors);
    if (d) out.push(d);
  }
  return out;
}

/** pip's rule: `#` starts a comment at the start of a line or after whitespace. */
function stripComment(l: string): string {
  for (let k = l.indexOf('#'); k >= 0; k = l.indexOf('#', k + 1)) {
    if (k === 0 || l[k - 1] === ' ' || l[k - 1] === '\t') return l.slice(0, k);
  }
  return l;
}

/** Per-requirement options (`--hash=…`, `--config-settings …`) start at the first whitespace-led dash word. */
function stripOptions(l: string): string {
  const m = /\s--?[A-Za-z]/.exec(l);
  return m ? l.slice(0, m.index).trim() : l;
}

function eggDependency(l: string, file: string, line: number): DeclaredDependency | undefined {
  const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]{0,200})/.exec(l);
  const name = egg?.[1]?.replace(/[._-]+$/, '');
  if (!name || !isValidName(name)) return undefined;
  return declare('PyPI', name, file, { url: l, line });
}
