import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/core/byte-source.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { scanSource } from '../../src/scan/engine.js';
import { SCANNERS } from '../../src/scan/registry.js';

const CORPUS = resolve(process.cwd(), '../shared/corpus/files');
const seeds: { name: string; bytes: Uint8Array }[] = [];
const collect = (dir: string) => {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) collect(p);
    else seeds.push({ name: n, bytes: new Uint8Array(readFileSync(p)) });
  }
};
collect(CORPUS);

const limits = { ...DEFAULT_LIMITS, timeBudgetMs: 5_000 };

/** Runs the whole registry over bytes, as the CLI would, and returns what a user would see. */
async function scanBytes(bytes: Uint8Array, name: string) {
  const t0 = performance.now();
  const r = await scanSource(
    new MemorySource(bytes),
    { path: name, name, siblings: [] },
    { limits, scanners: SCANNERS, signal: AbortSignal.timeout(limits.timeBudgetMs) },
  );
  return { ...r, ms: performance.now() - t0 };
}

describe('hostile input through the whole engine', () => {
  it('never fails internally on mutated real model files (every format, every scanner)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (seed, flips, cut) => {
          const bytes = seed.bytes.slice(0, cut === undefined ? undefined : cut % (seed.bytes.length + 1));
          for (const [at, v] of flips) if (bytes.length > 0) bytes[at % bytes.length] = v;
          const r = await scanBytes(bytes, seed.name);
          expect(r.targets.filter((t) => t.error?.code === 'internal')).toEqual([]);
          expect(r.ms).toBeLessThan(limits.timeBudgetMs + 1_000);
        },
      ),
      { numRuns: 800 },
    );
  });

  it('never fails internally on random bytes behind every magic number', async () => {
    const heads = seeds.map((s) => s.bytes.slice(0, 16));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...heads), fc.uint8Array({ maxLength: 2048 }), async (head, tail) => {
        const bytes = new Uint8Array(head.length + tail.length);
        bytes.set(head);
        bytes.set(tail, head.length);
        const r = await scanBytes(bytes, 'random.bin');
        expect(r.targets.filter((t) => t.error?.code === 'internal')).toEqual([]);
      }),
      { numRuns: 800 },
    );
  });

  it('reports empty and tiny files without failing', async () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array([0x80]), new Uint8Array([0x50, 0x4b, 0x03, 0x04])]) {
      const r = await scanBytes(bytes, 'tiny');
      expect(r.targets[0]?.error?.code).not.toBe('internal');
    }
  });
});
