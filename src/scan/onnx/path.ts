/**
 * Judges an external-data `location` the way a loader would join it to the model folder.
 * Returns why it escapes, or undefined when it stays inside. Backslashes count as separators
 * because Windows loaders treat them so.
 */
export function locationEscape(location: string): string | undefined {
  if (location.length === 0) return undefined;
  if (location.includes('\0')) return 'contains a NUL byte';
  const p = location.replace(/\\/g, '/');
  if (p.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(p)) return 'names a drive';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(p)) return 'is a URL';
  if (p.startsWith('~')) return 'starts at a home directory';
  let depth = 0;
  let dotdot = false;
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      dotdot = true;
      depth--;
      if (depth < 0) return 'leaves the model folder';
    } else depth++;
  }
  return dotdot ? 'contains `..`' : undefined;
}
