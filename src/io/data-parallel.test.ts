import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatJsonl, customersCsv } from '../../test/builders/data-files.js';
import { scanDataFiles } from './data-reader.js';

describe('parallel scan of one large file', () => {
  it('gives the same findings (counts, first line and offset) split over threads as on one thread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-par-'));
    try {
      await writeFile(join(dir, 'c.csv'), customersCsv(1500, 5, 1200).text);
      await writeFile(join(dir, 'c.jsonl'), chatJsonl(1500, 6));
      for (const name of ['c.csv', 'c.jsonl']) {
        const one = await scanDataFiles([name], { cwd: dir, concurrency: 1 });
        const three = await scanDataFiles([name], { cwd: dir, concurrency: 3, parallelMinBytes: 1 });
        const strip = (fs: typeof one.findings) =>
          fs.map((f) => ({ m: f.message, l: f.line, o: f.offset, s: f.severity }));
        expect(strip(three.findings)).toEqual(strip(one.findings));
        expect(one.findings.length).toBeGreaterThanOrEqual(2);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
