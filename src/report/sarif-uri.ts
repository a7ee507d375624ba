import { posix } from 'node:path';

/** The base id relative artifact URIs are resolved against (GitHub's convention). */
export const SRCROOT = '%SRCROOT%';

export interface ArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const WINDOWS_DRIVE = /^[a-z]:\//i;

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function toSlashes(path: string): string {
  return path.replace(/\\/g, '/');
}

function fileUri(absolute: string): string {
  // `C:` must stay literal in `file:///C:/…`; every other segment is percent-encoded.
  if (WINDOWS_DRIVE.test(absolute)) return `file:///${absolute.slice(0, 2)}${encodePath(absolute.slice(2))}`;
  return `file://${encodePath(absolute)}`;
}

/** `file:///abs/dir/` for a base directory, as SARIF `originalUriBaseIds` wants it. */
export function directoryUri(dir: string): string {
  const p = toSlashes(dir);
  return fileUri(p.endsWith('/') ? p : `${p}/`);
}

/**
 * Where a finding's file is, as SARIF wants it: a relative URI against `%SRCROOT%` when the path is
 * relative or under `baseDir` (so results match across checkouts), else an absolute `file:` URI.
 * URLs pass through unchanged.
 */
export function artifactLocation(path: string, baseDir?: string): ArtifactLocation {
  if (URL_SCHEME.test(path)) return { uri: path };
  const p = toSlashes(path);
  const absolute = p.startsWith('/') || WINDOWS_DRIVE.test(p);
  if (!absolute) return { uri: encodePath(posix.normalize(p).replace(/^\.\//, '')), uriBaseId: SRCROOT };
  if (baseDir !== undefined) {
    const rel = posix.relative(toSlashes(baseDir), p);
    if (rel !== '' && !rel.startsWith('../') && rel !== '..' && !posix.isAbsolute(rel)) {
      return { uri: encodePath(rel), uriBaseId: SRCROOT };
    }
  }
  return { uri: fileUri(p) };
}
