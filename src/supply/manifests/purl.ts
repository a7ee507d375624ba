import { type Ecosystem, normalizePypiName } from './types.js';

/** Percent-encodes a purl segment; `@` and `/` inside names must never be read as separators. */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':');
}

/** `pkg:pypi/name@version`, `pkg:npm/%40scope/name@version` (package-url spec). */
export function purlOf(ecosystem: Ecosystem, name: string, version?: string): string {
  const v = version ? `@${enc(version)}` : '';
  if (ecosystem === 'PyPI') return `pkg:pypi/${enc(normalizePypiName(name))}${v}`;
  if (name.startsWith('@') && name.includes('/')) {
    const [scope, pkg] = [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)];
    return `pkg:npm/${enc(scope)}/${enc(pkg)}${v}`;
  }
  return `pkg:npm/${enc(name)}${v}`;
}
