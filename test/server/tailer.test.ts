import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlTailer } from '../../src/server/tailer.js';
import type { Db } from '../../src/store/db.js';
import { BACKENDS } from '../store/backends.js';

const line = (id: string) =>
  `${JSON.stringify({ v: 1, id, ts: '2026-03-01T00:00:00Z', kind: 'gateway', action: 'allow', status: 200 })}\n`;
const ids = async (db: Db, prefix: string) =>
  (await db.query<{ id: string }>('SELECT id FROM guard_events WHERE id LIKE $1 ORDER BY id', [`${prefix}%`])).rows.map(
    (r) => r.id,
  );

for (const make of BACKENDS) {
  const backend = make();
  describe(`JSONL tailer on ${backend.name}`, () => {
    let dir: string;
    let db: Db;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'warden-tail-'));
      db = await backend.open();
    });
    afterAll(async () => {
      await backend.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    it('reads complete lines only, resumes from the stored offset after a restart', async () => {
      const file = join(dir, 'a.jsonl');
      await writeFile(file, line('a1') + line('a2') + line('a3').slice(0, 20));
      const t1 = new JsonlTailer({ db, path: file });
      expect(await t1.poll()).toBe(2);
      await t1.stop();
      // The half-written line completes while the tailer is down; a new tailer picks up at the offset.
      await appendFile(file, line('a3').slice(20) + line('a4'));
      const t2 = new JsonlTailer({ db, path: file });
      expect(await t2.poll()).toBe(2);
      expect(t2.stats.events).toBe(2);
      await t2.stop();
      expect(await ids(db, 'a')).toEqual(['a1', 'a2', 'a3', 'a4']);
    });

    it('drains a rotated file through its open handle, then follows the new file', async () => {
      const file = join(dir, 'b.jsonl');
      await writeFile(file, line('b1'));
      const t = new JsonlTailer({ db, path: file });
      await t.poll();
      await appendFile(file, line('b2'));
      await rename(file, `${file}.1`);
      await writeFile(file, line('b3'));
      await t.poll();
      expect(t.stats.rotations).toBe(1);
      await t.stop();
      expect(await ids(db, 'b')).toEqual(['b1', 'b2', 'b3']);
    });

    it('finishes a file rotated while the server was down', async () => {
      const file = join(dir, 'c.jsonl');
      await writeFile(file, line('c1'));
      const t1 = new JsonlTailer({ db, path: file });
      await t1.poll();
      await t1.stop();
      await appendFile(file, line('c2'));
      await rename(file, `${file}.1`);
      await writeFile(file, line('c3'));
      const t2 = new JsonlTailer({ db, path: file });
      await t2.poll();
      await t2.stop();
      expect(await ids(db, 'c')).toEqual(['c1', 'c2', 'c3']);
    });

    it('starts over after truncation, and skips malformed lines', async () => {
      const file = join(dir, 'd.jsonl');
      await writeFile(file, line('d1') + line('d2'));
      const t = new JsonlTailer({ db, path: file });
      await t.poll();
      await truncate(file, 0);
      await writeFile(file, `${line('d3')}not json\n{"id":"x"}\n`);
      await t.poll();
      expect(t.stats.truncations).toBe(1);
      expect(t.stats.invalid).toBe(2);
      await t.stop();
      expect(await ids(db, 'd')).toEqual(['d1', 'd2', 'd3']);
    });

    it('re-reading the same lines never duplicates events', async () => {
      const file = join(dir, 'e.jsonl');
      await writeFile(file, line('e1') + line('e2'));
      const t1 = new JsonlTailer({ db, path: file });
      await t1.poll();
      await t1.stop();
      await db.query('DELETE FROM ingest_offsets WHERE source = $1', [file]);
      const t2 = new JsonlTailer({ db, path: file });
      await t2.poll();
      await t2.stop();
      expect(await ids(db, 'e')).toEqual(['e1', 'e2']);
    });
  });
}
