import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParseFailure } from '../../../src/core/result.js';
import { DEFAULT_HTTP, type Meter } from '../../../src/io/remote/http.js';
import { DEFAULT_RANGE, HttpRangeSource, parseContentRange } from '../../../src/io/remote/range-source.js';
import { FakeHub, memFile } from './fake-hub.js';

const DATA = new Uint8Array(randomBytes(1024 * 1024 + 12345));
let hub: FakeHub;
let url: string;
beforeAll(async () => {
  hub = await new FakeHub().addRepo('org/r', { files: { 'blob.bin': memFile(DATA) } }).start();
  url = `${hub.hubUrl}/org/r/resolve/main/blob.bin`;
});
afterAll(() => hub.stop());

const open = (meter: Meter, range = {}) =>
  HttpRangeSource.open(
    (headers) => ({ method: 'GET', url, what: url, headers }),
    { ...DEFAULT_HTTP, retries: 0, meter },
    { ...DEFAULT_RANGE, ...range },
  );

describe('HttpRangeSource', () => {
  it('returns exactly the bytes a local read would, for any reads and block size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(512, 4096, 65536),
        fc.array(fc.tuple(fc.nat(DATA.length + 100), fc.nat(300_000)), { minLength: 1, maxLength: 12 }),
        async (blockSize, reads) => {
          const src = await open({ bytes: 0, requests: 0 }, { blockSize, cacheBytes: 8 * blockSize });
          expect(src.size).toBe(DATA.length);
          const got = await Promise.all(reads.map(([o, l]) => src.read(o, l)));
          reads.forEach(([o, l], i) => {
            expect(Buffer.from(got[i]!).equals(Buffer.from(DATA.subarray(o, Math.min(DATA.length, o + l))))).toBe(true);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('turns thousands of small sequential reads into a handful of requests (read-ahead)', async () => {
    const meter = { bytes: 0, requests: 0 };
    const src = await open(meter);
    for (let at = 0; at < DATA.length; at += 100) await src.read(at, 100);
    expect(meter.requests).toBeLessThanOrEqual(8);
    expect(src.bytesRead).toBe(DATA.length);
  });

  it('shares one request between concurrent reads of the same block', async () => {
    const meter = { bytes: 0, requests: 0 };
    const src = await open(meter);
    const before = meter.requests;
    await Promise.all(Array.from({ length: 20 }, (_, i) => src.read(300_000 + i * 10, 10)));
    expect(meter.requests - before).toBe(1);
  });

  it('fails a read past the transfer cap with limit_exceeded, as a ParseFailure scanners unwind on', async () => {
    const src = await open({ bytes: 0, requests: 0 }, { maxTransfer: 128 * 1024 });
    const err = await src.read(500_000, 100_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseFailure);
    expect((err as ParseFailure).error.code).toBe('limit_exceeded');
  });
});

describe('a server that answers ranges wrongly', () => {
  let server: Server;
  let bad: string;
  beforeAll(async () => {
    // Always sends bytes 0-9 whatever was asked: a broken cache or proxy.
    server = createServer((_req, res) => {
      res.writeHead(206, { 'content-range': `bytes 0-9/${DATA.length}`, 'content-length': '10' });
      res.end(Buffer.from(DATA.subarray(0, 10)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    bad = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('is an io_error, never wrong bytes handed to a scanner', async () => {
    const src = await HttpRangeSource.open(
      (headers) => ({ method: 'GET', url: bad, what: bad, headers }),
      { ...DEFAULT_HTTP, retries: 0 },
      { ...DEFAULT_RANGE, blockSize: 10 },
    );
    const err = await src.read(1000, 10).catch((e: unknown) => e);
    expect((err as ParseFailure).error.code).toBe('io_error');
    expect((err as ParseFailure).error.message).toContain('inconsistently');
  });
});

describe('parseContentRange', () => {
  it('reads the three forms and rejects the rest', () => {
    expect(parseContentRange('bytes 0-9/100')).toEqual({ start: 0, end: 9, total: 100 });
    expect(parseContentRange('bytes 5-9/*')).toEqual({ start: 5, end: 9 });
    for (const bad of [null, '', 'bytes */100', 'bytes 9-0/100', 'items 0-9/100', `bytes 0-9/${'9'.repeat(40)}`])
      expect(parseContentRange(bad)).toBeUndefined();
  });
});
