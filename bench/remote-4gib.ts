/**
 * Judges a 4 GiB safetensors file and a 4 GiB GGUF file served over HTTP from loopback by the
 * fake Hugging Face Hub the tests use, and prints what crossed the wire: response body bytes the
 * client received, bytes the server wrote to its sockets (headers included), requests and time.
 * The files are sparse (real headers, tensor data a hole), made once under bench/.work/.
 *
 *   npx tsx bench/remote-4gib.ts
 */
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { scanRemote } from '../src/io/remote/scan-remote.js';
import { ggufBytes, str } from '../test/builders/gguf.js';
import { type StTensor, safetensorsBytes } from '../test/builders/safetensors.js';
import { type FakeFile, FakeHub } from '../test/io/remote/fake-hub.js';

const GIB = 1024 ** 3;
const WORK = join(import.meta.dirname, '.work');

async function sparse(path: string, header: Uint8Array, size: number): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.size === size) return;
  const fh = await open(path, 'w');
  try {
    await fh.write(header, 0, header.length, 0);
    await fh.truncate(size);
  } finally {
    await fh.close();
  }
}

/** 256 BF16 tensors of 4096×2048 (16 MiB each): 4 GiB of data behind a ~30 KB header. */
async function makeSafetensors(path: string): Promise<void> {
  const each = 4096 * 2048 * 2;
  const tensors: StTensor[] = Array.from({ length: 256 }, (_, i) => ({
    name: `model.layers.${i}.mlp.weight`,
    dtype: 'BF16',
    shape: [4096, 2048],
    offsets: [i * each, (i + 1) * each],
  }));
  const header = safetensorsBytes(tensors, { metadata: { format: 'pt' }, dataBytes: 0 });
  await sparse(path, header, header.length + 4 * GIB);
}

/** 32 F32 tensors of 8192×4096 (128 MiB each) and a 32k-token vocabulary: 4 GiB of data. */
async function makeGguf(path: string): Promise<void> {
  const tokens = Array.from({ length: 32_000 }, (_, i) => str(`<tok_${i}>`));
  const header = ggufBytes({
    kv: [
      ['general.architecture', str('llama')],
      ['general.name', str('bench-4gib')],
      ['tokenizer.ggml.tokens', { t: 'arr', of: 8, items: tokens }],
    ],
    tensors: Array.from({ length: 32 }, (_, i) => ({ name: `blk.${i}.ffn.weight`, dims: [8192, 4096] })),
    dataBytes: 0,
  });
  await sparse(path, header, header.length + 4 * GIB);
}

async function fileBacked(path: string): Promise<FakeFile> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    read: async (s, e) => {
      const buf = Buffer.alloc(e - s);
      await fh.read(buf, 0, buf.length, s);
      return buf;
    },
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  await mkdir(WORK, { recursive: true });
  const st = join(WORK, 'remote-4gib.safetensors');
  const gg = join(WORK, 'remote-4gib.gguf');
  await makeSafetensors(st);
  await makeGguf(gg);
  const hub = await new FakeHub()
    .addRepo('bench/st', { files: { 'model.safetensors': await fileBacked(st) } })
    .addRepo('bench/gguf', { files: { 'model.gguf': await fileBacked(gg) } })
    .start();
  try {
    for (const url of ['hf://bench/st', 'hf://bench/gguf']) {
      const wire0 = hub.wireBytesNow();
      const t0 = performance.now();
      const r = await scanRemote([url], { env: { HF_ENDPOINT: hub.hubUrl }, limits: DEFAULT_LIMITS });
      const ms = performance.now() - t0;
      // Let closed sockets report their last bytes.
      await new Promise((res) => setTimeout(res, 50));
      const wire = hub.wireBytesNow() - wire0;
      const t = r.targets[0];
      if (!t || r.failures.length > 0) throw new Error(`${url}: ${JSON.stringify(r.failures)}`);
      console.log(
        `${url.padEnd(16)} ${(t.sizeBytes / GIB).toFixed(2)} GiB  format=${t.format} status=${t.status} ` +
          `findings=${r.findings.length}  received=${kib(r.meter.bytes)} (${r.meter.requests} requests, ` +
          `listing included)  on the wire=${kib(wire)}  ` +
          `share=${((100 * r.meter.bytes) / t.sizeBytes).toFixed(4)}%  time=${ms.toFixed(0)} ms`,
      );
      if (r.meter.bytes >= 1024 * 1024) throw new Error(`${url}: transferred ${r.meter.bytes} bytes, over 1 MiB`);
    }
  } finally {
    await hub.stop();
  }
}

await main();
