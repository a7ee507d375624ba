import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENIGN_PICKLE, OS_SYSTEM_PICKLE, testContext } from '../../../test/archive/context.js';
import { scanRecursively } from '../../../test/archive/recursive.js';
import { buildZip, type ZipSpec } from '../../../test/builders/zip.js';
import { MemorySource } from '../../core/byte-source.js';
import { pytorchZipScanner } from './pytorch-zip.js';
import { zipScanner } from './zip.js';

const corpus = (p: string) => new Uint8Array(readFileSync(path.resolve(process.cwd(), '../shared/corpus/files', p)));
const checkpoint = (extra: ZipSpec[] = [], pkl: Uint8Array = BENIGN_PICKLE): ZipSpec[] => [
  { name: 'archive/data.pkl', data: pkl },
  { name: 'archive/data/0', data: new Uint8Array(4096).fill(0x80) },
  { name: 'archive/data/1', data: new Uint8Array(4096).fill(0x63) },
  { name: 'archive/version', data: '3\n' },
  { name: 'archive/byteorder', data: 'little' },
  ...extra,
];

describe('PyTorch zip', () => {
  it('recognises torch.save output from its first member and reports layout metadata', async () => {
    const b = corpus('torch/state_dict.pt');
    expect(pytorchZipScanner.sniff({ head: b.subarray(0, 4096), size: b.length, name: 'x' })).toBe(true);
    const o = await pytorchZipScanner.scan(new MemorySource(b), testContext());
    expect(o.metadata).toMatchObject({
      layout: 'pytorch-zip',
      prefix: 'state_dict',
      storageCount: 4,
      serializationVersion: '3',
    });
    expect(o.members?.map((m) => [m.name, m.format])).toEqual([['state_dict/data.pkl', 'pickle']]);
  });

  it('storages are never read: a checkpoint is judged from its pickle', async () => {
    const src = new MemorySource(buildZip(checkpoint([{ name: 'archive/data/2', data: new Uint8Array(1 << 20) }])));
    const o = await pytorchZipScanner.scan(src, testContext());
    expect(o.members?.map((m) => m.name)).toEqual(['archive/data.pkl']);
    expect(src.bytesRead).toBeLessThan(80_000);
  });

  it('a checkpoint whose first member was reordered still gets the PyTorch treatment from the zip scanner', async () => {
    const specs = checkpoint();
    const b = buildZip([specs[3]!, ...specs.filter((_, i) => i !== 3)]);
    const o = await zipScanner.scan(new MemorySource(b), testContext());
    expect(o.metadata?.layout).toBe('pytorch-zip');
    expect(o.members?.map((m) => m.name)).toEqual(['archive/data.pkl']);
  });

  it('extra member holding a pickle (corpus extra_member_payload.pt style) is scanned', async () => {
    const r = await scanRecursively(
      buildZip(checkpoint([{ name: 'elsewhere/config.bin', data: OS_SYSTEM_PICKLE }])),
      'x.pt',
    );
    expect(r.findings.map((f) => [f.ruleId, f.member])).toEqual(
      expect.arrayContaining([
        ['pytorch/unexpected-member', 'elsewhere/config.bin'],
        ['pickle/dangerous-global', 'elsewhere/config.bin'],
      ]),
    );
  });

  it('a "version" record that is not a version number is handed on and judged', async () => {
    const specs = checkpoint().map((s) => (s.name === 'archive/version' ? { ...s, data: OS_SYSTEM_PICKLE } : s));
    const r = await scanRecursively(buildZip(specs), 'x.pt');
    expect(r.findings.find((f) => f.ruleId === 'pickle/dangerous-global')?.member).toBe('archive/version');
  });

  it('duplicate version records cannot hide a pickle behind a benign twin', async () => {
    const r = await scanRecursively(
      buildZip(
        checkpoint().flatMap((s) => (s.name === 'archive/version' ? [{ ...s, data: OS_SYSTEM_PICKLE }, s] : [s])),
      ),
      'x.pt',
    );
    expect(r.findings.map((f) => f.ruleId)).toEqual(
      expect.arrayContaining(['zip/duplicate-name', 'pickle/dangerous-global']),
    );
  });

  it('a pickle parked in a storage slot is not unpickled by torch.load and is not handed on', async () => {
    const specs = checkpoint().map((s) => (s.name === 'archive/data/0' ? { ...s, data: OS_SYSTEM_PICKLE } : s));
    const o = await pytorchZipScanner.scan(new MemorySource(buildZip(specs)), testContext());
    expect(o.members?.map((m) => m.name)).toEqual(['archive/data.pkl']);
  });

  it('TorchScript: archive noted, pickles scanned, host-file operators flagged', async () => {
    const o = await pytorchZipScanner.scan(new MemorySource(corpus('torch/torchscript.pt')), testContext());
    expect(o.findings.map((f) => f.ruleId)).toEqual(['pytorch/torchscript']);
    expect(o.members?.filter((m) => m.format === 'pickle').map((m) => m.name)).toEqual([
      'torchscript/data.pkl',
      'torchscript/code/__torch__.py.debug_pkl',
      'torchscript/code/__torch__/torch/nn/modules/linear.py.debug_pkl',
      'torchscript/code/__torch__/torch/nn/modules/linear/___torch_mangle_0.py.debug_pkl',
      'torchscript/constants.pkl',
    ]);
    const code =
      'def forward(self, x):\n    t = torch.from_file("/etc/shadow", False, 100)\n    return ops.evil_lib.run(x)\n';
    const ts = await pytorchZipScanner.scan(
      new MemorySource(
        buildZip(
          checkpoint([
            { name: 'archive/code/__torch__.py', data: code, method: 'deflate' },
            { name: 'archive/constants.pkl', data: BENIGN_PICKLE },
          ]),
        ),
      ),
      testContext(),
    );
    expect(ts.findings.map((f) => [f.ruleId, f.evidence])).toEqual([
      ['pytorch/torchscript', undefined],
      ['pytorch/torchscript-suspicious-code', 't = torch.from_file("/etc/shadow", False, 100)'],
      ['pytorch/torchscript-suspicious-code', 'return ops.evil_lib.run(x)'],
    ]);
  });

  it('zip64 PyTorch layout (as torch.save writes for large files) is read', async () => {
    const o = await pytorchZipScanner.scan(new MemorySource(buildZip(checkpoint(), { zip64: true })), testContext());
    expect(o.metadata).toMatchObject({ zip64: true, layout: 'pytorch-zip', storageCount: 2, storageBytes: 8192 });
  });
});
