import { randomUUID } from 'node:crypto';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { maxSeverity, type Severity } from '../../core/severity.js';
import { purlOf } from '../manifests/index.js';
import { fileProperties } from './facts.js';
import type { BomDependency, BomFile, BomInventory, ModelFacts } from './types.js';

const { ComponentType, ComponentScope, ExternalReferenceType, HashAlgorithm } = CDX.Enums;

export interface CycloneDxOptions {
  /** Fixed for reproducible output in tests; a random UUID otherwise. */
  readonly serialNumber?: string;
}

type Json = Record<string, unknown>;

/**
 * CycloneDX 1.6 JSON. The library builds and normalises every part it models (components,
 * hashes, licenses, purls, properties, the dependency graph); `modelCard` and a dataset's `data`
 * have no classes there, so they are added to the normalised JSON afterwards, next to the
 * component they describe. The library's strict validator and the official schema accept both.
 */
export function buildCycloneDx(inv: BomInventory, opts: CycloneDxOptions = {}): Json {
  const bom = new CDX.Models.Bom();
  bom.serialNumber = opts.serialNumber ?? `urn:uuid:${randomUUID()}`;
  bom.metadata.timestamp = new Date(inv.generatedAt);
  bom.metadata.tools.components.add(
    new CDX.Models.Component(ComponentType.Application, inv.tool.name, { version: inv.tool.version }),
  );
  const m = inv.model;
  const model = new CDX.Models.Component(ComponentType.MachineLearningModel, m.name ?? inv.rootName, {
    bomRef: 'model',
    ...(m.description ? { description: m.description } : {}),
  });
  for (const l of m.licenses) model.licenses.add(license(l));
  const verdict = worst(inv.files);
  model.properties.add(new CDX.Models.Property('warden:scan:verdict', verdict.verdict));
  if (verdict.severity) model.properties.add(new CDX.Models.Property('warden:scan:highestSeverity', verdict.severity));
  bom.metadata.component = model;

  for (const f of inv.files) {
    const c = fileComponent(f);
    bom.components.add(c);
    model.dependencies.add(c.bomRef);
  }
  for (const id of m.datasets) {
    const c = new CDX.Models.Component(ComponentType.Data, id, { bomRef: datasetRef(id) });
    if (hubId(id))
      c.externalReferences.add(
        new CDX.Models.ExternalReference(hubUrl('datasets/', id), ExternalReferenceType.Distribution),
      );
    bom.components.add(c);
    model.dependencies.add(c.bomRef);
  }
  for (const id of m.baseModels) {
    const c = new CDX.Models.Component(ComponentType.MachineLearningModel, id, { bomRef: `base-model:${id}` });
    c.properties.add(new CDX.Models.Property('warden:relationship', 'base-model'));
    if (hubId(id))
      c.externalReferences.add(new CDX.Models.ExternalReference(hubUrl('', id), ExternalReferenceType.Distribution));
    bom.components.add(c);
    model.dependencies.add(c.bomRef);
  }
  for (const d of inv.dependencies) {
    const c = libraryComponent(d);
    bom.components.add(c);
    model.dependencies.add(c.bomRef);
  }

  const factory = new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6);
  const json = factory.makeForBom().normalize(bom, { sortLists: true }) as unknown as Json;
  const card = modelCard(m);
  if (card) (json.metadata as Json & { component: Json }).component.modelCard = card;
  for (const c of (json.components ?? []) as Json[]) {
    const ref = c['bom-ref'];
    if (typeof ref === 'string' && ref.startsWith('dataset:')) c.data = [datasetData(ref.slice('dataset:'.length))];
  }
  return json;
}

function fileComponent(f: BomFile): CDX.Models.Component {
  const type =
    f.kind === 'model'
      ? ComponentType.MachineLearningModel
      : f.kind === 'data'
        ? ComponentType.Data
        : ComponentType.File;
  const c = new CDX.Models.Component(type, f.path, { bomRef: `file:${f.path}` });
  if (f.sha256) c.hashes.set(HashAlgorithm['SHA-256'], f.sha256);
  const v = f.verdict;
  const props: [string, string][] = [
    ['warden:file:size', String(f.size)],
    ['warden:file:format', f.format],
    ['warden:file:kind', f.kind],
    ['warden:scan:verdict', v.verdict],
    ['warden:scan:status', v.status],
    ['warden:scan:findings', String(v.findingCount)],
    ...(v.highestSeverity ? [['warden:scan:highestSeverity', v.highestSeverity] as [string, string]] : []),
    ...(v.ruleIds.length ? [['warden:scan:rules', v.ruleIds.join(',')] as [string, string]] : []),
    ...fileProperties(f),
  ];
  for (const [k, val] of props) c.properties.add(new CDX.Models.Property(k, val));
  return c;
}

function libraryComponent(d: BomDependency): CDX.Models.Component {
  const scoped = d.ecosystem === 'npm' && d.name.startsWith('@') && d.name.includes('/');
  const group = scoped ? d.name.slice(0, d.name.indexOf('/')) : undefined;
  const name = scoped ? d.name.slice(d.name.indexOf('/') + 1) : d.name;
  const purl = purlOf(d.ecosystem, d.name, d.version);
  const c = new CDX.Models.Component(ComponentType.Library, name, {
    bomRef: `${purl}${d.version ? '' : `#${d.sources[0] ?? ''}`}`,
    purl,
    ...(group ? { group } : {}),
    ...(d.version ? { version: d.version } : {}),
    scope:
      d.scope === 'required'
        ? ComponentScope.Required
        : d.scope === 'optional'
          ? ComponentScope.Optional
          : ComponentScope.Excluded,
  });
  if (d.spec) c.properties.add(new CDX.Models.Property('warden:dependency:constraint', d.spec));
  c.properties.add(new CDX.Models.Property('warden:dependency:scope', d.scope));
  for (const s of d.sources) c.properties.add(new CDX.Models.Property('warden:dependency:source', s));
  return c;
}

/** CycloneDX 1.6 `modelCard`, from what the card, configs and weights said; undefined if nothing. */
export function modelCard(m: ModelFacts): Json | undefined {
  const params: Json = {};
  if (m.task) params.task = m.task;
  if (m.architectureFamily) params.architectureFamily = m.architectureFamily;
  if (m.modelArchitecture) params.modelArchitecture = m.modelArchitecture;
  if (m.datasets.length) params.datasets = m.datasets.map((id) => ({ ref: datasetRef(id) }));
  if (m.inputs.length) params.inputs = m.inputs.map((format) => ({ format }));
  if (m.outputs.length) params.outputs = m.outputs.map((format) => ({ format }));
  const card: Json = { 'bom-ref': 'model-card' };
  if (Object.keys(params).length) card.modelParameters = params;
  if (m.metrics.length) card.quantitativeAnalysis = { performanceMetrics: m.metrics.map((x) => ({ ...x })) };
  const considerations: Json = {};
  if (m.useCases.length) considerations.useCases = m.useCases;
  if (m.technicalLimitations.length) considerations.technicalLimitations = m.technicalLimitations;
  if (m.ethicalConsiderations.length)
    considerations.ethicalConsiderations = m.ethicalConsiderations.map((name) => ({ name }));
  if (Object.keys(considerations).length) card.considerations = considerations;
  const props: [string, string][] = [
    ...m.baseModels.map((b) => ['huggingface:base_model', b] as [string, string]),
    ...m.languages.map((l) => ['huggingface:language', l] as [string, string]),
    ...m.tags.map((t) => ['huggingface:tag', t] as [string, string]),
    ...(m.libraryName ? [['huggingface:library_name', m.libraryName] as [string, string]] : []),
    ...m.properties,
  ];
  if (props.length) card.properties = props.map(([name, value]) => ({ name, value }));
  return Object.keys(card).length > 1 ? card : undefined;
}

function datasetData(id: string): Json {
  return {
    type: 'dataset',
    name: id,
    ...(hubId(id) ? { contents: { url: hubUrl('datasets/', id) } } : {}),
  };
}

/** SPDX ids become `license.id`; anything else (`llama3`, `other`) a named license. */
function license(l: string): CDX.Models.License {
  const id = CDX.SPDX.fixupSpdxId(l);
  return id ? new CDX.Models.SpdxLicense(id) : new CDX.Models.NamedLicense(l);
}

const datasetRef = (id: string) => `dataset:${id}`;
const hubId = (id: string) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$/.test(id);
const hubUrl = (prefix: string, id: string) => `https://huggingface.co/${prefix}${id}`;

function worst(files: readonly BomFile[]): { verdict: string; severity?: Severity } {
  const severity = maxSeverity(files.flatMap((f) => (f.verdict.highestSeverity ? [f.verdict.highestSeverity] : [])));
  const order = ['unsafe', 'suspicious', 'error', 'clean', 'not-scanned'];
  const verdict = order.find((v) => files.some((f) => f.verdict.verdict === v)) ?? 'not-scanned';
  return severity ? { verdict, severity } : { verdict };
}
