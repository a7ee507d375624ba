import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../core/byte-source.js';
import { inflateRawCapped } from './inflate.js';

const caps = { maxBytes: 64 << 20, maxRatio: 1000 };
const raw = (b: Uint8Array) => new Uint8Array(zlib.deflateRawSync(b));
const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('inflateRawCapped', () => {
  it('a small stream followed by other bytes: the output, and how many compressed bytes it took', async () => {
    const plain = cat(randomBytes(5000), new Uint8Array(5000));
    const body = raw(plain);
    const r = await inflateRawCapped(new MemorySource(cat(body, randomBytes(300))), 0, body.length + 300, caps);
    expect(Buffer.from(r.data).equals(Buffer.from(plain))).toBe(true);
    expect(r.bytesIn).toBe(body.length);
    expect(r.error).toBeUndefined();
  });

  it('a corrupt stream keeps the output decoded before the bad bytes', async () => {
    const words = ['model', 'weights', 'layer', 'tensor', 'bias', 'float'];
    const text = Array.from({ length: 40_000 }, (_, i) => words[(i * 7919) % words.length]).join(' ');
    const plain = new TextEncoder().encode(text);
    const body = raw(plain);
    body.fill(0xff, body.length - 200);
    const r = await inflateRawCapped(new MemorySource(body), 0, body.length, caps);
    expect(r.error).toBeDefined();
    expect(r.data.length).toBeGreaterThan(plain.length / 2);
    // Corrupt Huffman codes can decode as garbage before zlib notices; what came before is exact.
    const half = plain.length / 2;
    expect(Buffer.from(r.data.subarray(0, half)).equals(Buffer.from(plain.subarray(0, half)))).toBe(true);
  });

  it('a truncated stream is reported as such, with what decoded', async () => {
    const plain = randomBytes(50_000);
    const body = raw(plain).subarray(0, 30_000);
    const r = await inflateRawCapped(new MemorySource(body), 0, body.length, caps);
    expect(r.error).toMatch(/truncated|unexpected end/);
    expect(r.data.length).toBeGreaterThan(20_000);
  });

  it('output past the size cap stops at the cap, small input or not', async () => {
    const body = raw(new Uint8Array(8 << 20));
    const r = await inflateRawCapped(new MemorySource(body), 0, body.length, { maxBytes: 1 << 20, maxRatio: 1e9 });
    expect(r.stopped).toBe('size-cap');
    expect(r.data.length).toBeLessThanOrEqual(1 << 20);
  });
});
