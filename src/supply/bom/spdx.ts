import { randomUUID } from 'node:crypto';
import { purlOf } from '../manifests/index.js';
import type { BomFile, BomInventory } from './types.js';

type Json = Record<string, unknown>;

export interface SpdxOptions {
  readonly documentId?: string;
}

const NO_ASSERTION_ELEMENT = 'https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement';
/** Package fields SPDX makes mandatory for AI and dataset packages but a folder cannot tell. */
const NO_ASSERTION = 'NOASSERTION';

const PURPOSE: Record<BomFile['kind'], string> = {
  model: 'model',
  data: 'data',
  config: 'configuration',
  code: 'source',
  doc: 'documentation',
  other: 'other',
};

/**
 * SPDX 3.0.1 JSON-LD with the AI and Dataset profiles: the model as an `ai_AIPackage` that
 * `contains` its files (`software_File` with SHA-256), is `trainedOn` the declared datasets
 * (`dataset_DatasetPackage`) and `dependsOn` the declared libraries; each file's scan verdict is a
 * `review` Annotation. AI and dataset packages have mandatory fields (release time, supplier,
 * download location, version) a folder cannot know: they carry NOASSERTION / NoAssertionElement,
 * and the release time is the newest file's modification time (docs/bom.md says so).
 */
export function buildSpdx(inv: BomInventory, opts: SpdxOptions = {}): Json {
  const ns = `https://spdx.org/spdxdocs/warden-${slug(inv.rootName)}-${opts.documentId ?? randomUUID()}/`;
  const ci = '_:creationinfo';
  const graph: Json[] = [];
  const el = (type: string, id: string, props: Json): string => {
    graph.push({ type, spdxId: ns + id, creationInfo: ci, ...props });
    return ns + id;
  };
  const created = spdxTime(inv.generatedAt);
  const released = spdxTime(inv.newestFileTime);
  const agent = `${ns}agent`;
  const tool = `${ns}tool`;
  graph.push({
    type: 'CreationInfo',
    '@id': ci,
    specVersion: '3.0.1',
    created,
    createdBy: [agent],
    createdUsing: [tool],
  });
  graph.push({ type: 'SoftwareAgent', spdxId: agent, creationInfo: ci, name: inv.tool.name });
  graph.push({ type: 'Tool', spdxId: tool, creationInfo: ci, name: `${inv.tool.name} ${inv.tool.version}` });

  const m = inv.model;
  const dict = (pairs: readonly (readonly [string, string])[]) =>
    pairs.map(([key, value]) => ({ type: 'DictionaryEntry', key, value }));
  const model = el('ai_AIPackage', 'model', {
    name: m.name ?? inv.rootName,
    ...(m.description ? { description: m.description } : {}),
    software_packageVersion: NO_ASSERTION,
    software_downloadLocation: NO_ASSERTION,
    software_primaryPurpose: 'model',
    releaseTime: released,
    suppliedBy: NO_ASSERTION_ELEMENT,
    ...(m.modelArchitecture || m.architectureFamily
      ? { ai_typeOfModel: [m.modelArchitecture, m.architectureFamily].filter((x): x is string => Boolean(x)) }
      : {}),
    ...(m.task ? { ai_domain: [m.task] } : {}),
    ...(m.metrics.length
      ? { ai_metric: dict(m.metrics.map((x) => [x.slice ? `${x.type} (${x.slice})` : x.type, x.value] as const)) }
      : {}),
    ...(m.properties.length ? { ai_hyperparameter: dict(m.properties) } : {}),
    ...(m.technicalLimitations.length ? { ai_limitation: m.technicalLimitations.join('\n') } : {}),
    ...(m.useCases.length ? { ai_informationAboutApplication: m.useCases.join('\n') } : {}),
    ...(m.datasets.length ? { ai_informationAboutTraining: `datasets: ${m.datasets.join(', ')}` } : {}),
    ...(m.ethicalConsiderations.length ? { comment: `Risks and bias: ${m.ethicalConsiderations.join('\n')}` } : {}),
  });
  const rel = (from: string, relationshipType: string, to: readonly string[]) => {
    if (to.length) el('Relationship', `relationship-${graph.length}`, { from, relationshipType, to: [...to] });
  };

  const files = inv.files.map((f, i) => {
    const id = el('software_File', `file-${i}`, {
      name: f.path,
      software_primaryPurpose: PURPOSE[f.kind],
      software_fileKind: 'file',
      ...(f.sha256 ? { verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: f.sha256 }] } : {}),
    });
    const v = f.verdict;
    el('Annotation', `scan-${i}`, {
      annotationType: 'review',
      subject: id,
      statement:
        `warden scan: ${v.verdict} (status ${v.status}, format ${f.format}, ${v.findingCount} finding(s)` +
        `${v.highestSeverity ? `, highest ${v.highestSeverity}` : ''}${v.ruleIds.length ? `, rules ${v.ruleIds.join(' ')}` : ''})`,
    });
    return id;
  });
  rel(model, 'contains', files);

  const datasets = m.datasets.map((d, i) =>
    el('dataset_DatasetPackage', `dataset-${i}`, {
      name: d,
      software_primaryPurpose: 'data',
      software_downloadLocation: /^[\w.-]+(\/[\w.-]+)?$/.test(d)
        ? `https://huggingface.co/datasets/${d}`
        : NO_ASSERTION,
      dataset_datasetType: ['noAssertion'],
      releaseTime: released,
      builtTime: released,
      originatedBy: [NO_ASSERTION_ELEMENT],
    }),
  );
  rel(model, 'trainedOn', datasets);

  const libs = inv.dependencies.map((d, i) =>
    el('software_Package', `package-${i}`, {
      name: d.name,
      ...(d.version ? { software_packageVersion: d.version } : {}),
      software_packageUrl: purlOf(d.ecosystem, d.name, d.version),
      software_primaryPurpose: 'library',
      ...(d.spec ? { comment: `declared as ${d.spec} in ${d.sources.join(', ')}` } : {}),
    }),
  );
  rel(model, 'dependsOn', libs);

  const licenses = m.licenses.map((l, i) =>
    el('simplelicensing_LicenseExpression', `license-${i}`, {
      simplelicensing_licenseExpression: l,
    }),
  );
  rel(model, 'hasDeclaredLicense', licenses);

  const elements = graph.filter((g) => typeof g.spdxId === 'string').map((g) => g.spdxId as string);
  const sbom = `${ns}sbom`;
  graph.push({
    type: 'software_Sbom',
    spdxId: sbom,
    creationInfo: ci,
    name: `AI BOM of ${inv.rootName}`,
    software_sbomType: ['analyzed'],
    profileConformance: ['core', 'software', 'ai', 'dataset', 'simpleLicensing'],
    rootElement: [model],
    element: elements,
  });
  graph.push({
    type: 'SpdxDocument',
    spdxId: `${ns}document`,
    creationInfo: ci,
    name: `AI BOM of ${inv.rootName}`,
    profileConformance: ['core', 'software', 'ai', 'dataset', 'simpleLicensing'],
    rootElement: [sbom],
    element: [...elements, sbom],
  });
  return { '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': graph };
}

/** SPDX 3 DateTime: UTC, whole seconds, `Z`. */
function spdxTime(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'bom';
}
