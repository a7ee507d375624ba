/**
 * A small Hugging Face Hub on 127.0.0.1, written with node:http for the remote tests and the
 * 4 GiB benchmark. It answers the three calls Warden makes — revision info, the recursive tree
 * listing (paginated with a Link header, as the Hub does) and `resolve` with byte ranges — and
 * can misbehave on demand: 503/429 bursts, dropped connections, stalls, no Range support, and a
 * redirect of file downloads to a second "CDN" origin that must never see the token.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** File content: bytes in memory, or a reader for big (sparse or generated) content. */
export interface FakeFile {
  readonly size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export const memFile = (bytes: Uint8Array | string): FakeFile => {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return { size: b.length, read: async (s, e) => b.subarray(s, e) };
};

export interface FakeRepo {
  readonly files: Record<string, FakeFile>;
  /** Revision names (branches, tags) besides `main`, each its own commit. */
  readonly revisions?: Record<string, Record<string, FakeFile>>;
  /** When set, every call must carry `Authorization: Bearer <token>`. */
  readonly token?: string;
}

export interface HubLogEntry {
  readonly method: string;
  readonly url: string;
  readonly host: string;
  readonly range?: string;
  readonly authorization?: string;
  readonly status: number;
}

export interface FakeHubOptions {
  /** Tree listing page size (the Hub pages big repos). */
  pageSize?: number;
  /** Answer file downloads with 200 and the whole body, ignoring Range. */
  noRange?: boolean;
  /** Redirect `resolve` to the CDN origin, as the Hub does for LFS files. */
  cdnRedirect?: boolean;
  /** The next N requests get this status (503, 429 …) before anything else is looked at. */
  failNext?: { count: number; status: number; retryAfter?: string };
  /** The next N requests have their connection destroyed without an answer. */
  dropNext?: number;
  /** The next N requests are never answered. */
  stallNext?: number;
}

export class FakeHub {
  readonly log: HubLogEntry[] = [];
  /** Bytes written to sockets (headers and bodies), the true cost on the wire. */
  wireBytes = 0;
  bodyBytes = 0;
  private hub!: Server;
  private cdn!: Server;
  private readonly sockets = new Set<Socket>();
  private readonly socketBytes = new Map<Socket, number>();
  private readonly repos = new Map<string, FakeRepo & { shas: Map<string, string> }>();
  hubUrl = '';
  cdnUrl = '';

  constructor(readonly opts: FakeHubOptions = {}) {}

  addRepo(id: string, repo: FakeRepo): this {
    const shas = new Map<string, string>();
    shas.set('main', createHash('sha1').update(`${id}@main`).digest('hex'));
    for (const rev of Object.keys(repo.revisions ?? {}))
      shas.set(rev, createHash('sha1').update(`${id}@${rev}`).digest('hex'));
    this.repos.set(id, { ...repo, shas });
    return this;
  }

  async start(): Promise<this> {
    this.hub = createServer((req, res) => void this.handle(req, res, 'hub'));
    this.cdn = createServer((req, res) => void this.handle(req, res, 'cdn'));
    for (const s of [this.hub, this.cdn]) {
      s.on('connection', (sock) => {
        this.sockets.add(sock);
        this.socketBytes.set(sock, 0);
        sock.on('close', () => {
          this.wireBytes += sock.bytesWritten - (this.socketBytes.get(sock) ?? 0);
          this.sockets.delete(sock);
          this.socketBytes.delete(sock);
        });
      });
    }
    this.hubUrl = await listen(this.hub);
    this.cdnUrl = await listen(this.cdn);
    return this;
  }

  /** Bytes written so far on open and closed connections. */
  wireBytesNow(): number {
    let n = this.wireBytes;
    for (const s of this.sockets) n += s.bytesWritten - (this.socketBytes.get(s) ?? 0);
    return n;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([this.hub, this.cdn].map((s) => new Promise((r) => s.close(r))));
  }

  private files(repo: FakeRepo & { shas: Map<string, string> }, sha: string): Record<string, FakeFile> | undefined {
    for (const [rev, s] of repo.shas)
      if (s === sha || rev === sha) return rev === 'main' ? repo.files : repo.revisions?.[rev];
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, origin: 'hub' | 'cdn'): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const entry = (status: number) =>
      this.log.push({
        method: req.method ?? 'GET',
        url: url.pathname + url.search,
        host: origin,
        ...(req.headers.range ? { range: req.headers.range } : {}),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        status,
      });
    const o = this.opts;
    if (o.dropNext && o.dropNext > 0) {
      o.dropNext--;
      entry(0);
      req.socket.destroy();
      return;
    }
    if (o.stallNext && o.stallNext > 0) {
      o.stallNext--;
      entry(0);
      return;
    }
    if (o.failNext && o.failNext.count > 0) {
      o.failNext.count--;
      entry(o.failNext.status);
      res.writeHead(o.failNext.status, o.failNext.retryAfter ? { 'retry-after': o.failNext.retryAfter } : {});
      res.end('busy');
      return;
    }
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      entry(status);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    const notFound = (code: string, message: string) =>
      send(404, JSON.stringify({ error: message }), { 'x-error-code': code, 'x-error-message': message });

    if (origin === 'cdn') return this.serveFile(req, res, url.pathname.slice('/blob/'.length), entry);

    const api = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoId = api?.[1] ?? resolve?.[1];
    const repo = repoId ? this.repos.get(repoId) : undefined;
    if (!repo) return notFound('RepoNotFound', 'Repository not found');
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`)
      return send(401, JSON.stringify({ error: 'Invalid credentials' }), { 'x-error-code': 'RepoNotFound' });

    if (api) {
      const rev = decodeURIComponent(api[3]!);
      const sha = repo.shas.get(rev) ?? ([...repo.shas.values()].includes(rev) ? rev : undefined);
      const files = sha ? this.files(repo, sha) : undefined;
      if (!sha || !files) return notFound('RevisionNotFound', `Invalid rev id: ${rev}`);
      if (api[2] === 'revision')
        return send(
          200,
          JSON.stringify({ id: repoId, sha, siblings: Object.keys(files).map((rfilename) => ({ rfilename })) }),
        );
      const dir = api[4] ? decodeURIComponent(api[4].slice(1)) : '';
      if (dir && files[dir]) return notFound('EntryNotFound', `${dir} is a file`);
      const recursive = url.searchParams.get('recursive') === 'true';
      const all = Object.entries(files)
        .filter(([p]) => (dir ? p.startsWith(`${dir}/`) : true))
        .filter(([p]) => recursive || !p.slice(dir ? dir.length + 1 : 0).includes('/'))
        .map(([path, f]) => ({ type: 'file', path, size: f.size, oid: 'x', lfs: { oid: 'y', size: f.size } }));
      if (dir && all.length === 0) return notFound('EntryNotFound', `${dir} does not exist`);
      const size = this.opts.pageSize ?? 1000;
      const cursor = Number(url.searchParams.get('cursor') ?? '0');
      const page = all.slice(cursor, cursor + size);
      const headers: Record<string, string> = {};
      if (cursor + size < all.length) {
        const next = new URL(url.pathname + url.search, this.hubUrl);
        next.searchParams.set('cursor', String(cursor + size));
        headers.link = `<${next.href}>; rel="next"`;
      }
      return send(200, JSON.stringify(page), headers);
    }

    const rev = decodeURIComponent(resolve![2]!);
    const path = resolve![3]!.split('/').map(decodeURIComponent).join('/');
    const sha = repo.shas.get(rev) ?? ([...repo.shas.values()].includes(rev) ? rev : undefined);
    const files = sha ? this.files(repo, sha) : undefined;
    if (!files) return notFound('RevisionNotFound', `Invalid rev id: ${rev}`);
    if (!files[path]) return notFound('EntryNotFound', `${path} does not exist`);
    if (this.opts.cdnRedirect) {
      entry(302);
      const key = Buffer.from(JSON.stringify([repoId, sha, path])).toString('base64url');
      res.writeHead(302, { location: `${this.cdnUrl}/blob/${key}` });
      res.end();
      return;
    }
    return this.serveBytes(req, res, files[path]!, entry);
  }

  private async serveFile(
    req: IncomingMessage,
    res: ServerResponse,
    key: string,
    entry: (s: number) => void,
  ): Promise<void> {
    const [repoId, sha, path] = JSON.parse(Buffer.from(key, 'base64url').toString()) as [string, string, string];
    const file = this.files(this.repos.get(repoId)!, sha)?.[path];
    if (!file) {
      entry(404);
      res.writeHead(404).end();
      return;
    }
    return this.serveBytes(req, res, file, entry);
  }

  /** RFC 9110 single byte ranges: `bytes=a-b`, `bytes=a-`, `bytes=-n`. */
  private async serveBytes(
    req: IncomingMessage,
    res: ServerResponse,
    file: FakeFile,
    entry: (s: number) => void,
  ): Promise<void> {
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (this.opts.noRange || !m || (m[1] === '' && m[2] === '')) {
      entry(200);
      res.writeHead(200, { 'content-length': String(file.size), 'accept-ranges': 'none' });
      return this.stream(res, file, 0, file.size);
    }
    let start = m[1] === '' ? file.size - Number(m[2]) : Number(m[1]);
    let end = m[1] === '' || m[2] === '' ? file.size - 1 : Math.min(Number(m[2]), file.size - 1);
    start = Math.max(0, start);
    if (start >= file.size || end < start) {
      entry(416);
      res.writeHead(416, { 'content-range': `bytes */${file.size}` }).end();
      return;
    }
    end = Math.min(end, file.size - 1);
    entry(206);
    res.writeHead(206, {
      'content-range': `bytes ${start}-${end}/${file.size}`,
      'content-length': String(end - start + 1),
      'accept-ranges': 'bytes',
    });
    return this.stream(res, file, start, end + 1);
  }

  private async stream(res: ServerResponse, file: FakeFile, start: number, end: number): Promise<void> {
    const CHUNK = 1 << 20;
    for (let at = start; at < end && !res.destroyed; at += CHUNK) {
      const b = await file.read(at, Math.min(end, at + CHUNK));
      this.bodyBytes += b.length;
      const ok = res.write(b);
      if (!ok) await new Promise((r) => res.once('drain', r).once('close', r));
    }
    res.end();
  }
}

function listen(s: Server): Promise<string> {
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
  );
}
