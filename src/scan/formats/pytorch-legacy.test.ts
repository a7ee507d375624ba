import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BENIGN_PICKLE, OS_SYSTEM_PICKLE, testContext } from '../../../test/archive/context.js';
import { MemorySource } from '../../core/byte-source.js';
import { pytorchLegacyScanner } from './pytorch-legacy.js';

const corpus = (p: string) => new Uint8Array(readFileSync(path.resolve(process.cwd(), '../shared/corpus/files', p)));
const MAGIC = new Uint8Array(Buffer.from('80028a0a6cfc9c46f9206aa850192e', 'hex'));
const PROTO = new Uint8Array(Buffer.from('80024de9032e', 'hex'));
const legacy = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
const scan = (b: Uint8Array) => pytorchLegacyScanner.scan(new MemorySource(b), testContext());

describe('PyTorch legacy serialization', () => {
  it('reads the five pickles of a real legacy file and reports the storage bytes', async () => {
    const b = corpus('torch/legacy_state_dict.pt');
    expect(pytorchLegacyScanner.sniff({ head: b, size: b.length, name: 'x' })).toBe(true);
    const o = await scan(b);
    expect(o.findings).toEqual([]);
    expect(o.metadata).toMatchObject({ layout: 'pytorch-legacy', pickleBytes: 714, storageBytes: 648 });
  });

  it('payload in the main pickle (corpus payload_legacy.pth) is critical', async () => {
    const o = await scan(corpus('torch/payload_legacy.pth'));
    expect(o.findings.map((f) => [f.ruleId, f.severity])).toEqual([['pickle/dangerous-global', 'critical']]);
  });

  it('storage bytes after the fifth pickle are never read as opcodes', async () => {
    const storages = new Uint8Array(Buffer.from(OS_SYSTEM_PICKLE)); // looks like a pickle, but the loader copies it raw
    const o = await scan(legacy(MAGIC, PROTO, BENIGN_PICKLE, BENIGN_PICKLE, BENIGN_PICKLE, storages));
    expect(o.findings).toEqual([]);
  });

  it('a payload in the sys_info or storage-keys pickle is found', async () => {
    const o = await scan(legacy(MAGIC, PROTO, BENIGN_PICKLE, BENIGN_PICKLE, OS_SYSTEM_PICKLE));
    expect(o.findings.map((f) => f.ruleId)).toContain('pickle/dangerous-global');
  });

  it('a sequence cut short is a medium finding', async () => {
    const o = await scan(legacy(MAGIC, PROTO));
    expect(o.findings.map((f) => [f.ruleId, f.severity])).toEqual([['pytorch/legacy-malformed', 'medium']]);
  });

  it('never throws on mutated legacy files', async () => {
    const base = corpus('torch/payload_legacy.pth');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        async (edits, cut) => {
          const b = base.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          const o = await scan(b.subarray(0, cut % (b.length + 1)));
          expect(Array.isArray(o.findings)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
