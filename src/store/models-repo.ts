import type { Queryable } from './db.js';

export async function upsertModel(q: Queryable, name: string, opts: { description?: string; owner?: string } = {}) {
  const r = await q.query<{ id: string }>(
    `INSERT INTO models (name, description, owner) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET description = COALESCE(EXCLUDED.description, models.description),
                                      owner = COALESCE(EXCLUDED.owner, models.owner)
     RETURNING id`,
    [name, opts.description ?? null, opts.owner ?? null],
  );
  return Number(r.rows[0]!.id);
}

export async function addModelVersion(
  q: Queryable,
  modelId: number,
  v: { version: string; digest?: string; format?: string; source?: string },
): Promise<number> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO model_versions (model_id, version, digest, format, source) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (model_id, version) DO UPDATE SET digest = COALESCE(EXCLUDED.digest, model_versions.digest),
       format = COALESCE(EXCLUDED.format, model_versions.format), source = COALESCE(EXCLUDED.source, model_versions.source)
     RETURNING id`,
    [modelId, v.version, v.digest ?? null, v.format ?? null, v.source ?? null],
  );
  return Number(r.rows[0]!.id);
}

export async function addSignature(
  q: Queryable,
  versionId: number,
  s: { kind: string; identity?: string; verified: boolean; detail?: unknown },
): Promise<number> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO model_signatures (model_version_id, kind, identity, verified, detail)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [versionId, s.kind, s.identity ?? null, s.verified, s.detail === undefined ? null : JSON.stringify(s.detail)],
  );
  return Number(r.rows[0]!.id);
}

export async function addBom(
  q: Queryable,
  versionId: number,
  b: { format: string; serial?: string; uri?: string; document?: unknown },
): Promise<number> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO model_boms (model_version_id, format, serial, uri, document) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [
      versionId,
      b.format,
      b.serial ?? null,
      b.uri ?? null,
      b.document === undefined ? null : JSON.stringify(b.document),
    ],
  );
  return Number(r.rows[0]!.id);
}

export async function listModels(q: Queryable): Promise<Record<string, unknown>[]> {
  const r = await q.query(
    `SELECT m.id, m.name, m.description, m.owner, m.created_at,
            count(DISTINCT v.id) AS versions, max(v.created_at) AS latest_version_at
     FROM models m LEFT JOIN model_versions v ON v.model_id = m.id
     GROUP BY m.id ORDER BY m.name`,
  );
  return r.rows.map((x) => ({ ...x, versions: Number(x.versions) }));
}

/** One model with its versions, each with signatures, BOM links and runs. */
export async function getModel(q: Queryable, name: string): Promise<Record<string, unknown> | undefined> {
  const m = await q.query<{ id: string }>(
    'SELECT id, name, description, owner, created_at FROM models WHERE name = $1',
    [name],
  );
  const model = m.rows[0];
  if (!model) return undefined;
  const versions = await q.query<{ id: string }>(
    `SELECT v.id, v.version, v.digest, v.format, v.source, v.created_at,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('kind', s.kind, 'identity', s.identity, 'verified', s.verified,
                 'verifiedAt', s.verified_at) ORDER BY s.id) FROM model_signatures s WHERE s.model_version_id = v.id), '[]') AS signatures,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('format', b.format, 'serial', b.serial, 'uri', b.uri) ORDER BY b.id)
                 FROM model_boms b WHERE b.model_version_id = v.id), '[]') AS boms,
       COALESCE((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'kind', r.kind, 'startedAt', r.started_at, 'status', r.status)
                 ORDER BY r.id) FROM runs r WHERE r.model_version_id = v.id), '[]') AS runs
     FROM model_versions v WHERE v.model_id = $1 ORDER BY v.created_at, v.id`,
    [model.id],
  );
  return { ...model, versions: versions.rows };
}
