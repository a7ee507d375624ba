import { createHash } from 'node:crypto';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { checkEvent, type MonitorEvent } from '../monitor/event.js';
import type { Db } from '../store/db.js';
import { insertEvents } from '../store/events-repo.js';
import { getOffset, setOffset } from '../store/results-repo.js';
import { type Logger, silentLogger } from './logger.js';

export interface TailerOptions {
  readonly db: Db;
  readonly path: string;
  readonly logger?: Logger;
  readonly pollMs?: number;
  /** Bytes read per step. */
  readonly chunkBytes?: number;
  /** A line longer than this is skipped as malformed. */
  readonly maxLineBytes?: number;
}

export interface TailStats {
  events: number;
  invalid: number;
  rotations: number;
  truncations: number;
}

interface Open {
  fh: FileHandle;
  fileId: string;
  headHash: string;
  offset: number;
}

const HEAD = 256;

/**
 * Follows the gateway's JSONL event file. Each step reads complete lines past the stored offset and
 * commits the events AND the new offset in one transaction, so a crash re-reads at most one step —
 * and re-read events are dropped by their ids. A file is known by device:inode plus a hash of its
 * first line: rotation (rename + new file) drains the old file through the still-open handle before
 * switching; truncation (same inode, smaller) starts over at 0; a rotation that happened while the
 * server was down is caught by finding the stored inode among the file's rotated siblings.
 */
export class JsonlTailer {
  readonly stats: TailStats = { events: 0, invalid: 0, rotations: 0, truncations: 0 };
  private cur: Open | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly source: string;
  private readonly logger: Logger;

  constructor(private readonly opts: TailerOptions) {
    this.source = resolve(opts.path);
    this.logger = opts.logger ?? silentLogger;
  }

  start(): void {
    const tick = () => {
      this.busy = this.poll()
        .catch((e) => this.logger.error('tailer step failed', { source: this.source, error: e }))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.opts.pollMs ?? 250);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.busy;
    await this.cur?.fh.close();
    this.cur = undefined;
  }

  /** One pass: drain what is readable now. Returns the number of events committed. */
  async poll(): Promise<number> {
    let total = 0;
    if (!this.cur) await this.resume();
    if (!this.cur) return 0;
    total += await this.drain(this.cur);
    const st = await stat(this.source).catch(() => undefined);
    if (!st) return total;
    const id = `${st.dev}:${st.ino}`;
    if (id !== this.cur.fileId) {
      // Rotated: the old handle is drained above; move to the new file from its start.
      await this.cur.fh.close();
      this.cur = undefined;
      this.stats.rotations++;
      this.logger.info('event file rotated', { source: this.source });
      await this.openAt(0);
      if (this.cur) total += await this.drain(this.cur);
    } else if (
      st.size < this.cur.offset ||
      (this.cur.headHash && (await headHash(this.cur.fh)) !== this.cur.headHash)
    ) {
      this.stats.truncations++;
      this.logger.info('event file truncated', { source: this.source });
      this.cur.offset = 0;
      this.cur.headHash = '';
      total += await this.drain(this.cur);
    }
    return total;
  }

  private async resume(): Promise<void> {
    const saved = await getOffset(this.opts.db, this.source);
    const st = await stat(this.source).catch(() => undefined);
    if (saved && (!st || `${st.dev}:${st.ino}` !== saved.fileId)) {
      // The file we were reading was rotated while we were away: finish it first if it is still nearby.
      const old = await this.findSibling(saved.fileId);
      if (old) {
        const fh = await open(old, 'r');
        const o: Open = { fh, fileId: saved.fileId, headHash: saved.headHash, offset: saved.offset };
        await this.drain(o);
        await fh.close();
      }
      if (st) await this.openAt(0);
      return;
    }
    if (!st) return;
    await this.openAt(saved?.offset ?? 0);
    const cur = this.cur as Open | undefined;
    if (cur && saved) {
      const head = await headHash(cur.fh);
      if ((saved.headHash && head && head !== saved.headHash) || st.size < saved.offset) cur.offset = 0;
      cur.headHash = head;
    }
  }

  private async findSibling(fileId: string): Promise<string | undefined> {
    const dir = dirname(this.source);
    const base = basename(this.source);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names) {
      if (!n.startsWith(base) || n === base) continue;
      const st = await stat(join(dir, n)).catch(() => undefined);
      if (st && `${st.dev}:${st.ino}` === fileId) return join(dir, n);
    }
    return undefined;
  }

  private async openAt(offset: number): Promise<void> {
    const fh = await open(this.source, 'r').catch(() => undefined);
    if (!fh) return;
    const st = await fh.stat();
    this.cur = { fh, fileId: `${st.dev}:${st.ino}`, headHash: await headHash(fh), offset };
  }

  private async drain(o: Open): Promise<number> {
    const chunk = this.opts.chunkBytes ?? 4 * 1024 * 1024;
    const maxLine = this.opts.maxLineBytes ?? 1024 * 1024;
    let committed = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(chunk);
      const { bytesRead } = await o.fh.read(buf, 0, chunk, o.offset);
      if (bytesRead === 0) return committed;
      const data = buf.subarray(0, bytesRead);
      const lastNl = data.lastIndexOf(10);
      if (lastNl < 0) {
        if (bytesRead < maxLine) return committed; // a line still being written
        // A line longer than the cap: skip to the next newline without keeping it.
        this.stats.invalid++;
        o.offset += bytesRead;
        continue;
      }
      if (!o.headHash) o.headHash = await headHash(o.fh);
      const events: MonitorEvent[] = [];
      let start = 0;
      while (start <= lastNl) {
        const nl = data.indexOf(10, start);
        const line = data.subarray(start, nl).toString('utf8').trim();
        start = nl + 1;
        if (!line) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          this.stats.invalid++;
          continue;
        }
        const r = checkEvent(parsed);
        if (r.ok) events.push(r.event);
        else this.stats.invalid++;
      }
      const next = o.offset + lastNl + 1;
      await this.opts.db.transaction(async (tx) => {
        if (events.length) await insertEvents(tx, events);
        await setOffset(tx, this.source, { fileId: o.fileId, headHash: o.headHash, offset: next });
      });
      o.offset = next;
      committed += events.length;
      this.stats.events += events.length;
    }
  }
}

/** Hash of the first line (or first 256 bytes): tells a replaced file from the same file grown. */
async function headHash(fh: FileHandle): Promise<string> {
  const buf = Buffer.alloc(HEAD);
  const { bytesRead } = await fh.read(buf, 0, HEAD, 0);
  const head = buf.subarray(0, bytesRead);
  const nl = head.indexOf(10);
  if (nl < 0 && bytesRead < HEAD) return '';
  return createHash('sha256')
    .update(nl < 0 ? head : head.subarray(0, nl))
    .digest('hex')
    .slice(0, 32);
}
