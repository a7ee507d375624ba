/** The OpenAI-compatible surface the gateway serves. Anything else is a 404 in OpenAI's error shape. */
export type RouteKind = 'chat' | 'completions' | 'responses' | 'embeddings' | 'models';

export interface RouteSpec {
  readonly path: string;
  readonly kind: RouteKind;
  readonly methods: readonly string[];
  /** Whether the route takes a JSON body that is scanned (and may ask for `stream: true`). */
  readonly body: boolean;
}

export const ROUTES: readonly RouteSpec[] = [
  { path: '/v1/chat/completions', kind: 'chat', methods: ['POST'], body: true },
  { path: '/v1/completions', kind: 'completions', methods: ['POST'], body: true },
  { path: '/v1/responses', kind: 'responses', methods: ['POST'], body: true },
  { path: '/v1/embeddings', kind: 'embeddings', methods: ['POST'], body: true },
  { path: '/v1/models', kind: 'models', methods: ['GET'], body: false },
];

export const ROUTE_PATHS: readonly string[] = ROUTES.map((r) => r.path);

/**
 * Matches a request path to a route. `/v1/models/{id}` is the model lookup and shares the models policy;
 * query strings are ignored for matching but forwarded.
 */
export function matchRoute(url: string): RouteSpec | undefined {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  for (const r of ROUTES) {
    if (path === r.path) return r;
    if (r.kind === 'models' && path.startsWith('/v1/models/') && path.length > 11 && !path.includes('/', 11)) return r;
  }
  return undefined;
}
