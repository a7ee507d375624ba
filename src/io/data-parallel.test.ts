import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatJsonl, customersCsv } from '../../test/builders/data-files.js';
import { emailAddress, rng, SECRET_FACTORIES } from '../../test/builders/data-secrets.js';
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

  it('merges sampled parts: secrets exact (count and first line), personal-data counts marked as estimates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-par-'));
    try {
      const r = rng(21);
      const rows = ['id,email,notes'];
      for (let i = 1; i <= 6000; i++) {
        const key = i % 1500 === 700 ? ` ${SECRET_FACTORIES['github-token']!(r)}` : '';
        rows.push(`${i},${emailAddress(r)}${key},fine`);
      }
      await writeFile(join(dir, 's.csv'), `${rows.join('\n')}\n`);
      const limits = { sampleRows: 300, sampleStride: 8, rowBlockBytes: 4096 };
      const one = await scanDataFiles(['s.csv'], { cwd: dir, concurrency: 1, limits });
      const three = await scanDataFiles(['s.csv'], { cwd: dir, concurrency: 3, parallelMinBytes: 1, limits });
      for (const rep of [one, three]) {
        const email = rep.findings.find((f) => f.message.endsWith('; email)'));
        expect(email?.message).toMatch(/^column `email` — ~100% e-mail address \(~6,000 of 6,000 rows, estimated from/);
        expect(email?.line).toBe(2);
      }
      const token = (rep: typeof one) =>
        rep.findings.filter((f) => f.message.includes('github-token')).map((f) => [f.message, f.line]);
      expect(token(three)).toEqual(token(one));
      expect(token(one)).toEqual([['column `email` — <1% GitHub token (4 of 6,000 rows; github-token)', 701]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
