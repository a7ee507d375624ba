/**
 * Judges a 4 GiB safetensors file and a 4 GiB GGUF file through FileSource and reports how many
 * bytes the scanners read (target: under 0.1% of the file). The files are sparse: headers are
 * written for real, the tensor data is a hole made by ftruncate, so generating them is cheap.
 *
 *   npx tsx bench/formats-4gib.ts
 */
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { FileSource } from '../src/io/file-source.js';
import { ggufScanner } from '../src/scan/formats/gguf.js';
import { safetensorsScanner } from '../src/scan/formats/safetensors.js';
import type { FormatScanner } from '../src/scan/types.js';
import { ggufBytes, str } from '../test/builders/gguf.js';
import { type StTensor, safetensorsBytes } from '../test/builders/safetensors.js';
import { LLAMA31_TOOLS } from '../test/scan/template/real-templates.js';

const GIB = 1024 ** 3;
const WORK = join(import.meta.dirname, '.work');

async function writeSparse(path: string, header: Uint8Array, size: number): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.write(header, 0, header.length, 0);
    await fh.truncate(size);
  } finally {
    await fh.close();
  }
}

/** 256 BF16 tensors of 4096×2048 (16 MiB each) = 4 GiB of data, like a 2B-parameter checkpoint. */
async function makeSafetensors(path: string): Promise<number> {
  const tensors: StTensor[] = [];
  const each = 4096 * 2048 * 2;
  for (let i = 0; i < 256; i++)
    tensors.push({
      name: `model.layers.${i}.mlp.weight`,
      dtype: 'BF16',
      shape: [4096, 2048],
      offsets: [i * each, (i + 1) * each],
    });
  const header = safetensorsBytes(tensors, { metadata: { format: 'pt' }, dataBytes: 0 });
  const size = header.length + 4 * GIB;
  await writeSparse(path, header, size);
  return size;
}

/** 32 F32 tensors of 8192×4096 (128 MiB each) = 4 GiB, a 32k-token vocabulary and a Llama 3.1 template. */
async function makeGguf(path: string): Promise<number> {
  const tokens = Array.from({ length: 32_000 }, (_, i) => str(`<tok_${i}>`));
  const header = ggufBytes({
    kv: [
      ['general.architecture', str('llama')],
      ['general.name', str('bench-4gib')],
      ['tokenizer.ggml.tokens', { t: 'arr', of: 8, items: tokens }],
      ['tokenizer.ggml.scores', { t: 'arr', of: 6, items: tokens.map(() => ({ t: 'f32', v: 0 }) as const) }],
      ['tokenizer.chat_template', str(LLAMA31_TOOLS)],
    ],
    tensors: Array.from({ length: 32 }, (_, i) => ({ name: `blk.${i}.ffn.weight`, dims: [8192, 4096] })),
    dataBytes: 0,
  });
  const size = header.length + 4 * GIB;
  await writeSparse(path, header, size);
  return size;
}

async function judge(label: string, scanner: FormatScanner, path: string, size: number): Promise<void> {
  const t0 = performance.now();
  const src = await FileSource.open(path);
  try {
    const head = await src.read(0, 4096);
    if (!scanner.sniff({ head, size, name: path })) throw new Error(`${label}: not claimed by ${scanner.id}`);
    const out = await scanner.scan(src, {
      path,
      limits: DEFAULT_LIMITS,
      depth: 0,
      signal: new AbortController().signal,
      siblings: [],
    });
    const ms = performance.now() - t0;
    const pct = (src.bytesRead / size) * 100;
    const high = out.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').length;
    console.log(
      `${label.padEnd(12)} size=${size} bytesRead=${src.bytesRead} (${pct.toFixed(5)}%) time=${ms.toFixed(1)}ms findings=${out.findings.length} high=${high} error=${out.error?.code ?? 'none'} ${pct < 0.1 ? 'OK' : 'OVER 0.1%'}`,
    );
  } finally {
    await src.close();
  }
}

await mkdir(WORK, { recursive: true });
const st = join(WORK, 'bench-4gib.safetensors');
const gg = join(WORK, 'bench-4gib.gguf');
try {
  await judge('safetensors', safetensorsScanner, st, await makeSafetensors(st));
  await judge('gguf', ggufScanner, gg, await makeGguf(gg));
} finally {
  if (!process.argv.includes('--keep')) {
    await rm(st, { force: true });
    await rm(gg, { force: true });
  }
}
