import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCANNERS } from '../src/scan/registry.js';

describe('docs/formats.md', () => {
  it('has a row for every registered scanner', () => {
    const doc = readFileSync('docs/formats.md', 'utf8');
    const missing = SCANNERS.map((s) => s.id).filter((id) => !doc.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });
});
