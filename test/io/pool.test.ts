import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import type { FileScan } from '../../src/io/scan-file.js';
import { autoConcurrency, runPool } from '../../src/io/scan-files.js';

const entry = (name: string) => ({ absPath: `/x/${name}`, displayPath: name, size: 1, siblings: [] });
const UNRULY = new URL('./fixtures/unruly-worker.mjs', import.meta.url);

async function pool(names: string[], timeBudgetMs = 200) {
  const results = new Map<string, FileScan>();
  const files = names.map(entry);
  await runPool(
    files,
    { ...DEFAULT_LIMITS, timeBudgetMs },
    2,
    (i, r) => results.set(names[i]!, r),
    () => new Worker(UNRULY, { resourceLimits: { maxOldGenerationSizeMb: 512 }, stdout: false }),
  );
  return results;
}

describe('autoConcurrency', () => {
  it('adds workers only when the workload pays for their warm-up, never past the cores', () => {
    expect(autoConcurrency(1, 10, 8)).toBe(1);
    expect(autoConcurrency(2000, 400e6, 8)).toBe(1);
    expect(autoConcurrency(9000, 400e6, 8)).toBe(3);
    expect(autoConcurrency(10, 20 * 1024 ** 3, 8)).toBe(5);
    expect(autoConcurrency(1e6, 0, 2)).toBe(2);
  });
});

describe('worker pool', () => {
  it('answers every file exactly once when all goes well', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `f${i}`);
    const r = await pool(names);
    expect(r.size).toBe(300);
    expect([...r.values()].every((x) => x.targets[0]?.status === 'ok')).toBe(true);
  });

  it('reports a hung file as a timeout and still scans the rest of its batch', { timeout: 60_000 }, async () => {
    const names = ['a', 'b', 'hang-1', 'c', 'd', 'e', 'f', 'g'];
    const r = await pool(names, 100);
    expect(r.size).toBe(names.length);
    expect(r.get('hang-1')?.targets[0]).toMatchObject({ status: 'error', error: { code: 'timeout' } });
    for (const n of names.filter((x) => x !== 'hang-1')) expect(r.get(n)?.targets[0]?.status).toBe('ok');
  });

  it('survives a worker that exits or runs out of memory', { timeout: 60_000 }, async () => {
    const names = ['a', 'crash-1', 'b', 'c', 'oom-1', 'd'];
    // A budget long enough for the heap to fill before the watchdog would fire.
    const r = await pool(names, 20_000);
    expect(r.size).toBe(names.length);
    expect(r.get('crash-1')?.targets[0]).toMatchObject({ status: 'error', error: { code: 'internal' } });
    expect(r.get('oom-1')?.targets[0]).toMatchObject({ status: 'error', error: { code: 'internal' } });
    expect(r.get('crash-1')?.findings[0]?.ruleId).toBe('scan/internal-error');
    for (const n of ['a', 'b', 'c', 'd']) expect(r.get(n)?.targets[0]?.status).toBe('ok');
  });
});
