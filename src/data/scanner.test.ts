import { describe, expect, it } from 'vitest';
import { leakyNotebook } from '../../test/builders/data-files.js';
import { MemorySource } from '../core/byte-source.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { dataLeakScanner } from './scanner.js';

const enc = new TextEncoder();
const ctx = (path: string) => ({
  path,
  limits: DEFAULT_LIMITS,
  depth: 0,
  signal: new AbortController().signal,
  siblings: [],
});

describe('data/leak format scanner (for warden scan)', () => {
  it('claims notebooks, model cards and .env files by name or nbformat keys, not other text', () => {
    const head = enc.encode(leakyNotebook().json.slice(0, 4096));
    expect(dataLeakScanner.sniff({ head, size: 100, name: 'x.json' })).toBe(true);
    expect(dataLeakScanner.sniff({ head: enc.encode('# Model'), size: 7, name: 'README.md' })).toBe(true);
    expect(dataLeakScanner.sniff({ head: enc.encode('A=1'), size: 3, name: '.env' })).toBe(true);
    expect(dataLeakScanner.sniff({ head: enc.encode('{"a":1}'), size: 7, name: 'config.json' })).toBe(false);
    expect(dataLeakScanner.sniff({ head: new Uint8Array([0x80, 0x02, 0]), size: 3, name: 'README.md' })).toBe(false);
  });

  it('reports keys in a notebook member with the cell as member path', async () => {
    const { json } = leakyNotebook();
    const out = await dataLeakScanner.scan(new MemorySource(enc.encode(json)), ctx('repo/train.ipynb'));
    expect(out.findings.map((f) => f.member)).toContain('cell[1]/outputs[0]');
    expect(out.findings.every((f) => f.ruleId === 'data/secret' || f.ruleId === 'data/pii')).toBe(true);
  });
});
