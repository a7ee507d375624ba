import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GgufValue, ggufBytes, str, u32 } from '../../../test/builders/gguf.js';
import { LLAMA3, QWEN25_TOOLS } from '../../../test/scan/template/real-templates.js';
import { MemorySource } from '../../core/byte-source.js';
import { DEFAULT_LIMITS } from '../../core/limits.js';
import type { ScanContext } from '../types.js';
import { ggufScanner as scanner } from './gguf.js';

const corpus = (p: string) => new Uint8Array(readFileSync(resolve(process.cwd(), '../shared/corpus/files', p)));
const ctx = (limits = DEFAULT_LIMITS): ScanContext => ({
  path: 'm.gguf',
  limits,
  depth: 0,
  signal: new AbortController().signal,
  siblings: [],
});
const scan = (b: Uint8Array, limits = DEFAULT_LIMITS) => scanner.scan(new MemorySource(b), ctx(limits));
const ids = async (b: Uint8Array) => (await scan(b)).findings.map((f) => `${f.ruleId}:${f.severity}`);
const SSTI = "{{ cycler.__init__.__globals__.os.popen('id').read() }}";

describe('gguf: corpus files', () => {
  it('benign.gguf is clean and described', async () => {
    const b = corpus('gguf/benign.gguf');
    expect(scanner.sniff({ head: b.subarray(0, 4096), size: b.length, name: 'x' })).toBe(true);
    const out = await scan(b);
    expect(out.findings).toEqual([]);
    expect(out.error).toBeUndefined();
    expect(out.metadata).toMatchObject({
      format: 'gguf',
      ggufVersion: 3,
      architecture: 'llama',
      name: 'tiny',
      tensorCount: 1,
      parameters: 16,
      tensorTypes: { F32: 1 },
      chatTemplates: ['tokenizer.chat_template'],
    });
  });
  it('chat_template_ssti.gguf: Jinja SSTI in tokenizer.chat_template (CVE-2024-34359) is high', async () => {
    const out = await scan(corpus('gguf/chat_template_ssti.gguf'));
    const f = out.findings.find((x) => x.ruleId === 'template/ssti' && x.severity === 'high');
    expect(f?.message).toMatch(/^tokenizer\.chat_template: /);
    expect(f?.scanner).toBe('gguf');
  });
});

describe('gguf: chat templates', () => {
  it('named templates (tokenizer.chat_template.<name>) are checked too', async () => {
    const b = ggufBytes({
      kv: [
        ['general.architecture', str('llama')],
        ['tokenizer.chat_template', str(LLAMA3)],
        ['tokenizer.chat_template.tool_use', str(SSTI)],
      ],
    });
    const out = await scan(b);
    expect(
      out.findings.some((f) => f.message.startsWith('tokenizer.chat_template.tool_use:') && f.severity === 'high'),
    ).toBe(true);
    expect(out.findings.some((f) => f.message.startsWith('tokenizer.chat_template:'))).toBe(false);
  });
  it('a real Qwen-style template with long vocab arrays is clean', async () => {
    const tokens = Array.from({ length: 2000 }, (_, i) => str(`tok${i}`));
    const b = ggufBytes({
      kv: [
        ['general.architecture', str('qwen2')],
        ['qwen2.context_length', u32(32768)],
        ['general.file_type', u32(15)],
        ['general.license', str('apache-2.0')],
        ['tokenizer.ggml.tokens', { t: 'arr', of: 8, items: tokens }],
        ['tokenizer.ggml.scores', { t: 'arr', of: 6, items: tokens.map(() => ({ t: 'f32', v: 0 }) as const) }],
        ['tokenizer.chat_template', str(QWEN25_TOOLS)],
      ],
      tensors: [{ name: 'output.weight', dims: [8, 4] }],
    });
    const out = await scan(b);
    expect(out.findings).toEqual([]);
    expect(out.metadata).toMatchObject({ contextLength: 32768, fileTypeName: 'MOSTLY_Q4_K_M', license: 'apache-2.0' });
  });
  it('GGUF v1 (32-bit counts) and big-endian v3 files are read', async () => {
    for (const spec of [{ version: 1 }, { version: 3, bigEndian: true }]) {
      const b = ggufBytes({
        ...spec,
        kv: [['tokenizer.chat_template', str(SSTI)]],
        tensors: [{ name: 'w', dims: [4] }],
      });
      const out = await scan(b);
      expect(out.error).toBeUndefined();
      expect(out.findings.some((f) => f.ruleId === 'template/ssti')).toBe(true);
    }
  });
});

describe('gguf: hostile structure', () => {
  it('a string length far beyond the file (loader heap overflow class) is high, not an allocation', async () => {
    const b = ggufBytes({ kv: [['general.name', { t: 'str', v: 'x', declaredLength: 1n << 62n }]] });
    const src = new MemorySource(b);
    const out = await scanner.scan(src, ctx());
    expect(out.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['gguf/size-out-of-bounds:high']);
    expect(out.error).toBeDefined();
    expect(src.bytesRead).toBeLessThanOrEqual(b.length);
  });
  it('a tensor count of 2^64-1 is high', async () => {
    expect(await ids(ggufBytes({ kv: [], tensorCount: 0xffffffffffffffffn }))).toEqual([
      'gguf/size-out-of-bounds:high',
    ]);
  });
  it('a KV count beyond the file is high', async () => {
    expect(await ids(ggufBytes({ kv: [], kvCount: 1n << 40n }))).toEqual(['gguf/size-out-of-bounds:high']);
  });
  it('an array length beyond the file is high', async () => {
    const arr: GgufValue = { t: 'arr', of: 8, items: [str('a')], declaredCount: 1n << 50n };
    expect(await ids(ggufBytes({ kv: [['tokenizer.ggml.tokens', arr]] }))).toEqual(['gguf/size-out-of-bounds:high']);
  });
  it('more than 4 tensor dimensions is high', async () => {
    const b = ggufBytes({ kv: [], tensors: [{ name: 'w', dims: [1, 1, 1, 1, 1] }] });
    expect(await ids(b)).toContain('gguf/size-out-of-bounds:high');
  });
  it('a shape whose element count overflows 64 bits is high', async () => {
    const b = ggufBytes({ kv: [], tensors: [{ name: 'w', dims: [1n << 40n, 1n << 40n] }], dataBytes: 0 });
    expect(await ids(b)).toContain('gguf/size-out-of-bounds:high');
  });
  it('tensor data past the end of the file (out-of-bounds read) is high', async () => {
    const b = ggufBytes({ kv: [], tensors: [{ name: 'w', dims: [1024] }], dataBytes: 64 });
    expect(await ids(b)).toEqual(['gguf/tensor-out-of-bounds:high']);
  });
  it('misaligned and overlapping tensors, duplicate names and keys are medium', async () => {
    const b = ggufBytes({
      kv: [
        ['a', u32(1)],
        ['a', u32(2)],
      ],
      tensors: [
        { name: 'w', dims: [16], offset: 0n },
        { name: 'w', dims: [16], offset: 4n },
      ],
    });
    const out = await scan(b);
    const msgs = out.findings.map((f) => f.message).join('\n');
    expect(msgs).toMatch(/duplicate metadata key/);
    expect(msgs).toMatch(/duplicate tensor name/);
    expect(msgs).toMatch(/not a multiple of the 32-byte alignment/);
    expect(msgs).toMatch(/overlaps/);
    expect(out.findings.every((f) => f.severity === 'medium')).toBe(true);
  });
  it('a bad general.alignment is reported', async () => {
    const b = ggufBytes({ kv: [], alignment: 3 });
    expect((await scan(b)).findings.some((f) => /alignment/.test(f.message))).toBe(true);
  });
  it('unknown value type stops the parse with a finding', async () => {
    const b = ggufBytes({ kv: [['x', { t: 'raw', type: 99, bytes: new Uint8Array(8) }]] });
    const out = await scan(b);
    expect(out.findings.map((f) => f.ruleId)).toEqual(['gguf/invalid-structure']);
    expect(out.error?.code).toBe('invalid_structure');
  });
  it('deeply nested arrays are capped', async () => {
    let v: { t: 'arr'; of: number; items: never[] } | { t: 'arr'; of: number; items: unknown[] } = {
      t: 'arr',
      of: 4,
      items: [],
    };
    for (let i = 0; i < 10; i++) v = { t: 'arr', of: 9, items: [v] };
    const out = await scan(ggufBytes({ kv: [['x', v as never]] }));
    expect(out.error?.code).toBe('limit_exceeded');
  });
  it('an unsupported version is reported', async () => {
    expect(await ids(ggufBytes({ version: 7, kv: [] }))).toEqual(['gguf/unsupported-version:medium']);
  });
  it('truncation mid-metadata is an error, not a crash', async () => {
    const b = ggufBytes({ kv: [['general.name', str('hello world')]] });
    const cut = await scan(b.subarray(0, 30));
    expect(cut.error).toBeDefined();
    expect(cut.findings.map((f) => f.ruleId)).toEqual(['gguf/size-out-of-bounds']);
    expect((await scan(b.subarray(0, 12))).error?.code).toBe('truncated');
  });
  it('the metadata read cap is honoured', async () => {
    const b = ggufBytes({ kv: [['tokenizer.chat_template', str('x'.repeat(200_000))]] });
    const out = await scan(b, { ...DEFAULT_LIMITS, maxHeaderBytes: 100_000 });
    expect(out.error?.code).toBe('limit_exceeded');
  });
});

describe('gguf: properties', () => {
  it('arbitrary bytes after the magic never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (tail) => {
        const b = new Uint8Array([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, ...tail]);
        const out = await scan(b);
        expect(Array.isArray(out.findings)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('mutated corpus files never throw and never read past their size', async () => {
    const base = corpus('gguf/chat_template_ssti.gguf');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        async (edits) => {
          const b = base.slice();
          for (const [i, v] of edits) b[i] = v;
          const src = new MemorySource(b);
          const out = await scanner.scan(src, ctx());
          expect(Array.isArray(out.findings)).toBe(true);
          expect(src.bytesRead).toBeLessThanOrEqual(b.length * 2);
        },
      ),
      { numRuns: 300 },
    );
  });
});
