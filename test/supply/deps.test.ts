import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { depsCommand } from '../../src/cli/commands/deps.js';
import { auditDependencies } from '../../src/supply/advisories/audit.js';
import { ML_ADVISORIES } from '../../src/supply/advisories/ml-advisories.js';
import { advisoriesFromOsv } from '../../src/supply/advisories/osv.js';
import { poetryToPep440 } from '../../src/supply/manifests/poetry-constraint.js';
import { runCommand, tempDir } from './helpers.js';
import { buildZip } from './zip-builder.js';

const work = tempDir();
afterAll(() => work.cleanup());
let n = 0;
function project(files: Record<string, string>): string {
  const dir = join(work.path, `p${++n}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
const only = async (files: Record<string, string>) => (await auditDependencies(project(files))).findings;

describe('curated ML advisories, matched against declared dependencies', () => {
  it('CVE-2025-32434: torch==2.5.1 (weights_only bypass) is critical, fixed in 2.6.0', async () => {
    const [f, ...rest] = await only({ 'requirements.txt': '# model deps\ntorch==2.5.1  # pinned\n' });
    expect(rest.filter((x) => x.message.includes('CVE-2025-32434'))).toHaveLength(0);
    expect(f).toMatchObject({ ruleId: 'supply/vulnerable-dependency', severity: 'critical', line: 2 });
    const all = await only({ 'requirements.txt': 'torch==2.5.1\n' });
    const hit = all.find((x) => x.message.includes('CVE-2025-32434'))!;
    expect(hit.message).toContain('fixed in 2.6.0');
    expect(hit.references.map((r) => r.id)).toContain('GHSA-53q9-r3pm-6pq6');
  });

  it('CVE-2025-32434: a release candidate of the fix is still affected (PEP 440 ordering)', async () => {
    const f = await only({ 'requirements.txt': 'torch==2.6.0rc1\n' });
    expect(f.some((x) => x.message.includes('CVE-2025-32434'))).toBe(true);
    expect(
      (await only({ 'requirements.txt': 'torch==2.6.0\n' })).some((x) => x.message.includes('CVE-2025-32434')),
    ).toBe(false);
  });

  it('CVE-2025-1550: keras>=3.0,<3.9 allows only affected versions (safe_mode bypass)', async () => {
    const f = (await only({ 'requirements.txt': 'keras>=3.0,<3.9\n' })).find((x) =>
      x.message.includes('CVE-2025-1550'),
    )!;
    expect(f.ruleId).toBe('supply/vulnerable-dependency');
    expect(f.message).toContain('allows only versions affected');
  });

  it('CVE-2024-3568: transformers>=4.30 admits affected versions, reported one band lower', async () => {
    const f = (await only({ 'requirements.txt': 'transformers>=4.30\n' })).find((x) =>
      x.message.includes('CVE-2024-3568'),
    )!;
    expect(f).toMatchObject({ ruleId: 'supply/vulnerable-range', severity: 'medium' });
    expect(f.message).toContain('fixed in 4.38.0');
  });

  it('CVE-2023-48022: ray has no fix, and the finding says so', async () => {
    const f = (await only({ 'requirements.txt': 'ray[default]==2.9.0 ; python_version >= "3.9"\n' })).find((x) =>
      x.message.includes('CVE-2023-48022'),
    )!;
    expect(f.message).toContain('no fixed version exists');
  });

  it('CVE-2024-34359: llama-cpp-python pinned in poetry.lock (template injection)', async () => {
    const f = await only({
      'poetry.lock':
        '[[package]]\nname = "llama_cpp_python"\nversion = "0.2.71"\n\n[[package]]\nname = "numpy"\nversion = "2.1.0"\n',
    });
    expect(f.map((x) => x.message)).toEqual([expect.stringContaining('CVE-2024-34359')]);
  });

  it('CVE-2025-68664: langchain-core in both affected branches, from pyproject and Pipfile.lock', async () => {
    const f = await only({
      'pyproject.toml': '[project]\nname="app"\ndependencies = [\n  "langchain-core==1.2.4",\n  "requests>=2",\n]\n',
      'Pipfile.lock': JSON.stringify({ default: { 'langchain-core': { version: '==0.3.80' } }, develop: {} }),
    });
    expect(f.filter((x) => x.message.includes('CVE-2025-68664'))).toHaveLength(2);
    expect(f.find((x) => x.path.endsWith('pyproject.toml'))).toMatchObject({
      line: 4,
      message: expect.stringContaining('fixed in 1.2.5'),
    });
    expect(f.find((x) => x.path.endsWith('Pipfile.lock'))?.message).toContain('fixed in 0.3.81');
  });

  it('poetry caret constraints become PEP 440 ranges (CVE-2025-32444, vllm ^0.7.0)', async () => {
    expect(poetryToPep440('^0.7.0')).toBe('>=0.7.0,<0.8.0');
    expect(poetryToPep440('~2.5')).toBe('>=2.5.0,<2.6.0');
    const f = await only({ 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.10"\nvllm = "^0.7.0"\n' });
    // Matched through the PEP 440 translation; the evidence quotes the constraint as written, on its line.
    expect(f.find((x) => x.message.includes('CVE-2025-32444'))).toMatchObject({
      ruleId: 'supply/vulnerable-dependency',
      evidence: 'vllm^0.7.0',
      line: 3,
    });
  });

  it('fixed or unconstrained dependencies are not reported', async () => {
    expect(
      await only({ 'requirements.txt': 'torch>=2.10\nkeras==3.12.0\nnumpy\n-r other.txt\n--index-url x\n' }),
    ).toEqual([]);
  });

  it('every curated advisory is dated, cited and states a range', () => {
    for (const a of ML_ADVISORIES) {
      expect(a.published, a.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(a.references.length, a.id).toBeGreaterThan(0);
      expect(a.ranges.length, a.id).toBeGreaterThan(0);
    }
  });
});

const OSV_NPM = {
  id: 'GHSA-test-0000-0001',
  aliases: ['CVE-2099-0001'],
  summary: 'test advisory for an npm ML package',
  published: '2099-01-01T00:00:00Z',
  database_specific: { severity: 'MODERATE' },
  affected: [
    {
      package: { ecosystem: 'npm', name: 'onnxruntime-node' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.20.0' }] }],
    },
  ],
  references: [{ type: 'WEB', url: 'https://example.invalid/advisory' }],
};

describe('OSV data', () => {
  it('maps OSV events, GHSA severity words and aliases', () => {
    const [a] = advisoriesFromOsv(OSV_NPM);
    expect(a).toMatchObject({
      id: 'CVE-2099-0001',
      severity: 'medium',
      package: 'onnxruntime-node',
      published: '2099-01-01',
    });
    expect(a!.ranges).toEqual([{ introduced: '0', fixed: '1.20.0' }]);
    expect(advisoriesFromOsv({ ...OSV_NPM, withdrawn: '2099-02-01' })).toEqual([]);
  });

  it('reads a folder of records and osv-scanner all.zip, semver ranges for npm', async () => {
    const dir = project({
      'package.json': JSON.stringify({ dependencies: { 'onnxruntime-node': '^1.19.0', left: 'github:x/y' } }),
      'package-lock.json': JSON.stringify({ packages: { 'node_modules/onnxruntime-node': { version: '1.19.2' } } }),
    });
    const osvDir = join(work.path, 'osv');
    mkdirSync(join(osvDir, 'npm'), { recursive: true });
    writeFileSync(join(osvDir, 'npm', 'GHSA-test.json'), JSON.stringify(OSV_NPM));
    const zip = join(work.path, 'all.zip');
    writeFileSync(
      zip,
      buildZip([
        { name: 'GHSA-test.json', data: Buffer.from(JSON.stringify(OSV_NPM)), deflate: true },
        { name: 'broken.json', data: Buffer.from('{not json') },
      ]),
    );
    for (const src of [osvDir, zip]) {
      const r = await auditDependencies(dir, { osv: [src], noBuiltin: true });
      expect(r.advisories.osv).toBe(1);
      expect(r.findings.map((f) => [f.ruleId, f.path.split('/').pop()])).toEqual([
        ['supply/vulnerable-dependency', 'package-lock.json'],
        ['supply/vulnerable-range', 'package.json'],
      ]);
    }
    const r = await auditDependencies(dir, { osv: [zip], noBuiltin: true });
    expect(r.errors.some((e) => e.includes('broken.json'))).toBe(true);
    // A tilde range is a semver range, not a home-folder path.
    const tilde = project({ 'package.json': JSON.stringify({ devDependencies: { 'onnxruntime-node': '~1.19.0' } }) });
    const t = await auditDependencies(tilde, { osv: [osvDir], noBuiltin: true });
    expect(t.findings.map((x) => [x.ruleId, x.evidence])).toEqual([
      ['supply/vulnerable-dependency', 'onnxruntime-node@~1.19.0'],
    ]);
  });
});

describe('warden deps CLI', () => {
  it('exits 1 on a critical finding, 0 with --fail-on none, and prints JSON', async () => {
    const dir = project({ 'requirements-ml.txt': 'torch==2.5.1\n' });
    const text = await runCommand(depsCommand, [dir]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^CRITICAL .*requirements-ml\.txt:1 {2}torch 2\.5\.1 is affected by CVE-2025-32434/m);
    expect((await runCommand(depsCommand, [dir, '--fail-on', 'none'])).code).toBe(0);
    const json = JSON.parse((await runCommand(depsCommand, [dir, '-f', 'json'])).stdout);
    expect(json.findings.length).toBeGreaterThan(0);
    expect(json.advisories.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('usage errors exit 2', async () => {
    expect((await runCommand(depsCommand, [])).code).toBe(2);
    expect((await runCommand(depsCommand, [join(work.path, 'missing')])).code).toBe(2);
    expect((await runCommand(depsCommand, [work.path, '--no-builtin'])).code).toBe(2);
  });
});
