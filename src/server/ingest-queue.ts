import type { MonitorEvent } from '../monitor/event.js';
import type { Db } from '../store/db.js';
import { insertEvents } from '../store/events-repo.js';

export interface IngestQueueOptions {
  /** Rows per transaction at most. */
  readonly maxBatchRows?: number;
  /** Rows waiting at most; beyond it new batches are refused (the caller answers 503). */
  readonly maxPendingRows?: number;
}

interface Waiter {
  readonly events: readonly MonitorEvent[];
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

/**
 * Group commit. Concurrent requests are merged into one INSERT per table in one transaction, and each
 * request's promise settles only after that transaction committed: acknowledgement follows durability,
 * never precedes it. One writer at a time suits PGlite (single connection) and costs little on a server.
 */
export class IngestQueue {
  private pending: Waiter[] = [];
  private pendingRows = 0;
  private running = false;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  committedRows = 0;
  transactions = 0;

  constructor(
    private readonly db: Db,
    opts: IngestQueueOptions = {},
  ) {
    this.maxBatch = opts.maxBatchRows ?? 20_000;
    this.maxPending = opts.maxPendingRows ?? 200_000;
  }

  get depth(): number {
    return this.pendingRows;
  }

  submit(events: readonly MonitorEvent[]): Promise<void> {
    if (this.pendingRows + events.length > this.maxPending) {
      return Promise.reject(new QueueFullError('ingest queue full'));
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      this.pendingRows += events.length;
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.length) {
        const take: Waiter[] = [];
        let rows = 0;
        while (this.pending.length && (take.length === 0 || rows + this.pending[0]!.events.length <= this.maxBatch)) {
          const w = this.pending.shift()!;
          take.push(w);
          rows += w.events.length;
        }
        this.pendingRows -= rows;
        const all = take.length === 1 ? take[0]!.events : take.flatMap((w) => w.events);
        try {
          await this.db.transaction((tx) => insertEvents(tx, all));
          this.committedRows += rows;
          this.transactions++;
          for (const w of take) w.resolve();
        } catch (e) {
          if (take.length === 1) {
            take[0]!.reject(e);
            continue;
          }
          // One request's batch must not sink the others merged with it: retry each on its own.
          for (const w of take) {
            try {
              await this.db.transaction((tx) => insertEvents(tx, w.events));
              this.committedRows += w.events.length;
              this.transactions++;
              w.resolve();
            } catch (err) {
              w.reject(err);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Resolves when everything submitted so far has been committed or failed. */
  async idle(): Promise<void> {
    while (this.running || this.pending.length) await new Promise((r) => setTimeout(r, 5));
  }
}
