import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { highOrCritical, scanRecursively } from './recursive.js';

interface Entry {
  path: string;
  label: 'malicious' | 'benign';
  technique: string;
  format: string;
}
const root = path.resolve(process.cwd(), '../shared/corpus');
const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8')) as { files: Entry[] };
const mine = manifest.files.filter(
  (e) => e.format === 'pytorch' || e.path.endsWith('.npz') || (e.format === 'joblib' && e.path.includes('compressed')),
);

describe('corpus: PyTorch, npz and compressed joblib judged through the containers', () => {
  it('covers the files the manifest lists', () => {
    expect(mine.length).toBeGreaterThanOrEqual(16);
  });
  for (const e of mine) {
    it(`${e.label}: ${e.path} (${e.technique})`, async () => {
      const r = await scanRecursively(new Uint8Array(readFileSync(path.join(root, e.path))), e.path);
      const bad = highOrCritical(r.findings);
      if (e.label === 'malicious') expect(bad.length, JSON.stringify(r.findings, null, 1)).toBeGreaterThan(0);
      else expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
      expect(r.targets.every((t) => t.status !== 'error')).toBe(true);
    });
  }

  it('the payload is found inside the member that holds it, named by its archive path', async () => {
    const cases: [string, string][] = [
      ['torch/extra_member_payload.pt', 'state_dict/extra/config.bin'],
      ['torch/zip_flag_bits.pt', 'state_dict/data.pkl'],
      ['torch/zip_name_mismatch.pt', 'state_dict/data.pkl'],
      ['torch/sevenzip_model.pth', 'data.pkl'],
      ['numpy_payload.npz', 'evil.npy'],
    ];
    for (const [file, member] of cases) {
      const r = await scanRecursively(new Uint8Array(readFileSync(path.join(root, 'files', file))), file);
      const critical = r.findings.filter((f) => f.severity === 'critical');
      expect(
        critical.map((f) => f.member),
        file,
      ).toContain(member);
    }
  });
});
