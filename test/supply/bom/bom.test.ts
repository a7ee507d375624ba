import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { collectInventory } from '../../../src/supply/bom/collect.js';
import { buildCycloneDx } from '../../../src/supply/bom/cyclonedx.js';
import { buildSpdx } from '../../../src/supply/bom/spdx.js';
import type { BomInventory } from '../../../src/supply/bom/types.js';
import { captureIO } from '../../cli/helpers.js';
import { officialCycloneDxValidator, richModelFolder } from './fixture.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk untyped BOM JSON
type Json = Record<string, any>;
const TOOL = { name: 'warden', version: '0.0.0-test' };
const HF_BENIGN = join(process.cwd(), '../shared/corpus/files/hf_benign');
const strict = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
const official = officialCycloneDxValidator();

/** Both validators the issue names: the library's strict JSON validator and the official schema via ajv. */
async function expectValidCycloneDx(bom: Json): Promise<void> {
  expect(await strict.validate(JSON.stringify(bom))).toBeNull();
  const ok = official(bom);
  expect(official.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.split('\\').join('/'))
    .sort();
}

const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const prop = (c: Json, name: string) => (c.properties as Json[] | undefined)?.find((p) => p.name === name)?.value;
const props = (c: Json, name: string) =>
  ((c.properties as Json[] | undefined) ?? []).filter((p) => p.name === name).map((p) => p.value);

describe('warden bom on the hf_benign corpus folder', () => {
  let bom: Json;
  beforeAll(async () => {
    const c = captureIO(process.cwd());
    expect(await run(['bom', '../shared/corpus/files/hf_benign'], c.io)).toBe(0);
    bom = JSON.parse(c.out());
  });

  it('validates against CycloneDX 1.6 (library validator and official schema)', async () => {
    expect(bom.specVersion).toBe('1.6');
    await expectValidCycloneDx(bom);
  });

  it('lists every file with its SHA-256, size, format and scan verdict', () => {
    const byName = new Map((bom.components as Json[]).map((c) => [c.name, c]));
    for (const f of listFiles(HF_BENIGN)) {
      const c = byName.get(f);
      expect(c, f).toBeDefined();
      expect(c?.hashes).toEqual([{ alg: 'SHA-256', content: sha256(join(HF_BENIGN, f)) }]);
      expect(prop(c!, 'warden:file:size')).toBe(String(statSync(join(HF_BENIGN, f)).size));
      expect(prop(c!, 'warden:scan:verdict')).toBe('clean');
    }
    const weights = byName.get('model.safetensors')!;
    expect(weights.type).toBe('machine-learning-model');
    expect(prop(weights, 'warden:file:format')).toBe('safetensors');
    expect(prop(weights, 'warden:safetensors:tensorCount')).toBe('1');
  });

  it('fills the model card from config.json', () => {
    expect(bom.metadata.component.type).toBe('machine-learning-model');
    expect(bom.metadata.component.modelCard.modelParameters).toEqual({
      architectureFamily: 'bert',
      modelArchitecture: 'BertModel',
    });
  });
});

describe('warden bom on a rich model folder', () => {
  let dir: string;
  let inv: BomInventory;
  let bom: Json;
  beforeAll(async () => {
    dir = richModelFolder();
    inv = await collectInventory(dir, { cwd: '/', limits: DEFAULT_LIMITS, tool: TOOL, concurrency: 1 });
    bom = buildCycloneDx(inv, { serialNumber: 'urn:uuid:00000000-0000-4000-8000-000000000000' });
  });

  it('validates against CycloneDX 1.6 with modelCard, datasets and libraries', async () => {
    await expectValidCycloneDx(bom);
  });

  it('lists every model file with its hash and scan verdict, and the pickle payload as unsafe', () => {
    const files = new Map(
      (bom.components as Json[]).filter((c) => c['bom-ref'].startsWith('file:')).map((c) => [c.name, c]),
    );
    expect([...files.keys()].sort()).toEqual(listFiles(dir));
    for (const [name, c] of files) expect(c.hashes[0].content, name).toBe(sha256(join(dir, name)));
    const models = [...files.values()].filter((c) => c.type === 'machine-learning-model').map((c) => c.name);
    expect(models.sort()).toEqual([
      'gguf/acme-sentiment-f32.gguf',
      'legacy/optimizer.pkl',
      'model.safetensors',
      'onnx/model.onnx',
    ]);
    expect(prop(files.get('onnx/model.onnx')!, 'warden:onnx:producerName')).toBe('pytorch');
    const evil = files.get('legacy/optimizer.pkl')!;
    expect(prop(evil, 'warden:scan:verdict')).toBe('unsafe');
    expect(prop(evil, 'warden:scan:highestSeverity')).toBe('critical');
    expect(prop(evil, 'warden:scan:rules')).toContain('pickle/dangerous-global');
    expect(prop(files.get('model.safetensors')!, 'warden:scan:verdict')).toBe('clean');
    expect(prop(files.get('gguf/acme-sentiment-f32.gguf')!, 'warden:gguf:architecture')).toBe('bert');
    expect(files.get('data/eval.csv')?.type).toBe('data');
    expect(prop(bom.metadata.component, 'warden:scan:verdict')).toBe('unsafe');
  });

  it('fills modelCard from the card front matter, prose sections and configs', () => {
    const model = bom.metadata.component;
    expect(model.name).toBe('acme-sentiment');
    expect(model.licenses).toEqual([{ license: { id: 'Apache-2.0' } }]);
    const card = model.modelCard;
    expect(card.modelParameters).toEqual({
      task: 'text-classification',
      architectureFamily: 'bert',
      modelArchitecture: 'BertForSequenceClassification',
      datasets: [{ ref: 'dataset:stanfordnlp/imdb' }, { ref: 'dataset:acme/reviews-2024' }],
      inputs: [{ format: 'text' }],
      outputs: [{ format: 'label' }],
    });
    expect(card.quantitativeAnalysis.performanceMetrics).toEqual([
      { type: 'accuracy', value: '0.931', slice: 'IMDB, split test' },
      { type: 'f1', value: '0.928', slice: 'IMDB, split test' },
    ]);
    expect(card.considerations.useCases).toEqual([
      'Intended uses: Classifying the sentiment of English product reviews.',
    ]);
    expect(card.considerations.technicalLimitations).toEqual([
      'Limitations: Trained on movie and product reviews only; sarcasm is often misread.',
    ]);
    expect(card.considerations.ethicalConsiderations).toEqual([
      { name: 'Reviews skew towards US English; other dialects score lower.' },
    ]);
    expect(props(card, 'huggingface:base_model')).toEqual(['google-bert/bert-base-uncased']);
    expect(props(card, 'config:num_hidden_layers')).toEqual(['2']);
    expect(props(card, 'generation_config:temperature')).toEqual(['0.7']);
    expect(props(card, 'onnx:producer:onnx/model.onnx')).toEqual(['pytorch']);
    const ds = (bom.components as Json[]).find((c) => c['bom-ref'] === 'dataset:stanfordnlp/imdb');
    expect(ds).toMatchObject({
      type: 'data',
      data: [
        {
          type: 'dataset',
          name: 'stanfordnlp/imdb',
          contents: { url: 'https://huggingface.co/datasets/stanfordnlp/imdb' },
        },
      ],
    });
  });

  it('declares the Python and npm dependencies as library components with purls', () => {
    const libs = (bom.components as Json[]).filter((c) => c.type === 'library');
    const purls = libs.map((c) => c.purl).sort();
    expect(purls).toEqual(
      [
        'pkg:npm/%40huggingface/transformers@3.0.2',
        'pkg:npm/onnxruntime-web',
        'pkg:npm/vitest',
        'pkg:pypi/accelerate@0.33.0',
        'pkg:pypi/acme-tok',
        'pkg:pypi/black@24.8.0',
        'pkg:pypi/datasets@2.20.0',
        'pkg:pypi/numpy@1.26.4',
        'pkg:pypi/onnxruntime',
        'pkg:pypi/pillow@10.4.0',
        'pkg:pypi/pytest',
        'pkg:pypi/ruff@0.6.1',
        'pkg:pypi/safetensors',
        'pkg:pypi/scikit-learn@1.5.1',
        'pkg:pypi/torch@2.5.1',
        'pkg:pypi/transformers',
      ].sort(),
    );
    const accelerate = libs.find((c) => c.name === 'accelerate')!;
    // The lockfile pin wins over pyproject's range; both manifests are named as sources.
    expect(accelerate.version).toBe('0.33.0');
    expect(props(accelerate, 'warden:dependency:source')).toEqual(['poetry.lock', 'pyproject.toml']);
    expect(libs.find((c) => c.name === 'transformers' && c.group === undefined)?.scope).toBe('required');
    expect(libs.find((c) => c.name === 'ruff')?.scope).toBe('excluded');
    expect(libs.find((c) => c.group === '@huggingface')?.name).toBe('transformers');
    const graph = (bom.dependencies as Json[]).find((d) => d.ref === 'model');
    expect(graph?.dependsOn).toContain('pkg:pypi/torch@2.5.1');
  });

  it('writes SPDX 3.0.1 JSON-LD with the AI and Dataset profiles', () => {
    const doc = buildSpdx(inv, { documentId: 'test' }) as Json;
    expect(doc['@context']).toBe('https://spdx.org/rdf/3.0.1/spdx-context.jsonld');
    const graph = doc['@graph'] as Json[];
    const ids = new Set(graph.map((g) => g.spdxId).filter(Boolean));
    const of = (type: string) => graph.filter((g) => g.type === type);
    // Every element carries the shared creation info; every reference points at an element.
    for (const g of graph.filter((x) => x.spdxId)) expect(g.creationInfo, g.spdxId).toBe('_:creationinfo');
    for (const r of of('Relationship')) for (const to of [r.from, ...r.to]) expect(ids.has(to), to).toBe(true);
    const [ai] = of('ai_AIPackage');
    // Mandatory for AIPackage in the SPDX 3 AI profile.
    for (const k of [
      'suppliedBy',
      'software_downloadLocation',
      'software_packageVersion',
      'software_primaryPurpose',
      'releaseTime',
    ])
      expect(ai?.[k], k).toBeDefined();
    expect(ai).toMatchObject({ name: 'acme-sentiment', ai_domain: ['text-classification'] });
    expect(ai?.ai_metric).toContainEqual({
      type: 'DictionaryEntry',
      key: 'accuracy (IMDB, split test)',
      value: '0.931',
    });
    const datasets = of('dataset_DatasetPackage');
    expect(datasets.map((d) => d.name)).toEqual(['stanfordnlp/imdb', 'acme/reviews-2024']);
    for (const d of datasets)
      for (const k of [
        'dataset_datasetType',
        'builtTime',
        'originatedBy',
        'releaseTime',
        'software_downloadLocation',
        'software_primaryPurpose',
      ])
        expect(d[k], k).toBeDefined();
    const files = of('software_File');
    expect(files.map((f) => f.name).sort()).toEqual(listFiles(dir));
    for (const f of files) expect(f.verifiedUsing[0].hashValue).toBe(sha256(join(dir, f.name)));
    const trained = of('Relationship').find((r) => r.relationshipType === 'trainedOn');
    expect(trained?.to).toHaveLength(2);
    const evil = files.find((f) => f.name === 'legacy/optimizer.pkl')!;
    const review = of('Annotation').find((a) => a.subject === evil.spdxId);
    expect(review?.statement).toMatch(/^warden scan: unsafe .*highest critical.*pickle\/dangerous-global/);
    expect(of('SpdxDocument')[0]?.profileConformance).toEqual(expect.arrayContaining(['ai', 'dataset']));
    for (const t of [...of('CreationInfo').map((c) => c.created), ai?.releaseTime])
      expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('the CLI writes both formats to a file and exits 1 with --fail-on high on the payload', async () => {
    const c = captureIO(dir);
    expect(await run(['bom', '.', '--format', 'spdx', '-o', 'bom.spdx.json'], c.io)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'bom.spdx.json'), 'utf8'))['@graph'].length).toBeGreaterThan(10);
    const d = captureIO(dir);
    expect(await run(['bom', '.', '--fail-on', 'high', '-o', 'bom.cdx.json'], d.io)).toBe(1);
    const e = captureIO(dir);
    expect(await run(['bom', 'missing-folder'], e.io)).toBe(2);
    expect(e.err()).toContain('no such file or folder');
    expect(relative(dir, join(dir, 'bom.cdx.json'))).toBe('bom.cdx.json');
  });
});

describe('warden bom reads every manifest kind the shared manifest module knows', () => {
  it('package-lock.json pins become components; an unreadable requirement becomes a note with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-bom-lock-'));
    writeFileSync(
      join(dir, 'package-lock.json'),
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'app' },
          'node_modules/onnxruntime-web': { version: '1.19.2' },
          'node_modules/vitest': { version: '2.1.4', dev: true },
        },
      }),
    );
    writeFileSync(join(dir, 'requirements-dev.txt'), 'pytest>=8\nnot a requirement!\n');
    const inv = await collectInventory(dir, { cwd: '/', limits: DEFAULT_LIMITS, tool: TOOL, concurrency: 1 });
    expect(inv.dependencies.map((d) => [d.name, d.version, d.spec, d.scope, d.sources])).toEqual([
      ['onnxruntime-web', '1.19.2', undefined, 'required', ['package-lock.json']],
      ['vitest', '2.1.4', undefined, 'dev', ['package-lock.json']],
      ['pytest', undefined, '>=8', 'required', ['requirements-dev.txt']],
    ]);
    expect(inv.model.notes).toEqual([
      "could not read requirements-dev.txt:2: cannot read requirement 'not a requirement!'",
    ]);
    const bom = buildCycloneDx(inv, { serialNumber: 'urn:uuid:00000000-0000-4000-8000-000000000001' }) as Json;
    await expectValidCycloneDx(bom);
    const libs = (bom.components as Json[]).filter((c) => c.type === 'library');
    expect(libs.find((c) => c.name === 'vitest')).toMatchObject({ purl: 'pkg:npm/vitest@2.1.4', scope: 'excluded' });
  });
});
