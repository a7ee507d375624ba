import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CodeFile } from '../../src/audit/code-files.js';
import { type CodeResult, runCodeChecks } from '../../src/audit/code-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-code-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function project(n: number): CodeFile[] {
  mkdirSync(join(dir, 'src'), { recursive: true });
  return Array.from({ length: n }, (_, i) => {
    const name = `src/m${i}.${i % 4 === 0 ? 'ts' : 'py'}`;
    const text =
      i % 4 === 0
        ? `import { exec } from 'child_process';\nconst r = await llm.invoke('x');\n${i % 8 === 0 ? 'exec(r);' : ''}\n`
        : `import torch\n${i % 3 === 0 ? 'm = torch.load("x.pt")' : 'm = torch.load("x.pt", weights_only=True)'}\n`;
    writeFileSync(join(dir, name), text);
    return {
      absPath: join(dir, name),
      displayPath: name,
      size: Buffer.byteLength(text),
      lang: i % 4 === 0 ? 'javascript' : 'python',
    } as CodeFile;
  });
}

async function check(files: readonly CodeFile[], concurrency: number): Promise<string[]> {
  const out: CodeResult[] = new Array(files.length);
  await runCodeChecks(files, { torchBefore26: true, dirs: [], root: '.' }, concurrency, (i, r) => {
    out[i] = r;
  });
  expect(out.filter(Boolean)).toHaveLength(files.length);
  return out.flatMap((r) => [
    `${r.target.path} ${r.target.status}`,
    ...r.findings.map((f) => `${f.path}:${f.line} ${f.ruleId} ${f.severity}`),
  ]);
}

describe('code checks on worker threads', () => {
  it('gives the same results on two workers as in-process, for every file', async () => {
    const files = project(260);
    const pooled = await check(files, 2);
    const inline = await check(files, 1);
    expect(pooled).toEqual(inline);
    expect(pooled.filter((l) => l.includes('code/llm-output-shell'))).toHaveLength(33);
    expect(pooled.filter((l) => l.includes('code/torch-load-unsafe high'))).toHaveLength(65);
  });

  it('reports a file that cannot be read as an error target and goes on', async () => {
    const files = project(210);
    const broken = [...files];
    broken[5] = { ...files[5]!, absPath: join(dir, 'missing.py') };
    const lines = await check(broken, 2);
    expect(lines).toContain('src/m5.py error');
    expect(lines.filter((l) => l.endsWith(' ok'))).toHaveLength(209);
  });
});
