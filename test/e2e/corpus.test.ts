import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { atLeast } from '../../src/core/severity.js';
import { scanFiles } from '../../src/io/scan-files.js';

const CORPUS = resolve(process.cwd(), '../shared/corpus');

interface Entry {
  path: string;
  label: 'malicious' | 'benign';
  technique: string;
  format: string;
}

const manifest = JSON.parse(readFileSync(resolve(CORPUS, 'manifest.json'), 'utf8')) as { files: Entry[] };

describe('shared corpus: every file judged as its manifest says', async () => {
  // One scan of the whole corpus, as a user would run it: folders, workers and all.
  const report = await scanFiles(['files'], { cwd: CORPUS, exclude: [], limits: DEFAULT_LIMITS, concurrency: 2 });
  const byFile = (p: string) => report.findings.filter((f) => f.path === p);

  it('scans every file without a tool failure', () => {
    const failed = report.targets.filter((t) => t.error?.code === 'internal');
    expect(failed).toEqual([]);
  });

  for (const e of manifest.files) {
    if (e.label === 'malicious') {
      it(`flags ${e.path} (${e.technique})`, () => {
        const serious = byFile(e.path).filter((f) => atLeast(f.severity, 'high'));
        expect(serious.map((f) => `${f.ruleId}: ${f.message}`)).not.toEqual([]);
      });
    } else {
      it(`stays quiet on ${e.path} (${e.technique})`, () => {
        const serious = byFile(e.path).filter((f) => atLeast(f.severity, 'high'));
        expect(serious.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
      });
    }
  }
});
