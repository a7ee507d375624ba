import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/supply/bom/manifests/index.js';
import { parsePackageJson } from '../../../src/supply/bom/manifests/package-json.js';
import { parseRequirement } from '../../../src/supply/bom/manifests/pep508.js';
import { parseRequirementsTxt } from '../../../src/supply/bom/manifests/requirements.js';
import { readModelCard, splitFrontMatter } from '../../../src/supply/bom/model-card.js';
import { purlOf } from '../../../src/supply/bom/purl.js';
import { PACKAGE_JSON, REQUIREMENTS } from './fixture.js';

const MANIFESTS = ['requirements.txt', 'pyproject.toml', 'Pipfile.lock', 'poetry.lock', 'package.json'];

describe('PEP 508 requirements', () => {
  it('reads names, pins, ranges, extras, markers and direct references', () => {
    expect(parseRequirement('torch==2.5.1')).toEqual({ name: 'torch', spec: '==2.5.1', pinned: '2.5.1' });
    expect(parseRequirement('numpy[extra] >= 1.26 , < 2 ; python_version<"3.12"')).toEqual({
      name: 'numpy',
      spec: '>=1.26,<2',
    });
    expect(parseRequirement('pkg (>=1.0)')).toEqual({ name: 'pkg', spec: '>=1.0' });
    expect(parseRequirement('name @ https://x/y.whl')).toEqual({ name: 'name', url: 'https://x/y.whl' });
    expect(parseRequirement('torch==2.*')).toEqual({ name: 'torch', spec: '==2.*' });
    for (const bad of ['', '  ', '===', '@x', 'name >>1', 'name[oops'])
      expect(parseRequirement(bad), bad).toBeUndefined();
  });

  it('requirements.txt skips options and comments and keeps -e #egg= packages', () => {
    const deps = parseRequirementsTxt(REQUIREMENTS, 'requirements.txt');
    expect(deps.map((d) => [d.name, d.version ?? d.spec ?? ''])).toEqual([
      ['torch', '2.5.1'],
      ['transformers', '>=4.44,<5'],
      ['safetensors', ''],
      ['numpy', '1.26.4'],
      ['acme-tok', '@ git+https://github.com/acme/tok.git#egg=acme_tok'],
    ]);
  });

  it('package.json pins exact versions only and keeps scoped names', () => {
    expect(parsePackageJson(PACKAGE_JSON, 'package.json').map((d) => [d.name, d.version, d.spec, d.scope])).toEqual([
      ['@huggingface/transformers', '3.0.2', undefined, 'required'],
      ['onnxruntime-web', undefined, '^1.19.0', 'required'],
      ['vitest', undefined, '~2.1.0', 'dev'],
    ]);
  });

  it('builds purls as the package-url spec writes them', () => {
    expect(purlOf('pypi', 'Scikit_Learn', '1.5.1')).toBe('pkg:pypi/scikit-learn@1.5.1');
    expect(purlOf('pypi', 'torch', '2.5.1+cu121')).toBe('pkg:pypi/torch@2.5.1%2Bcu121');
    expect(purlOf('npm', '@scope/pkg', '1.0.0')).toBe('pkg:npm/%40scope/pkg@1.0.0');
    expect(purlOf('npm', 'left-pad')).toBe('pkg:npm/left-pad');
  });

  it('a broken manifest is reported, never thrown', () => {
    expect(parseManifest('pyproject.toml', '[project\n', 'pyproject.toml').error).toMatch(/^pyproject.toml: /);
    expect(parseManifest('package.json', '{', 'web/package.json').error).toMatch(/^web\/package.json: /);
    expect(parseManifest('README.md', 'anything', 'README.md')).toEqual({ deps: [] });
  });

  it('no manifest parser throws on arbitrary or mutated input', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MANIFESTS), fc.string({ maxLength: 400 }), (name, text) => {
        const r = parseManifest(name, text, name);
        expect(Array.isArray(r.deps)).toBe(true);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseRequirement(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('model card', () => {
  it('splits front matter from the body and tolerates a card without one', () => {
    expect(splitFrontMatter('---\nlicense: mit\n---\n# Title\n')).toEqual({ yaml: 'license: mit', body: '# Title\n' });
    expect(splitFrontMatter('# Just prose\n')).toEqual({ body: '# Just prose\n' });
    expect(splitFrontMatter('---\nnever closed\n').yaml).toBeUndefined();
  });

  it('rejects a YAML alias bomb instead of expanding it', () => {
    const bomb = [
      '---',
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
      'license: mit',
      '---',
      '',
    ].join('\n');
    const t0 = Date.now();
    const facts = readModelCard(bomb);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(facts.licenses).toEqual([]);
    expect(facts.notes.join(' ')).toMatch(/front matter rejected/);
  });

  it('reports invalid YAML as a note and still reads the prose', () => {
    const f = readModelCard('---\nlicense: [unclosed\n---\n## Limitations\nSmall.\n');
    expect(f.notes[0]).toMatch(/not valid YAML/);
    expect(f.technicalLimitations).toEqual(['Limitations: Small.']);
  });

  it('never throws on arbitrary cards', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        readModelCard(`---\n${s}\n---\n${s}`);
        readModelCard(s);
      }),
      { numRuns: 200 },
    );
  });

  it('ReDoS: hostile card and requirements text parses in linear time', () => {
    const evil = [
      `---\n${'a: b\n'.repeat(5_000)}---\n`,
      `## Limitations\n${'<!--'.repeat(100_000)}`,
      `${'#'.repeat(100_000)} x`,
      `---${'\n'.repeat(50_000)}`,
    ];
    for (const text of evil) {
      const t0 = Date.now();
      readModelCard(text);
      expect(Date.now() - t0, text.slice(0, 20)).toBeLessThan(1500);
    }
    const lines = [
      `x ${' -a'.repeat(50_000)}`,
      `${'a'.repeat(100_000)}==`,
      `x${' #'.repeat(50_000)}`,
      `${'-'.repeat(100_000)}`,
    ];
    for (const line of lines) {
      const t0 = Date.now();
      parseRequirementsTxt(line, 'r.txt');
      expect(Date.now() - t0).toBeLessThan(1500);
    }
  });
});
