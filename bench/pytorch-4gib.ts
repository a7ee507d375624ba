/**
 * Judges a 4 GiB PyTorch checkpoint (torch.save zip layout) and compares the cost with `cat`
 * reading the same file. The checkpoint is written once, streaming, to bench/.work/: the real
 * data.pkl of the corpus state_dict, 16 stored storages of 256 MiB of non-zero bytes (so the file
 * is not sparse and `cat` really reads it), a version record, zip64 records.
 *
 *   npx tsx bench/pytorch-4gib.ts
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import zlib from 'node:zlib';
import { MemorySource } from '../src/core/byte-source.js';
import { DEFAULT_LIMITS } from '../src/core/limits.js';
import { FileSource } from '../src/io/file-source.js';
import { readZip } from '../src/scan/archive/zip-reader.js';
import { scanSource } from '../src/scan/engine.js';
import { pytorchLegacyScanner } from '../src/scan/formats/pytorch-legacy.js';
import { SCANNERS } from '../src/scan/registry.js';

const MIB = 1024 * 1024;
const STORAGES = 16;
const STORAGE_BYTES = 256 * MIB;
const WORK = join(import.meta.dirname, '.work');
const FILE = join(WORK, 'pytorch-4gib.pt');

const le = (n: number, w: 2 | 4 | 8) => {
  const b = Buffer.alloc(w);
  if (w === 8) b.writeBigUInt64LE(BigInt(n));
  else if (w === 4) b.writeUInt32LE(n >>> 0);
  else b.writeUInt16LE(n);
  return b;
};

async function corpusDataPkl(): Promise<Uint8Array> {
  const bytes = new Uint8Array(
    readFileSync(resolve(import.meta.dirname, '../../shared/corpus/files/torch/state_dict.pt')),
  );
  const src = new MemorySource(bytes);
  const dir = await readZip(src, DEFAULT_LIMITS);
  const e = dir.entries.find((x) => x.name.endsWith('/data.pkl'));
  if (!e || e.dataOffset === undefined) throw new Error('corpus state_dict.pt has no data.pkl');
  return bytes.slice(e.dataOffset, e.dataOffset + e.dataLength);
}

/** Streams the checkpoint to disk: local header, data, … then a zip64 central directory. */
async function writeCheckpoint(): Promise<number> {
  const pattern = randomBytes(8 * MIB);
  let patternCrc = 0;
  for (let at = 0; at < STORAGE_BYTES; at += pattern.length) patternCrc = zlib.crc32(pattern, patternCrc);
  const members: { name: string; data?: Uint8Array; size: number; crc: number }[] = [
    { name: 'bench4g/data.pkl', data: await corpusDataPkl(), size: 0, crc: 0 },
    ...Array.from({ length: STORAGES }, (_, i) => ({
      name: `bench4g/data/${i}`,
      size: STORAGE_BYTES,
      crc: patternCrc >>> 0,
    })),
    { name: 'bench4g/version', data: Buffer.from('3\n'), size: 0, crc: 0 },
  ];
  for (const m of members) {
    if (m.data) {
      m.size = m.data.length;
      m.crc = zlib.crc32(m.data) >>> 0;
    }
  }
  await mkdir(WORK, { recursive: true });
  const fh = await open(FILE, 'w');
  let pos = 0;
  const write = async (b: Uint8Array) => {
    await fh.write(b, 0, b.length, pos);
    pos += b.length;
  };
  const central: Buffer[] = [];
  try {
    for (const m of members) {
      const name = Buffer.from(m.name);
      const offset = pos;
      await write(
        Buffer.concat([
          le(0x04034b50, 4),
          le(45, 2),
          le(0, 2),
          le(0, 2),
          le(0, 4),
          le(m.crc, 4),
          le(m.size, 4),
          le(m.size, 4),
          le(name.length, 2),
          le(0, 2),
          name,
        ]),
      );
      if (m.data) await write(m.data);
      else for (let at = 0; at < m.size; at += pattern.length) await write(pattern);
      const big = offset >= 0xffffffff;
      const extra = big ? Buffer.concat([le(1, 2), le(8, 2), le(offset, 8)]) : Buffer.alloc(0);
      central.push(
        Buffer.concat([
          le(0x02014b50, 4),
          le(45, 2),
          le(45, 2),
          le(0, 2),
          le(0, 2),
          le(0, 4),
          le(m.crc, 4),
          le(m.size, 4),
          le(m.size, 4),
          le(name.length, 2),
          le(extra.length, 2),
          le(0, 2),
          le(0, 2),
          le(0, 2),
          le(0, 4),
          le(big ? 0xffffffff : offset, 4),
          name,
          extra,
        ]),
      );
    }
    const cd = Buffer.concat(central);
    const cdOffset = pos;
    await write(cd);
    const recAt = pos;
    const n = members.length;
    await write(
      Buffer.concat([
        le(0x06064b50, 4),
        le(44, 8),
        le(45, 2),
        le(45, 2),
        le(0, 4),
        le(0, 4),
        le(n, 8),
        le(n, 8),
        le(cd.length, 8),
        le(cdOffset, 8),
      ]),
    );
    await write(Buffer.concat([le(0x07064b50, 4), le(0, 4), le(recAt, 8), le(1, 4)]));
    await write(
      Buffer.concat([
        le(0x06054b50, 4),
        le(0, 2),
        le(0, 2),
        le(0xffff, 2),
        le(0xffff, 2),
        le(0xffffffff, 4),
        le(0xffffffff, 4),
        le(0, 2),
      ]),
    );
  } finally {
    await fh.close();
  }
  return pos;
}

async function judge(): Promise<{ ms: number; bytesRead: number; findings: number; high: number; targets: string }> {
  const scanners = [
    ...SCANNERS.filter((s) => s.id !== 'pickle'),
    pytorchLegacyScanner,
    ...SCANNERS.filter((s) => s.id === 'pickle'),
  ];
  const started = performance.now();
  const src = await FileSource.open(FILE);
  try {
    const r = await scanSource(
      src,
      { path: FILE, name: 'pytorch-4gib.pt', siblings: [] },
      { limits: DEFAULT_LIMITS, scanners, signal: new AbortController().signal },
    );
    return {
      ms: performance.now() - started,
      bytesRead: src.bytesRead,
      findings: r.findings.length,
      high: r.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').length,
      targets: r.targets.map((t) => `${t.member ?? '.'}=${t.format}:${t.status}`).join(' '),
    };
  } finally {
    await src.close();
  }
}

const expected = STORAGES * STORAGE_BYTES;
const have = await stat(FILE).catch(() => undefined);
if (!have || have.size < expected) {
  const t = performance.now();
  const size = await writeCheckpoint();
  console.log(`wrote ${FILE} (${size} bytes) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const size = (await stat(FILE)).size;
const catStart = performance.now();
execFileSync('sh', ['-c', `cat "${FILE}" > /dev/null`]);
const catMs = performance.now() - catStart;
const runs = [await judge(), await judge(), await judge()].sort((a, b) => a.ms - b.ms);
const r = runs[1]!;
console.log(`file            ${size} bytes (${(size / 1024 ** 3).toFixed(2)} GiB)`);
console.log(`targets         ${r.targets}`);
console.log(`findings        ${r.findings} (high/critical ${r.high})`);
console.log(`bytesRead       ${r.bytesRead} (${((100 * r.bytesRead) / size).toFixed(5)} % of the file)`);
console.log(`warden judge    ${r.ms.toFixed(1)} ms (median of 3)`);
console.log(`cat > /dev/null ${catMs.toFixed(1)} ms`);
console.log(`ratio           ${(catMs / r.ms).toFixed(0)}x faster than cat`);
