import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHasher, toHex } from '../../src/supply/hashing/algorithms.js';
import { HashJobError, hashJobs } from '../../src/supply/hashing/hash-engine.js';
import { rootDigest, serializeModel, shardRanges } from '../../src/supply/hashing/serialize.js';
import { canonicalRelPath, compareCodePoints, isIgnored, listModel } from '../../src/supply/hashing/walk.js';
import { tempDir } from './helpers.js';

const work = tempDir();
afterAll(() => work.cleanup());

describe('hash algorithms', () => {
  it('match published test vectors', async () => {
    const hex = async (alg: 'sha256' | 'blake2b' | 'blake3', s: string) => {
      const h = await createHasher(alg);
      h.update(new TextEncoder().encode(s));
      return toHex(h.digest());
    };
    expect(await hex('sha256', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await hex('blake3', '')).toBe('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
    expect(await hex('blake2b', 'abc')).toBe(
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
    );
  });
});

describe('parallel streaming hashing', () => {
  const dir = join(work.path, 'big');
  mkdirSync(dir);
  const files = [5, 3, 7].map((mib, i) => {
    const path = join(dir, `f${i}`);
    const data = randomBytes(mib << 20);
    writeFileSync(path, data);
    return { path, data };
  });
  const jobs = files.map((f) => ({ path: f.path, start: 0, end: f.data.length }));
  const expected = files.map((f) => createHash('sha256').update(f.data).digest('hex'));

  it('worker threads and the main thread give the same digests as one-shot hashing', async () => {
    const threads = await hashJobs(jobs, 'sha256', { mode: 'threads', concurrency: 2, chunk: 1 << 16 });
    const main = await hashJobs(jobs, 'sha256', { mode: 'main', chunk: 100_003 });
    expect(threads.map((d) => toHex(d as Uint8Array))).toEqual(expected);
    expect(main.map((d) => toHex(d as Uint8Array))).toEqual(expected);
  });

  it('hashes byte ranges (shards) exactly', async () => {
    const f = files[1]!;
    const [digest] = await hashJobs([{ path: f.path, start: 1000, end: 777_777 }], 'sha256', { chunk: 4096 });
    expect(toHex(digest as Uint8Array)).toBe(createHash('sha256').update(f.data.subarray(1000, 777_777)).digest('hex'));
  });

  it('reports an unreadable or shrunken file per job, others still complete', async () => {
    const res = await hashJobs(
      [
        { path: join(dir, 'missing'), start: 0, end: 10 },
        { path: files[0]!.path, start: 0, end: files[0]!.data.length + 5 },
        jobs[2]!,
      ],
      'sha256',
      { mode: 'main' },
    );
    expect(res[0]).toBeInstanceOf(HashJobError);
    expect(res[1]).toBeInstanceOf(HashJobError);
    expect(toHex(res[2] as Uint8Array)).toBe(expected[2]);
  });
});

describe('model enumeration (OMS §6.1, §6.2)', () => {
  it('canonicalises paths and refuses escapes', () => {
    expect(canonicalRelPath('./a//b/./c/')).toBe('a/b/c');
    expect(canonicalRelPath('../x')).toBeUndefined();
    expect(canonicalRelPath('/etc/passwd')).toBeUndefined();
  });

  it('ignore paths match whole components from the root', () => {
    expect(isIgnored('.git/HEAD', ['.git'])).toBe(true);
    expect(isIgnored('.github', ['.git'])).toBe(false);
    expect(isIgnored('sub/.git/HEAD', ['.git'])).toBe(false);
    expect(isIgnored('cache', ['cache'])).toBe(true);
  });

  it('sorts by Unicode code point, not UTF-16 unit', () => {
    const names = ['\u{1F600}', '\uFF5E', 'a/b', 'a.txt', 'B'];
    expect([...names].sort(compareCodePoints)).toEqual(['B', 'a.txt', 'a/b', '\uFF5E', '\u{1F600}']);
  });

  it('lists hidden files, skips default git paths only at the root', async () => {
    const d = join(work.path, 'walk');
    mkdirSync(join(d, '.git'), { recursive: true });
    mkdirSync(join(d, 'sub', '.git'), { recursive: true });
    writeFileSync(join(d, '.git', 'config'), '');
    writeFileSync(join(d, '.gitattributes'), '');
    writeFileSync(join(d, '.hidden'), '');
    writeFileSync(join(d, 'sub', '.git', 'x'), '');
    const l = await listModel(d, {
      ignorePaths: ['.git', '.gitattributes', '.gitignore', '.github'],
      allowSymlinks: false,
    });
    expect(l.entries.map((e) => e.name)).toEqual(['.hidden', 'sub/.git/x']);
  });

  it('an empty model cannot be signed', async () => {
    const d = join(work.path, 'empty');
    mkdirSync(d);
    await expect(
      serializeModel(d, {
        method: 'files',
        hashType: 'sha256',
        allowSymlinks: false,
        ignorePaths: [],
        ignoreGitPaths: true,
      }),
    ).rejects.toThrow(/no files to sign/);
  });

  it('shard ranges partition the file; empty files have none', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.integer({ min: 37, max: 3000 }), (size, shard) => {
        const r = shardRanges(size, shard);
        let pos = 0;
        for (const [s, e] of r) {
          expect(s).toBe(pos);
          expect(e - s).toBeLessThanOrEqual(shard);
          expect(e).toBeGreaterThan(s);
          pos = e;
        }
        expect(pos).toBe(size);
      }),
      { numRuns: 200 },
    );
  });

  it('root digest is SHA-256 over the raw digests in order (OMS §6.5.1)', () => {
    // The OMS spec's Appendix A example and the v1.1.0 elliptic-key reference signature.
    expect(
      rootDigest([
        {
          name: 'signme-1',
          algorithm: 'sha256',
          digest: 'bc9a717db6064a32cbe9eae6fc40651dd6d36ef1757183f590eff2b1765d7ebc',
        },
        {
          name: 'signme-2',
          algorithm: 'sha256',
          digest: '32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028',
        },
      ]),
    ).toBe('92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4');
  });
});
