import type { Env } from './aws-config.js';
import { fetchBytes, type HttpRequest } from './http.js';
import { HttpRangeSource } from './range-source.js';
import { RemoteError } from './remote-error.js';
import type { RemoteContext, RemoteFile, RemoteListing } from './types.js';

export interface HfRef {
  readonly kind: 'models' | 'datasets';
  /** `org/name` (or a legacy single-segment name). */
  readonly repo: string;
  /** As the user wrote it; `main` when omitted. */
  readonly revision: string;
  /** A file or folder inside the repo; empty for the whole repo. */
  readonly path: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/**
 * `hf://org/model`, `hf://org/model@rev`, `hf://org/model@rev/sub/path`, `hf://datasets/org/name…`.
 * A revision containing `/` (`refs/pr/1`) is written URL-encoded (`refs%2Fpr%2F1`), as
 * huggingface_hub's HfFileSystem expects.
 */
export function parseHfUrl(url: string): HfRef {
  if (!url.startsWith('hf://')) throw new RemoteError('usage', `${url}: not an hf:// URL`);
  let rest = url.slice('hf://'.length).replace(/\/+$/, '');
  let kind: HfRef['kind'] = 'models';
  if (rest.startsWith('datasets/')) {
    kind = 'datasets';
    rest = rest.slice('datasets/'.length);
  } else if (rest.startsWith('models/')) rest = rest.slice('models/'.length);
  const parts = rest.split('/');
  const owner = parts[0] ?? '';
  let repoEnd = 1;
  let nameAndRev = owner;
  if (!owner.includes('@') && parts.length > 1) {
    nameAndRev = parts[1] ?? '';
    repoEnd = 2;
  }
  const at = nameAndRev.indexOf('@');
  const name = at >= 0 ? nameAndRev.slice(0, at) : nameAndRev;
  const revision = at >= 0 ? safeDecode(nameAndRev.slice(at + 1)) : 'main';
  const repo = repoEnd === 2 ? `${owner}/${name}` : name;
  const path = parts.slice(repoEnd).join('/');
  if (!repo.split('/').every((s) => SEGMENT.test(s)) || revision === '' || /[\s\0]|\.\./.test(revision))
    throw new RemoteError('usage', `${url}: expected hf://org/name[@revision][/path]`);
  if (path.split('/').some((s) => s === '..' || s === '.'))
    throw new RemoteError('usage', `${url}: the path must not contain . or .. segments`);
  return { kind, repo, revision, path };
}

export function hfEndpoint(env: Env): string {
  return (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
}

function hfToken(env: Env): string | undefined {
  return env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
}

interface TreeEntry {
  readonly type?: string;
  readonly path?: string;
  readonly size?: number;
  readonly lfs?: { readonly size?: number };
}

const API_CAP = 32 * 1024 * 1024;
const MAX_PAGES = 1000;

/** Resolves the revision to a commit, then lists every file under the path at that commit. */
export async function listHf(url: string, ctx: RemoteContext): Promise<RemoteListing> {
  const ref = parseHfUrl(url);
  const endpoint = hfEndpoint(ctx.env);
  const token = hfToken(ctx.env);
  const label = `hf://${ref.kind === 'datasets' ? 'datasets/' : ''}${ref.repo}`;
  const api = `${endpoint}/api/${ref.kind}/${ref.repo}`;

  // Pinning the commit first means a push during the scan cannot mix files of two revisions.
  const info = await getJson<{ sha?: unknown }>(
    apiRequest(`${api}/revision/${encodeURIComponent(ref.revision)}`, `${label}@${ref.revision}`, token),
    ctx,
  );
  const sha = typeof info.body.sha === 'string' && /^[0-9a-f]{40}$/.test(info.body.sha) ? info.body.sha : undefined;
  if (!sha) throw new RemoteError('bad_response', `${label}@${ref.revision}: the Hub did not return a commit id`);

  const entries: { path: string; size: number }[] = [];
  let next: string | undefined = `${api}/tree/${sha}${ref.path ? `/${encodePath(ref.path)}` : ''}?recursive=true`;
  for (let page = 0; next && page < MAX_PAGES && entries.length < ctx.maxFiles; page++) {
    let res: { body: unknown; link: string | null };
    try {
      res = await getJson<unknown>(
        apiRequest(next, `${label}@${ref.revision}${ref.path ? `/${ref.path}` : ''}`, token),
        ctx,
      );
    } catch (e) {
      // The tree API lists folders only; a path naming one file is looked up in its parent.
      if (page === 0 && ref.path && e instanceof RemoteError && e.code === 'not_found')
        return listSingle(ref, sha, label, endpoint, token, ctx, url);
      throw e;
    }
    if (!Array.isArray(res.body)) throw new RemoteError('bad_response', `${label}: the tree listing is not a list`);
    for (const e of res.body as TreeEntry[]) {
      if (e?.type !== 'file' || typeof e.path !== 'string') continue;
      const size = e.lfs?.size ?? e.size;
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) continue;
      if (entries.length < ctx.maxFiles) entries.push({ path: e.path, size });
    }
    next = nextLink(res.link, endpoint);
  }
  if (entries.length === 0 && ref.path) return listSingle(ref, sha, label, endpoint, token, ctx, url);
  if (entries.length === 0) throw new RemoteError('not_found', `${label}@${ref.revision}: the repo has no files`, 404);

  const shown = `${label}@${ref.revision}`;
  const base = ref.path ? `${ref.path}/` : '';
  const files = entries.map((e) => hfFile(ref, sha, e.path, e.size, shown, endpoint, token, ctx, base));
  return { url, files, notes: [`${shown}: commit ${sha}`] };
}

async function listSingle(
  ref: HfRef,
  sha: string,
  label: string,
  endpoint: string,
  token: string | undefined,
  ctx: RemoteContext,
  url: string,
): Promise<RemoteListing> {
  const shown = `${label}@${ref.revision}`;
  const parent = ref.path.includes('/') ? ref.path.slice(0, ref.path.lastIndexOf('/')) : '';
  const res = await getJson<unknown>(
    apiRequest(
      `${endpoint}/api/${ref.kind}/${ref.repo}/tree/${sha}${parent ? `/${encodePath(parent)}` : ''}`,
      `${shown}/${ref.path}`,
      token,
    ),
    ctx,
  );
  const hit = Array.isArray(res.body)
    ? (res.body as TreeEntry[]).find((e) => e?.type === 'file' && e.path === ref.path)
    : undefined;
  const size = hit?.lfs?.size ?? hit?.size;
  if (!hit || typeof size !== 'number')
    throw new RemoteError('not_found', `${shown}/${ref.path}: no such file or folder in the repo`, 404);
  const base = parent ? `${parent}/` : '';
  return {
    url,
    files: [hfFile(ref, sha, ref.path, size, shown, endpoint, token, ctx, base)],
    notes: [`${shown}: commit ${sha}`],
  };
}

function hfFile(
  ref: HfRef,
  sha: string,
  path: string,
  size: number,
  shown: string,
  endpoint: string,
  token: string | undefined,
  ctx: RemoteContext,
  base: string,
): RemoteFile {
  const prefix = ref.kind === 'datasets' ? '/datasets' : '';
  const fileUrl = `${endpoint}${prefix}/${ref.repo}/resolve/${sha}/${encodePath(path)}`;
  const displayPath = `${shown}/${path}`;
  return {
    displayPath,
    name: path.startsWith(base) ? path.slice(base.length) : path,
    size,
    open: (http) =>
      HttpRangeSource.open(
        (headers) => ({ ...apiRequest(fileUrl, displayPath, token), headers: { ...headers, ...auth(token) } }),
        http,
        ctx.range,
        size,
      ),
  };
}

function auth(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

function apiRequest(url: string, what: string, token: string | undefined): HttpRequest {
  return { method: 'GET', url, what, headers: auth(token), explain: (s, h) => explainHf(what, s, h, token) };
}

async function getJson<T>(req: HttpRequest, ctx: RemoteContext): Promise<{ body: T; link: string | null }> {
  const res = await fetchBytes(req, ctx.http, API_CAP);
  try {
    return { body: JSON.parse(new TextDecoder().decode(res.body)) as T, link: res.headers.get('link') };
  } catch {
    throw new RemoteError('bad_response', `${req.what}: the Hub answered with something other than JSON`);
  }
}

/** The Hub answers 401 for private and missing repos alike, so the hint covers both. */
function explainHf(what: string, status: number, headers: Headers, token: string | undefined): RemoteError | undefined {
  const code = headers.get('x-error-code') ?? '';
  const hubMessage = headers.get('x-error-message');
  const detail = hubMessage ? ` (${hubMessage.slice(0, 200)})` : '';
  if (status === 401 || status === 403) {
    const hint = token
      ? 'HF_TOKEN is set but does not grant access: check the token, and for a gated repo accept its conditions on the Hub'
      : 'the repo is private, gated or does not exist: set HF_TOKEN to a token with read access';
    return new RemoteError('auth', `${what}: access denied (HTTP ${status})${detail}; ${hint}`, status);
  }
  if (status === 404) {
    const kind =
      code === 'RevisionNotFound'
        ? 'no such revision'
        : code === 'EntryNotFound'
          ? 'no such file'
          : code === 'RepoNotFound'
            ? 'no such repo'
            : 'no such repo, revision or file';
    return new RemoteError('not_found', `${what}: ${kind}${detail}`, status);
  }
  return undefined;
}

/** `Link: <url>; rel="next"`, followed only while it stays on the Hub endpoint. */
function nextLink(link: string | null, endpoint: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /^\s*<([^>]{1,4096})>\s*;\s*rel="?next"?\s*$/.exec(part);
    if (!m) continue;
    const next = new URL(m[1]!, endpoint);
    return next.origin === new URL(endpoint).origin ? next.href : undefined;
  }
  return undefined;
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
