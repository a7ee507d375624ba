import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface EventSinkOptions {
  readonly path: string;
  /** Rotate when the file reaches this size (checked between batches; a batch is never split). */
  readonly maxBytes?: number;
  /** Rotated files kept: `events.jsonl.1` (newest) … `events.jsonl.<keep>`. */
  readonly keep?: number;
  /** A batch is written (and fsynced) at most this long after its first event. */
  readonly flushMs?: number;
  /** A batch this large is written at once. */
  readonly batchBytes?: number;
  /** Events waiting beyond this are dropped (and counted) rather than growing memory without bound. */
  readonly maxBufferedBytes?: number;
  /** Receives write errors; the sink keeps going and retries the file on the next batch. */
  readonly onError?: (e: unknown) => void;
}

export interface SinkStats {
  written: number;
  dropped: number;
  batches: number;
  rotations: number;
  errors: number;
}

/**
 * Append-only JSONL event file, the gateway's default sink and the file `warden serve`'s tailer follows.
 * Events are batched: one write and one fdatasync per batch, so durability costs one disk flush per
 * `flushMs`, not one per request, and the request path never waits for the disk. Rotation is by rename
 * (`x.jsonl` → `x.jsonl.1` → …) followed by a fresh file — the scheme the tailer recognises by inode — and
 * happens only between batches, so no line is ever split across files.
 */
export class JsonlEventSink {
  readonly stats: SinkStats = { written: 0, dropped: 0, batches: 0, rotations: 0, errors: 0 };
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly flushMs: number;
  private readonly batchBytes: number;
  private readonly maxBuffered: number;
  private lines: string[] = [];
  private buffered = 0;
  private fh: FileHandle | undefined;
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: EventSinkOptions) {
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.keep = Math.max(0, opts.keep ?? 5);
    this.flushMs = opts.flushMs ?? 200;
    this.batchBytes = opts.batchBytes ?? 256 * 1024;
    this.maxBuffered = opts.maxBufferedBytes ?? 16 * 1024 * 1024;
  }

  /** Queues one event. Never throws and never waits; returns false when the event was dropped. */
  write(event: unknown): boolean {
    if (this.closed) return false;
    let line: string;
    try {
      line = `${JSON.stringify(event)}\n`;
    } catch {
      this.stats.dropped++;
      return false;
    }
    if (this.buffered + line.length > this.maxBuffered) {
      this.stats.dropped++;
      return false;
    }
    this.lines.push(line);
    this.buffered += line.length;
    if (this.buffered >= this.batchBytes) this.flush().catch(() => {});
    else this.timer ??= setTimeout(() => this.flush().catch(() => {}), this.flushMs);
    return true;
  }

  /** Writes and fsyncs everything queued so far. Batches are serialised: order on disk is call order. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const lines = this.lines;
    this.lines = [];
    this.buffered = 0;
    if (lines.length === 0) return this.chain;
    this.chain = this.chain.then(() => this.writeBatch(lines));
    return this.chain;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.fh?.close().catch(() => {});
    this.fh = undefined;
  }

  private async writeBatch(lines: string[]): Promise<void> {
    try {
      if (this.fh && this.size >= this.maxBytes) await this.rotate();
      if (!this.fh) await this.openFile();
      const buf = Buffer.from(lines.join(''), 'utf8');
      await this.fh!.write(buf);
      await this.fh!.datasync();
      this.size += buf.length;
      this.stats.written += lines.length;
      this.stats.batches++;
    } catch (e) {
      this.stats.errors++;
      this.stats.dropped += lines.length;
      await this.fh?.close().catch(() => {});
      this.fh = undefined;
      this.opts.onError?.(e);
    }
  }

  private async openFile(): Promise<void> {
    await mkdir(dirname(this.opts.path), { recursive: true });
    this.fh = await open(this.opts.path, 'a', 0o600);
    this.size = (await this.fh.stat()).size;
    if (this.size >= this.maxBytes) {
      await this.rotate();
      await this.openFile();
    }
  }

  private async rotate(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
    const p = this.opts.path;
    if (this.keep === 0) {
      await rm(p, { force: true });
    } else {
      await rm(`${p}.${this.keep}`, { force: true });
      for (let i = this.keep - 1; i >= 1; i--) {
        if (await exists(`${p}.${i}`)) await rename(`${p}.${i}`, `${p}.${i + 1}`);
      }
      if (await exists(p)) await rename(p, `${p}.1`);
    }
    this.stats.rotations++;
    this.size = 0;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
