import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MANIFEST_KINDS, type ManifestKind, parseManifest } from '../../../src/supply/manifests/index.js';
import { parseRequirement } from '../../../src/supply/manifests/pep508.js';
import { poetryToPep440 } from '../../../src/supply/manifests/poetry-constraint.js';
import { PACKAGE_JSON, PIPFILE_LOCK, POETRY_LOCK, PYPROJECT, REQUIREMENTS } from '../bom/fixture.js';

const SEEDS: Record<ManifestKind, string> = {
  requirements: REQUIREMENTS,
  pyproject: PYPROJECT,
  'pipfile-lock': PIPFILE_LOCK,
  'poetry-lock': POETRY_LOCK,
  'package-json': PACKAGE_JSON,
  'package-lock': realLockHead(40),
};

/** The first entries of this repository's own package-lock.json, still a valid lockfile. */
function realLockHead(n: number): string {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, unknown> };
  return JSON.stringify({ ...lock, packages: Object.fromEntries(Object.entries(lock.packages).slice(0, n)) }, null, 2);
}

/** What every parse must hold, whatever the input: never throws, and every dependency is well-formed. */
function checkTotal(kind: ManifestKind, text: string): void {
  const r = parseManifest(kind, text, 'm');
  const lineCount = text.split('\n').length;
  for (const d of r.dependencies) {
    expect(d.name.length).toBeGreaterThan(0);
    if (d.ecosystem === 'PyPI') expect(d.name).toBe(d.name.toLowerCase().replace(/[-_.]+/g, '-'));
    expect(d.purl !== undefined).toBe(d.pinned !== undefined);
    if (d.line !== undefined) expect(d.line >= 1 && d.line <= lineCount).toBe(true);
  }
  for (const e of r.errors) expect(e.startsWith('m')).toBe(true);
}

describe('manifest parsers are total on hostile text', () => {
  it('random text never throws (every kind)', () => {
    fc.assert(fc.property(fc.constantFrom(...MANIFEST_KINDS), fc.string({ maxLength: 400 }), checkTotal), {
      numRuns: 400,
    });
  });

  it('mutated real manifests never throw', () => {
    const mutation = fc.array(
      fc.tuple(fc.nat(), fc.constantFrom('', '"', '\n', '[', ']', '=', '\\', '#', ';', '{', '}', ',', '^', '@')),
      {
        minLength: 1,
        maxLength: 6,
      },
    );
    fc.assert(
      fc.property(fc.constantFrom(...MANIFEST_KINDS), mutation, (kind, muts) => {
        let t = SEEDS[kind];
        for (const [at, s] of muts) {
          const i = at % (t.length + 1);
          t = t.slice(0, i) + s + t.slice(i + 1);
        }
        checkTotal(kind, t);
      }),
      { numRuns: 300 },
    );
  });

  it('every seed parses cleanly (the mutations start from valid files)', () => {
    for (const kind of MANIFEST_KINDS) {
      const r = parseManifest(kind, SEEDS[kind], 'm');
      expect(r.errors, kind).toEqual([]);
      expect(r.dependencies.length, kind).toBeGreaterThan(0);
    }
  });

  it('requirement strings and Poetry constraints never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        parseRequirement(s);
        poetryToPep440(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ReDoS: hostile lines parse in linear time', () => {
  const quick = (f: () => void, label: string, ms = 300) => {
    const t = performance.now();
    f();
    expect(performance.now() - t, label).toBeLessThan(ms);
  };

  it('PEP 508 strings', () => {
    for (const s of [
      'a'.repeat(50_000),
      `a${'-'.repeat(50_000)}!`,
      `a[${'x,'.repeat(4_000)}`,
      'a.'.repeat(4_000),
      `a @ ${'x'.repeat(8_000)}`,
      `a @ x${' ;'.repeat(4_000)}`,
      `a${'>=1,'.repeat(2_000)}`,
    ])
      quick(() => parseRequirement(s), s.slice(0, 12));
  });

  it('requirements files', () => {
    for (const text of [
      `x ${' -a'.repeat(50_000)}`,
      `${'a'.repeat(100_000)}==`,
      `x${' #'.repeat(50_000)}`,
      '-'.repeat(100_000),
      `${'a\\\n'.repeat(50_000)}`,
      `-e git+https://x/${'#egg=a'.repeat(20_000)}`,
      `${'a #'.repeat(30_000)}\n`.repeat(3),
    ])
      quick(() => parseManifest('requirements', text, 'r.txt'), text.slice(0, 12), 1000);
  });

  it('line indexing of TOML and JSON manifests', () => {
    const many = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`p${i}`, '^1.0.0']));
    quick(
      () => parseManifest('package-json', JSON.stringify({ dependencies: many }, null, 1), 'p'),
      'package.json',
      2000,
    );
    const quotes = `[project]\ndependencies = [${'"\\"'.repeat(30_000)}]\n`;
    quick(() => parseManifest('pyproject', quotes, 'p'), 'quotes', 1000);
    quick(() => parseManifest('pyproject', `a = "${'\\'.repeat(100_000)}"\n`, 'p'), 'backslashes', 1000);
  });
});
