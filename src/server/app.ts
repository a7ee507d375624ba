import { randomUUID } from 'node:crypto';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { AlertsConfig } from '../alerts/config.js';
import type { ScheduleConfig } from '../monitor/analyses.js';
import type { Db } from '../store/db.js';
import { bearerResolver, type Env, type Need, type PrincipalResolver, requireRole } from './auth.js';
import { IngestQueue, type IngestQueueOptions } from './ingest-queue.js';
import { type Logger, silentLogger } from './logger.js';

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly need: Need;
  readonly summary: string;
}

export interface AppOptions {
  readonly db: Db;
  readonly logger?: Logger;
  /** Extra ways to find the caller (the dashboard adds its session cookie); bearer tokens always work. */
  readonly resolvers?: readonly PrincipalResolver[];
  readonly ingest?: IngestQueueOptions;
  readonly alerts?: AlertsConfig;
  readonly schedule?: ScheduleConfig;
  /** Largest request body in bytes for ordinary routes; ingestion routes allow `maxIngestBytes`. */
  readonly maxBodyBytes?: number;
  readonly maxIngestBytes?: number;
  /** How long a verified token is trusted without a lookup (revocation delay). Default 5 s. */
  readonly tokenCacheMs?: number;
}

export interface AppContext {
  readonly db: Db;
  readonly logger: Logger;
  readonly queue: IngestQueue;
  readonly resolvers: readonly PrincipalResolver[];
  readonly alerts?: AlertsConfig;
  readonly schedule?: ScheduleConfig;
  readonly maxBodyBytes: number;
  readonly maxIngestBytes: number;
}

export interface WardenApp {
  readonly app: Hono<Env>;
  readonly ctx: AppContext;
  /** Every registered route with the role it needs: the security tests walk this list. */
  readonly routes: RouteSpec[];
  /** Registers a route behind authentication for `need`, a body limit, and records it in `routes`. */
  route(spec: RouteSpec, ...handlers: MiddlewareHandler<Env>[]): void;
}

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function createApp(opts: AppOptions): WardenApp {
  const logger = opts.logger ?? silentLogger;
  const resolvers = [bearerResolver(opts.db, opts.tokenCacheMs), ...(opts.resolvers ?? [])];
  const ctx: AppContext = {
    db: opts.db,
    logger,
    queue: new IngestQueue(opts.db, opts.ingest),
    resolvers,
    ...(opts.alerts ? { alerts: opts.alerts } : {}),
    ...(opts.schedule ? { schedule: opts.schedule } : {}),
    maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024,
    maxIngestBytes: opts.maxIngestBytes ?? 16 * 1024 * 1024,
  };
  const app = new Hono<Env>();
  const routes: RouteSpec[] = [];

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
      crossOriginResourcePolicy: 'same-origin',
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
      // The dashboard sets its own (nonce-based) CSP on its pages; keep headers a route already set.
      overwrite: false,
    }),
  );
  app.use('*', async function accessLog(c, next) {
    const started = performance.now();
    const requestId = randomUUID();
    c.set('requestId', requestId);
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('X-Request-Id', requestId);
    // The path only: query strings and headers are never logged (either could carry a credential).
    logger.info('request', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      actor: c.get('principal')?.actor,
    });
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  app.onError((err, c) => {
    logger.error('unhandled error', { requestId: c.get('requestId'), path: c.req.path, error: err });
    return c.json({ error: { code: 'internal', message: 'internal error', requestId: c.get('requestId') } }, 500);
  });

  const route = (spec: RouteSpec, ...handlers: MiddlewareHandler<Env>[]) => {
    routes.push(spec);
    const limit = spec.need === 'ingest' ? ctx.maxIngestBytes : ctx.maxBodyBytes;
    app.on(
      spec.method,
      spec.path,
      requireRole(spec.need, resolvers),
      bodyLimit({
        maxSize: limit,
        onError: (c) => c.json({ error: { code: 'too_large', message: `body larger than ${limit} bytes` } }, 413),
      }),
      ...handlers,
    );
  };
  return { app, ctx, routes, route };
}

/** Parses a JSON body; `undefined` (after answering 400) when it is not JSON. */
export async function jsonBody(c: Context<Env>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

export const badRequest = (c: Context<Env>, message: string, details?: unknown) =>
  c.json({ error: { code: 'bad_request', message, ...(details === undefined ? {} : { details }) } }, 400);

export function intParam(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,15}$/.test(v)) return undefined;
  return Number(v);
}
