import {
  createToken,
  createUser,
  listTokens,
  listUsers,
  revokeToken,
  type TokenRole,
  USER_ROLES,
  type UserRole,
} from '../../store/auth-repo.js';
import { addBom, addModelVersion, addSignature, getModel, listModels, upsertModel } from '../../store/models-repo.js';
import { badRequest, intParam, jsonBody, type WardenApp } from '../app.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const TOKEN_ROLES: readonly TokenRole[] = ['ingest', ...USER_ROLES];
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,127}$/;
const s = (o: Obj, k: string, max = 500) => (typeof o[k] === 'string' ? (o[k] as string).slice(0, max) : undefined);

export function adminRoutes(w: WardenApp): void {
  const { ctx } = w;
  w.route({ method: 'GET', path: '/v1/models', need: 'viewer', summary: 'model inventory' }, async (c) =>
    c.json({ models: await listModels(ctx.db) }),
  );
  w.route(
    { method: 'GET', path: '/v1/models/:name', need: 'viewer', summary: 'one model: versions, signatures, BOMs, runs' },
    async (c) => {
      const m = await getModel(ctx.db, c.req.param('name') ?? '');
      return m ? c.json({ model: m }) : c.json({ error: { code: 'not_found', message: 'no such model' } }, 404);
    },
  );
  w.route(
    {
      method: 'POST',
      path: '/v1/models',
      need: 'admin',
      summary: 'register a model version with its signature and BOM',
    },
    async (c) => {
      const b = await jsonBody(c);
      if (!isObj(b) || !s(b, 'name') || !s(b, 'version'))
        return badRequest(c, 'expected {name, version, digest?, format?, source?, signature?, bom?}');
      const result = await ctx.db.transaction(async (tx) => {
        const modelId = await upsertModel(tx, s(b, 'name')!, {
          ...(s(b, 'description') ? { description: s(b, 'description')! } : {}),
          ...(s(b, 'owner') ? { owner: s(b, 'owner')! } : {}),
        });
        const versionId = await addModelVersion(tx, modelId, {
          version: s(b, 'version', 128)!,
          ...(s(b, 'digest') ? { digest: s(b, 'digest')! } : {}),
          ...(s(b, 'format') ? { format: s(b, 'format')! } : {}),
          ...(s(b, 'source') ? { source: s(b, 'source')! } : {}),
        });
        if (isObj(b.signature) && s(b.signature, 'kind')) {
          await addSignature(tx, versionId, {
            kind: s(b.signature, 'kind')!,
            verified: b.signature.verified === true,
            ...(s(b.signature, 'identity') ? { identity: s(b.signature, 'identity')! } : {}),
          });
        }
        if (isObj(b.bom) && s(b.bom, 'format')) {
          await addBom(tx, versionId, {
            format: s(b.bom, 'format')!,
            ...(s(b.bom, 'serial') ? { serial: s(b.bom, 'serial')! } : {}),
            ...(s(b.bom, 'uri') ? { uri: s(b.bom, 'uri')! } : {}),
          });
        }
        return { modelId, versionId };
      });
      return c.json(result, 201);
    },
  );
  w.route({ method: 'GET', path: '/v1/tokens', need: 'admin', summary: 'API tokens (never the secrets)' }, async (c) =>
    c.json({ tokens: await listTokens(ctx.db) }),
  );
  w.route(
    { method: 'POST', path: '/v1/tokens', need: 'admin', summary: 'create an API token (shown once)' },
    async (c) => {
      const b = await jsonBody(c);
      if (!isObj(b) || !s(b, 'name') || !NAME.test(s(b, 'name')!) || !TOKEN_ROLES.includes(b.role as TokenRole)) {
        return badRequest(c, `expected {name, role: ${TOKEN_ROLES.join('|')}, expiresAt?}`);
      }
      const expires = s(b, 'expiresAt') ? new Date(Date.parse(s(b, 'expiresAt')!)) : undefined;
      if (expires && !Number.isFinite(expires.getTime())) return badRequest(c, 'expiresAt: ISO date');
      const t = await createToken(ctx.db, {
        name: s(b, 'name')!,
        role: b.role as TokenRole,
        ...(expires ? { expiresAt: expires } : {}),
      });
      ctx.logger.info('token created', { tokenId: t.id, by: c.get('principal').actor });
      return c.json(t, 201);
    },
  );
  w.route({ method: 'DELETE', path: '/v1/tokens/:id', need: 'admin', summary: 'revoke a token' }, async (c) => {
    const id = intParam(c.req.param('id'));
    if (id === undefined) return badRequest(c, 'bad id');
    const ok = await revokeToken(ctx.db, id);
    ctx.logger.info('token revoked', { tokenId: id, by: c.get('principal').actor });
    return ok ? c.json({ ok }) : c.json({ error: { code: 'not_found', message: 'no such active token' } }, 404);
  });
  w.route({ method: 'GET', path: '/v1/users', need: 'admin', summary: 'dashboard users' }, async (c) =>
    c.json({ users: await listUsers(ctx.db) }),
  );
  w.route({ method: 'POST', path: '/v1/users', need: 'admin', summary: 'create a dashboard user' }, async (c) => {
    const b = await jsonBody(c);
    const password = isObj(b) ? s(b, 'password', 1024) : undefined;
    if (!isObj(b) || !s(b, 'name') || !NAME.test(s(b, 'name')!) || !USER_ROLES.includes(b.role as UserRole)) {
      return badRequest(c, `expected {name, role: ${USER_ROLES.join('|')}, password}`);
    }
    if (!password || password.length < 12) return badRequest(c, 'password: at least 12 characters');
    try {
      const u = await createUser(ctx.db, s(b, 'name')!, b.role as UserRole, password);
      return c.json({ user: u }, 201);
    } catch (e) {
      if (/duplicate|unique/i.test((e as Error).message))
        return c.json({ error: { code: 'conflict', message: 'user exists' } }, 409);
      throw e;
    }
  });
}
