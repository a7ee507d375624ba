import type { Db } from '../../store/db.js';
import { getModel, listModels } from '../../store/models-repo.js';
import { h, type Safe, show } from '../html.js';
import { type PageContext, page } from '../layout.js';

export async function modelsPage(ctx: PageContext, db: Db): Promise<Safe> {
  const models = await listModels(db);
  const body = h`<h1>Model inventory</h1>
${
  models.length
    ? h`<table id="models"><tr><th>Model</th><th>Owner</th><th>Versions</th><th>Latest version</th><th>Description</th></tr>
${models.map(
  (
    m,
  ) => h`<tr><td><a href="/ui/models/${encodeURIComponent(String(m.name))}">${show(m.name)}</a></td><td>${show(m.owner)}</td>
<td class="num">${show(m.versions)}</td><td>${show(m.latest_version_at)}</td><td>${show(m.description)}</td></tr>`,
)}</table>`
    : h`<p class="muted">No models recorded yet. Scans that name a model version add it here.</p>`
}`;
  return page(ctx, 'Models', '/ui/models', body);
}

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

export async function modelPage(ctx: PageContext, db: Db, name: string): Promise<Safe | undefined> {
  const model = await getModel(db, name);
  if (!model) return undefined;
  const versions = list(model.versions);
  const body = h`<h1>Model ${show(model.name)}</h1>
<p>${show(model.description)} <span class="muted">owner ${show(model.owner)} · recorded ${show(model.created_at)}</span></p>
<p><a href="/ui/drift/${encodeURIComponent(name)}">Drift charts for this model</a></p>
${versions.map((v) => {
  const sigs = list(v.signatures);
  const boms = list(v.boms);
  const runs = list(v.runs);
  return h`<section class="version"><h2>Version ${show(v.version)}</h2>
<table><tr><th>Digest</th><td class="mono">${show(v.digest)}</td></tr><tr><th>Format</th><td>${show(v.format)}</td></tr>
<tr><th>Source</th><td class="mono">${show(v.source)}</td></tr><tr><th>Recorded</th><td>${show(v.created_at)}</td></tr></table>
<h3>Signatures</h3>${
    sigs.length
      ? h`<table class="signatures"><tr><th>Kind</th><th>Identity</th><th>Verified</th><th>When</th></tr>${sigs.map(
          (s) => h`<tr><td>${show(s.kind)}</td><td class="mono">${show(s.identity)}</td>
<td>${s.verified ? 'verified' : h`<strong>not verified</strong>`}</td><td>${show(s.verifiedAt)}</td></tr>`,
        )}</table>`
      : h`<p class="muted">Unsigned.</p>`
  }
<h3>Bill of materials</h3>${
    boms.length
      ? h`<table class="boms"><tr><th>Format</th><th>Serial</th><th>Location</th></tr>${boms.map(
          (b) =>
            h`<tr><td>${show(b.format)}</td><td class="mono">${show(b.serial)}</td><td class="mono">${show(b.uri)}</td></tr>`,
        )}</table>`
      : h`<p class="muted">No BOM recorded.</p>`
  }
<h3>Scans and audits</h3>${
    runs.length
      ? h`<table class="runs"><tr><th>Run</th><th>Kind</th><th>Started</th><th>Status</th></tr>${runs.map(
          (r) => h`<tr><td><a href="/ui/findings?run=${show(r.id)}">#${show(r.id)}</a></td><td>${show(r.kind)}</td>
<td>${show(r.startedAt)}</td><td>${show(r.status)}</td></tr>`,
        )}</table>`
      : h`<p class="muted">Not scanned yet.</p>`
  }</section>`;
})}`;
  return page(ctx, `Model ${name}`, '/ui/models', body);
}
