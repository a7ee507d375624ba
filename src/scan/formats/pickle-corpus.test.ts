/**
 * Every pickle-family file of ../shared/corpus, judged as its manifest says when its pickles are
 * fed to the pickle and numpy scanners directly. Containers (zip, zlib) are opened here with a
 * few lines of test code only to reach the pickles; the real containers are other scanners.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../core/byte-source.js';
import type { Finding } from '../../core/finding.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import { atLeast } from '../../core/severity.js';
import type { FormatScanner } from '../types.js';
import { numpyScanner } from './numpy.js';
import { pickleScanner } from './pickle.js';

const CORPUS = path.resolve(process.cwd(), '../shared/corpus');
interface Entry {
  path: string;
  label: 'malicious' | 'benign';
  technique: string;
  format: string;
}
const manifest = JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as { files: Entry[] };

/** Stored or deflated members of a zip, located through the central directory. */
function zipMembers(b: Uint8Array): { name: string; data: Uint8Array }[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let i = b.length - 22; i >= 0; i--)
    if (dv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) return [];
  const count = dv.getUint16(eocd + 10, true);
  let p = dv.getUint32(eocd + 16, true);
  const out: { name: string; data: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    const method = dv.getUint16(p + 10, true);
    const size = dv.getUint32(p + 20, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extra = dv.getUint16(p + 30, true);
    const comment = dv.getUint16(p + 32, true);
    const local = dv.getUint32(p + 42, true);
    const name = new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLen));
    const start = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    const raw = b.subarray(start, start + size);
    out.push({ name, data: method === 8 ? new Uint8Array(inflateRawSync(raw)) : raw });
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

async function scanBytes(bytes: Uint8Array, name: string): Promise<Finding[]> {
  const head = bytes.subarray(0, 4096);
  const scanner = ([numpyScanner, pickleScanner] as FormatScanner[]).find((s) =>
    s.sniff({ head, size: bytes.length, name }),
  );
  if (!scanner) return [];
  const out = await scanner.scan(new MemorySource(bytes), {
    path: name,
    limits: DEFAULT_LIMITS,
    depth: 0,
    signal: new AbortController().signal,
    siblings: [],
  });
  return [...out.findings];
}

/** The pickles a loader of this file would read, as far as plain test code can reach them. */
function reachable(e: Entry, bytes: Uint8Array): { name: string; data: Uint8Array }[] | undefined {
  if (e.path.endsWith('.npz')) return zipMembers(bytes).filter((m) => m.name.endsWith('.npy'));
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return zipMembers(bytes).filter((m) => !/\/data\/\d+$/.test(m.name));
  if (bytes[0] === 0x78) return [{ name: 'zlib', data: new Uint8Array(inflateSync(bytes)) }];
  if (bytes[0] === 0x80 || bytes[0] === 0x93 || e.format === 'pickle') return [{ name: '', data: bytes }];
  return undefined;
}

const FAMILY = new Set(['pickle', 'numpy', 'joblib', 'pytorch']);
const entries = manifest.files.filter((e) => FAMILY.has(e.format));

describe('corpus: pickle-family files judged as labelled', () => {
  it('covers the pickle, numpy, joblib and PyTorch entries', () => {
    expect(entries.length).toBeGreaterThanOrEqual(30);
  });

  for (const e of entries) {
    const bytes = new Uint8Array(readFileSync(path.join(CORPUS, e.path)));
    const parts = reachable(e, bytes);
    // 7z packing is judged by the archive scanners; nothing here can reach its pickle.
    if (!parts) continue;
    it(`${e.label}: ${e.path} (${e.technique})`, async () => {
      const findings: Finding[] = [];
      for (const p of parts) findings.push(...(await scanBytes(p.data, `${e.path}${p.name ? `!${p.name}` : ''}`)));
      const severe = findings.filter((f) => atLeast(f.severity, 'high'));
      if (e.label === 'malicious') {
        expect(severe.length, JSON.stringify(findings.map((f) => f.message))).toBeGreaterThan(0);
        expect(severe.some((f) => /`[\w.]+\.\w+`|STACK_GLOBAL|EXT/.test(f.message))).toBe(true);
      } else {
        expect(severe, JSON.stringify(severe.map((f) => f.message))).toEqual([]);
      }
    });
  }
});

describe('corpus specifics', () => {
  const read = (p: string) => new Uint8Array(readFileSync(path.join(CORPUS, 'files', p)));

  it('joblib payload after an inline array is found because the array bytes are skipped as joblib does', async () => {
    const f = await scanBytes(read('sklearn/payload_after_array.joblib'), 'payload_after_array.joblib');
    expect(f.find((x) => x.ruleId === 'pickle/dangerous-global')?.message).toContain('posix.system');
    expect(f.some((x) => x.ruleId === 'pickle/malformed')).toBe(false);
  });

  it('cloudpickle lambda names the code-object constructors', async () => {
    const f = await scanBytes(read('pickle/cloudpickle_lambda.pkl'), 'lambda.pkl');
    const msgs = f.filter((x) => x.ruleId === 'pickle/code-object').map((x) => x.message);
    expect(msgs.some((m) => m.includes('_make_function'))).toBe(true);
    expect(msgs.some((m) => m.includes('types.CodeType'))).toBe(true);
  });

  it('the benign numeric .npy has no findings and the object array names its payload', async () => {
    expect(await scanBytes(read('numpy_benign.npy'), 'a.npy')).toEqual([]);
    const f = await scanBytes(read('numpy_object_payload.npy'), 'b.npy');
    expect(f.map((x) => x.ruleId)).toContain('numpy/object-array');
    expect(f.find((x) => x.ruleId === 'pickle/dangerous-global')?.message).toContain('posix.system');
  });
});
