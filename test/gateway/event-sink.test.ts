import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlEventSink } from '../../src/io/event-sink.js';

describe('JsonlEventSink', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'warden-sink-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes every event once, in order, as complete JSON lines, batching the fsyncs', async () => {
    const path = join(dir, 'sub', 'events.jsonl');
    const sink = new JsonlEventSink({ path, flushMs: 20 });
    for (let i = 0; i < 500; i++) sink.write({ id: `e${i}`, n: i });
    await sink.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l).n)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(sink.stats.written).toBe(500);
    expect(sink.stats.batches).toBeLessThan(10);
  });

  it('rotates by rename between batches, keeps N files and never splits a line', async () => {
    const path = join(dir, 'events.jsonl');
    const sink = new JsonlEventSink({ path, maxBytes: 2000, keep: 2, flushMs: 1 });
    let n = 0;
    for (let b = 0; b < 12; b++) {
      for (let i = 0; i < 10; i++) sink.write({ id: `e${n}`, n: n++, pad: 'x'.repeat(40) });
      await sink.flush();
    }
    await sink.close();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['events.jsonl', 'events.jsonl.1', 'events.jsonl.2']);
    expect(sink.stats.rotations).toBeGreaterThan(2);
    const seen: number[] = [];
    for (const f of ['events.jsonl.2', 'events.jsonl.1', 'events.jsonl']) {
      const text = await readFile(join(dir, f), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      for (const l of text.trim().split('\n')) seen.push(JSON.parse(l).n);
    }
    // The newest events, contiguous and in order (older files were rotated away).
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => seen[0]! + i));
    expect(seen[seen.length - 1]).toBe(n - 1);
  });

  it('drops (and counts) events beyond its memory bound instead of growing', async () => {
    const sink = new JsonlEventSink({
      path: join(dir, 'e.jsonl'),
      maxBufferedBytes: 1000,
      flushMs: 10_000,
      batchBytes: 1e9,
    });
    let accepted = 0;
    for (let i = 0; i < 100; i++) if (sink.write({ i, pad: 'y'.repeat(50) })) accepted++;
    expect(accepted).toBeLessThan(20);
    expect(sink.stats.dropped).toBe(100 - accepted);
    await sink.close();
  });

  it('reports an unwritable path through onError and keeps serving', async () => {
    const errors: unknown[] = [];
    const sink = new JsonlEventSink({ path: join(dir, 'f', 'e.jsonl'), onError: (e) => errors.push(e) });
    await rm(join(dir), { recursive: true, force: true });
    // A file where the directory should be makes mkdir fail.
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'f'), 'not a directory');
    sink.write({ a: 1 });
    await sink.flush();
    expect(errors).toHaveLength(1);
    expect(sink.stats.dropped).toBe(1);
    expect(sink.write({ a: 2 })).toBe(true);
    await sink.close();
  });
});
