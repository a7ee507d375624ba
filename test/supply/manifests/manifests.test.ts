import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type DeclaredDependency,
  MANIFEST_KINDS,
  manifestKind,
  parseManifest,
  purlOf,
} from '../../../src/supply/manifests/index.js';
import { parseRequirement } from '../../../src/supply/manifests/pep508.js';
import { poetryToPep440 } from '../../../src/supply/manifests/poetry-constraint.js';
import { PACKAGE_JSON, PIPFILE_LOCK, POETRY_LOCK, PYPROJECT, REQUIREMENTS } from '../bom/fixture.js';

const deps = (kind: Parameters<typeof parseManifest>[0], text: string, file = 'm'): DeclaredDependency[] => {
  const r = parseManifest(kind, text, file);
  expect(r.errors).toEqual([]);
  return r.dependencies;
};
const byName = (ds: readonly DeclaredDependency[], name: string) => ds.find((d) => d.name === name);

describe('manifestKind', () => {
  it('recognises every manifest by its base name and nothing else', () => {
    const names: [string, string | undefined][] = [
      ['requirements.txt', 'requirements'],
      ['requirements-dev.txt', 'requirements'],
      ['requirements_ml.in', 'requirements'],
      ['Requirements.txt', 'requirements'],
      ['pyproject.toml', 'pyproject'],
      ['Pipfile.lock', 'pipfile-lock'],
      ['poetry.lock', 'poetry-lock'],
      ['package.json', 'package-json'],
      ['package-lock.json', 'package-lock'],
      ['requirementsX.txt', undefined],
      ['requirements.txt.bak', undefined],
      ['Pipfile', undefined],
      ['README.md', undefined],
    ];
    for (const [name, kind] of names) expect(manifestKind(name), name).toBe(kind);
    expect(MANIFEST_KINDS).toHaveLength(6);
  });
});

describe('PEP 508 requirements', () => {
  it('reads names, pins, ranges, extras, markers and direct references', () => {
    expect(parseRequirement('torch==2.5.1')).toEqual({ name: 'torch', extras: [], spec: '==2.5.1', pinned: '2.5.1' });
    expect(parseRequirement('numpy[extra, fast] >= 1.26 , < 2 ; python_version<"3.12"')).toEqual({
      name: 'numpy',
      extras: ['extra', 'fast'],
      spec: '>=1.26,<2',
      markers: 'python_version<"3.12"',
    });
    expect(parseRequirement('pkg (>=1.0)')).toEqual({ name: 'pkg', extras: [], spec: '>=1.0' });
    expect(parseRequirement('name @ https://x/y.whl ; os_name=="nt"')).toEqual({
      name: 'name',
      extras: [],
      spec: '',
      url: 'https://x/y.whl',
      markers: 'os_name=="nt"',
    });
    expect(parseRequirement('torch==2.*')).toEqual({ name: 'torch', extras: [], spec: '==2.*' });
    expect(parseRequirement('torch===2.5.1+cu121')?.pinned).toBe('2.5.1+cu121');
    expect(parseRequirement('epoch==1!2.0')?.pinned).toBe('1!2.0');
  });

  it('yields undefined, never a guess, for what is not a requirement', () => {
    for (const bad of [
      '',
      '  ',
      '===',
      '@x',
      'name >>1',
      'name[oops',
      'foo- ==1',
      'name @ ',
      'a[b c]',
      'x'.repeat(9000),
    ])
      expect(parseRequirement(bad), bad.slice(0, 20)).toBeUndefined();
  });
});

describe('requirements.txt', () => {
  it('skips options and comments, keeps -e #egg= packages, and numbers lines', () => {
    const ds = deps('requirements', REQUIREMENTS, 'requirements.txt');
    expect(ds.map((d) => [d.name, d.pinned ?? d.url ?? d.spec, d.line])).toEqual([
      ['torch', '2.5.1', 2],
      ['transformers', '>=4.44,<5', 3],
      ['safetensors', '', 4],
      ['numpy', '1.26.4', 5],
      ['acme-tok', 'git+https://github.com/acme/tok.git#egg=acme_tok', 8],
    ]);
    expect(byName(ds, 'transformers')?.markers).toBe('python_version >= "3.9"');
    expect(byName(ds, 'numpy')).toMatchObject({ extras: ['extra'], purl: 'pkg:pypi/numpy@1.26.4' });
    expect(byName(ds, 'safetensors')?.purl).toBeUndefined();
  });

  it('joins `\\` continuations, reports the first line, and reports unreadable lines', () => {
    const r = parseManifest(
      'requirements',
      'Torch_Vision \\\n  ==0.20.1 \\\n  --hash=sha256:aa\nnot a requirement!\n./local\n',
      'r.txt',
    );
    expect(r.dependencies).toEqual([
      {
        ecosystem: 'PyPI',
        name: 'torch-vision',
        spec: '==0.20.1',
        pinned: '0.20.1',
        file: 'r.txt',
        line: 1,
        purl: 'pkg:pypi/torch-vision@0.20.1',
      },
    ]);
    expect(r.errors).toEqual(["r.txt:4: cannot read requirement 'not a requirement!'"]);
  });
});

describe('pyproject.toml', () => {
  it('PEP 621, optional dependencies and dependency groups, with flags and lines', () => {
    const ds = deps('pyproject', PYPROJECT, 'pyproject.toml');
    expect(byName(ds, 'accelerate')).toMatchObject({ spec: '>=0.30', line: 3 });
    expect(byName(ds, 'pillow')).toMatchObject({ spec: '==10.4.0', pinned: '10.4.0', purl: 'pkg:pypi/pillow@10.4.0' });
    expect(byName(ds, 'onnxruntime')).toMatchObject({ optional: true, line: 6 });
    expect(byName(ds, 'pytest')).toMatchObject({ dev: true, line: 9 });
    expect(byName(ds, 'datasets')).toMatchObject({ pinned: '2.20.0', optional: true, line: 13 });
    expect(byName(ds, 'ruff')).toMatchObject({ pinned: '0.6.1', dev: true, line: 16 });
    expect(byName(ds, 'python')).toBeUndefined();
  });

  it('Poetry constraints become PEP 440 specifiers; the original stays in rawSpec', () => {
    const ds = deps(
      'pyproject',
      '[tool.poetry.dependencies]\npython = "^3.10"\nvllm = "^0.7.0"\nkeras = { version = "~3.8", extras = ["jax"] }\n' +
        'both = "^1 || ^2"\nplain = ">=1.0"\ngitdep = { git = "https://example.invalid/x.git" }\n',
    );
    expect(byName(ds, 'vllm')).toMatchObject({ spec: '>=0.7.0,<0.8.0', rawSpec: '^0.7.0', line: 3 });
    expect(byName(ds, 'keras')).toMatchObject({ spec: '>=3.8.0,<3.9.0', rawSpec: '~3.8', extras: ['jax'] });
    expect(byName(ds, 'both')).toMatchObject({ spec: '', rawSpec: '^1||^2' });
    expect(byName(ds, 'plain')).toEqual({ ecosystem: 'PyPI', name: 'plain', spec: '>=1.0', file: 'm', line: 6 });
    expect(byName(ds, 'gitdep')).toMatchObject({ spec: '', url: 'https://example.invalid/x.git' });
  });

  it('poetryToPep440 follows Poetry’s caret and tilde rules', () => {
    const cases: [string, string | undefined][] = [
      ['^1.2.3', '>=1.2.3,<2.0.0'],
      ['^0.7.0', '>=0.7.0,<0.8.0'],
      ['^0.0.3', '>=0.0.3,<0.0.4'],
      ['^0.0', '>=0.0.0,<0.1.0'],
      ['^0', '>=0.0.0,<1.0.0'],
      ['~2.5', '>=2.5.0,<2.6.0'],
      ['~1', '>=1.0.0,<2.0.0'],
      ['1.2.3', '==1.2.3'],
      ['=1.2.3', '==1.2.3'],
      ['>= 1.2, < 1.5', '>=1.2,<1.5'],
      ['~=1.4', '~=1.4'],
      ['*', ''],
      ['^1 || ^2', undefined],
      ['^1.2.3b1', undefined],
    ];
    for (const [c, want] of cases) expect(poetryToPep440(c), c).toBe(want);
  });

  it('an unreadable PEP 621 requirement is reported with its line', () => {
    const r = parseManifest(
      'pyproject',
      '[project]\nname = "x"\ndependencies = [\n  "ok>=1",\n  "bad >>2",\n]\n',
      'p.toml',
    );
    expect(r.dependencies.map((d) => d.name)).toEqual(['ok']);
    expect(r.errors).toEqual(["p.toml:5: cannot read requirement 'bad >>2'"]);
  });
});

describe('lockfiles', () => {
  it('Pipfile.lock: pins, develop as dev, extras and markers', () => {
    const ds = deps('pipfile-lock', PIPFILE_LOCK);
    expect(ds.map((d) => [d.name, d.pinned, d.dev])).toEqual([
      ['scikit-learn', '1.5.1', undefined],
      ['black', '24.8.0', true],
    ]);
    const pretty = JSON.stringify(
      {
        default: { Requests: { version: '==2.32.3', extras: ['socks'], markers: "python_version >= '3.8'" } },
        develop: { Requests: { version: '==2.0.0' } },
      },
      null,
      2,
    );
    const [a, b] = deps('pipfile-lock', pretty);
    expect(a).toMatchObject({
      name: 'requests',
      spec: '==2.32.3',
      extras: ['socks'],
      markers: "python_version >= '3.8'",
      line: 3,
    });
    expect(b).toMatchObject({ name: 'requests', dev: true, line: 12 });
  });

  it('poetry.lock: every package pinned, dev from groups or category, the [[package]] line', () => {
    const ds = deps(
      'poetry-lock',
      `${POETRY_LOCK}\n[[package]]\nname = "old_dev"\nversion = "1.0"\ncategory = "dev"\n`,
    );
    expect(ds.map((d) => [d.name, d.spec, d.pinned, d.dev, d.line])).toEqual([
      ['accelerate', '==0.33.0', '0.33.0', undefined, 1],
      ['ruff', '==0.6.1', '0.6.1', true, 7],
      ['old-dev', '==1.0', '1.0', true, 12],
    ]);
  });

  it('package.json: exact semver is pinned, ranges kept, non-registry specifiers are references', () => {
    const ds = deps('package-json', PACKAGE_JSON);
    expect(ds.map((d) => [d.name, d.pinned, d.spec, d.dev])).toEqual([
      ['@huggingface/transformers', '3.0.2', '3.0.2', undefined],
      ['onnxruntime-web', undefined, '^1.19.0', undefined],
      ['vitest', undefined, '~2.1.0', true],
    ]);
    expect(ds[0]?.purl).toBe('pkg:npm/%40huggingface/transformers@3.0.2');
    const odd = deps(
      'package-json',
      JSON.stringify({
        dependencies: { a: 'github:u/r', b: 'u/r#main', c: 'file:../c', d: 'npm:e@^1', f: '1.2', g: '*', h: '~/h' },
      }),
    );
    expect(odd.map((d) => [d.name, d.spec, d.url, d.pinned])).toEqual([
      ['a', '', 'github:u/r', undefined],
      ['b', '', 'u/r#main', undefined],
      ['c', '', 'file:../c', undefined],
      ['d', '', 'npm:e@^1', undefined],
      ['f', '1.2', undefined, undefined],
      ['g', '', undefined, undefined],
      ['h', '', '~/h', undefined],
    ]);
  });

  it('package-lock.json: this repository’s own lockfile, nested and scoped paths, dev flags', () => {
    const text = readFileSync('package-lock.json', 'utf8');
    const ds = deps('package-lock', text, 'package-lock.json');
    const lock = JSON.parse(text) as { packages: Record<string, { version?: string; dev?: boolean }> };
    const entries = Object.entries(lock.packages).filter(([p, v]) => p.includes('node_modules/') && v.version);
    expect(ds).toHaveLength(entries.length);
    expect(byName(ds, 'vitest')).toMatchObject({ dev: true, purl: expect.stringMatching(/^pkg:npm\/vitest@\d/) });
    const lines = text.split('\n');
    for (const d of ds.slice(0, 50)) expect(lines[d.line! - 1], d.name).toContain(`node_modules/${d.name}"`);
    const nested = deps(
      'package-lock',
      JSON.stringify({
        packages: { '': {}, 'node_modules/a/node_modules/@s/b': { version: '1.0.0', optional: true } },
      }),
    );
    expect(nested).toMatchObject([{ name: '@s/b', pinned: '1.0.0', optional: true }]);
  });
});

describe('errors and purls', () => {
  it('a broken manifest is reported with its file, never thrown', () => {
    expect(parseManifest('pyproject', '[project\n', 'pyproject.toml').errors[0]).toMatch(/^pyproject\.toml: /);
    expect(parseManifest('package-json', '{', 'web/package.json').errors[0]).toMatch(/^web\/package\.json: /);
    expect(parseManifest('package-json', '\uFEFF{"dependencies":{"a":"1.0.0"}}', 'p').dependencies).toHaveLength(1);
  });

  it('builds purls as the package-url spec writes them', () => {
    expect(purlOf('PyPI', 'Scikit_Learn', '1.5.1')).toBe('pkg:pypi/scikit-learn@1.5.1');
    expect(purlOf('PyPI', 'torch', '2.5.1+cu121')).toBe('pkg:pypi/torch@2.5.1%2Bcu121');
    expect(purlOf('npm', '@scope/pkg', '1.0.0')).toBe('pkg:npm/%40scope/pkg@1.0.0');
    expect(purlOf('npm', 'left-pad')).toBe('pkg:npm/left-pad');
  });
});
