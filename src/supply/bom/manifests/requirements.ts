import { normalizePypiName } from '../purl.js';
import type { DeclaredDependency } from '../types.js';
import { parseRequirement } from './pep508.js';

/**
 * pip requirements files: one requirement per line, `\` continuations, `#` comments, option
 * lines (`-r`, `-c`, `-e`, `--index-url` …) skipped; `-e` with `#egg=` still names a package.
 */
export function parseRequirementsTxt(text: string, source: string): DeclaredDependency[] {
  const out: DeclaredDependency[] = [];
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of logical) {
    let line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    if (line.startsWith('-e ') || line.startsWith('--editable ')) line = line.replace(/^(-e|--editable)\s+/, '');
    else if (line.startsWith('-')) continue;
    // Per-requirement options (`--hash=…`) follow the requirement.
    line = line.replace(/\s--?[a-z][a-z-]*(=\S*)?(\s|$).*$/, '').trim();
    const req = parseRequirement(line);
    if (!req) continue;
    out.push({
      ecosystem: 'pypi',
      name: normalizePypiName(req.name),
      ...(req.pinned ? { version: req.pinned } : {}),
      ...(req.spec && !req.pinned ? { spec: req.spec } : {}),
      ...(req.url ? { spec: `@ ${req.url}` } : {}),
      scope: 'required',
      source,
    });
  }
  return out;
}
