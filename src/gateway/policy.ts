import { parse as parseYaml } from 'yaml';
import { ROUTE_PATHS } from './routes.js';
import type { GatewayPolicy, RateLimit, RoutePolicy } from './types.js';

export const DEFAULT_ROUTE_POLICY: RoutePolicy = {
  input: { action: 'block', roles: ['user', 'tool', 'function'] },
  data: { action: 'redact', kinds: ['secret', 'pii'], detectors: [], minScore: 0.5, response: 'restore' },
  output: { action: 'block', detectData: true, allowedHosts: [], canaries: [], systemPromptLeak: true },
  stream: { holdback: 192, context: 128 },
  maxBodyBytes: 4 * 1024 * 1024,
  maxResponseBytes: 16 * 1024 * 1024,
};

export const DEFAULT_RATE: RateLimit = { requestsPerMinute: 600, tokensPerMinute: 1_000_000, burst: 1 };

// Embeddings have no completion to leak and no instructions a model follows; models is metadata only.
const ROUTE_DEFAULTS: Readonly<Record<string, Partial<Record<'input' | 'output', object>>>> = {
  '/v1/embeddings': { input: { action: 'log' }, output: { action: 'off' } },
  '/v1/models': { input: { action: 'off' }, output: { action: 'off' } },
};

export class GatewayPolicyError extends Error {
  override readonly name = 'GatewayPolicyError';
}

type Spec =
  | { t: 'enum'; values: readonly string[] }
  | { t: 'num'; min: number; max: number; int?: boolean }
  | { t: 'bool' }
  | { t: 'strings'; values?: readonly string[]; max: number }
  | { t: 'obj'; keys: Readonly<Record<string, Spec>> };

// The accepted keys, as data: unknown keys are errors because a misspelt key must never quietly weaken policy.
const ROUTE_SPEC: Spec = {
  t: 'obj',
  keys: {
    input: {
      t: 'obj',
      keys: {
        action: { t: 'enum', values: ['block', 'log', 'off'] },
        threshold: { t: 'num', min: 0, max: 1 },
        roles: { t: 'strings', max: 16 },
      },
    },
    data: {
      t: 'obj',
      keys: {
        action: { t: 'enum', values: ['block', 'redact', 'log', 'off'] },
        kinds: { t: 'strings', values: ['secret', 'pii'], max: 2 },
        detectors: { t: 'strings', max: 200 },
        minScore: { t: 'num', min: 0, max: 1 },
        response: { t: 'enum', values: ['restore', 'mask'] },
      },
    },
    output: {
      t: 'obj',
      keys: {
        action: { t: 'enum', values: ['block', 'redact', 'log', 'off'] },
        threshold: { t: 'num', min: 0, max: 1 },
        detectData: { t: 'bool' },
        allowedHosts: { t: 'strings', max: 1000 },
        canaries: { t: 'strings', max: 1000 },
        systemPromptLeak: { t: 'bool' },
      },
    },
    stream: {
      t: 'obj',
      keys: {
        holdback: { t: 'num', min: 0, max: 65_536, int: true },
        context: { t: 'num', min: 0, max: 65_536, int: true },
      },
    },
    maxBodyBytes: { t: 'num', min: 1, max: 1024 ** 3, int: true },
    maxResponseBytes: { t: 'num', min: 1, max: 1024 ** 3, int: true },
  },
};

const ROUTES_SPEC: Spec = { t: 'obj', keys: Object.fromEntries(ROUTE_PATHS.map((p) => [p, ROUTE_SPEC])) };

const POLICY_SPEC: Spec = {
  t: 'obj',
  keys: {
    version: { t: 'num', min: 1, max: 1, int: true },
    defaults: ROUTE_SPEC,
    routes: ROUTES_SPEC,
    rate: {
      t: 'obj',
      keys: {
        requestsPerMinute: { t: 'num', min: 0, max: 1e9 },
        tokensPerMinute: { t: 'num', min: 0, max: 1e12 },
        burst: { t: 'num', min: 0.01, max: 1000 },
      },
    },
    upstreamTimeoutMs: { t: 'num', min: 1, max: 3_600_000, int: true },
    idleTimeoutMs: { t: 'num', min: 1, max: 3_600_000, int: true },
  },
};

function check(v: unknown, spec: Spec, at: string, errors: string[]): void {
  const where = at || '(top level)';
  switch (spec.t) {
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) errors.push(`${where}: one of ${spec.values.join(', ')}`);
      return;
    case 'num':
      if (
        typeof v !== 'number' ||
        !Number.isFinite(v) ||
        v < spec.min ||
        v > spec.max ||
        (spec.int && !Number.isInteger(v))
      )
        errors.push(`${where}: a${spec.int ? ' whole' : ''} number from ${spec.min} to ${spec.max}`);
      return;
    case 'bool':
      if (typeof v !== 'boolean') errors.push(`${where}: true or false`);
      return;
    case 'strings':
      if (!Array.isArray(v) || v.length > spec.max || !v.every((s) => typeof s === 'string' && s.length <= 4096)) {
        errors.push(`${where}: a list of at most ${spec.max} strings`);
      } else if (spec.values) {
        for (const s of v) if (!spec.values.includes(s)) errors.push(`${where}: '${s}' is not one of ${spec.values}`);
      }
      return;
    case 'obj': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        errors.push(`${where}: a mapping`);
        return;
      }
      for (const [k, x] of Object.entries(v)) {
        const sub = Object.hasOwn(spec.keys, k) ? spec.keys[k] : undefined;
        if (!sub) errors.push(`${at ? `${at}.` : ''}${k}: unknown key (known: ${Object.keys(spec.keys).join(', ')})`);
        else check(x, sub, at ? `${at}.${k}` : k, errors);
      }
    }
  }
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});

function mergeRoute(base: RoutePolicy, over: Raw): RoutePolicy {
  return {
    input: { ...base.input, ...obj(over.input) },
    data: { ...base.data, ...obj(over.data) },
    output: { ...base.output, ...obj(over.output) },
    stream: { ...base.stream, ...obj(over.stream) },
    maxBodyBytes: (over.maxBodyBytes as number | undefined) ?? base.maxBodyBytes,
    maxResponseBytes: (over.maxResponseBytes as number | undefined) ?? base.maxResponseBytes,
  } as RoutePolicy;
}

function buildPolicy(raw: Raw): GatewayPolicy {
  const defaults = mergeRoute(DEFAULT_ROUTE_POLICY, obj(raw.defaults));
  const routesRaw = obj(raw.routes);
  const routes: Record<string, RoutePolicy> = {};
  for (const p of ROUTE_PATHS) {
    // Built-in per-route defaults sit between `defaults` and the file's own section for that route.
    routes[p] = mergeRoute(mergeRoute(defaults, obj(ROUTE_DEFAULTS[p])), obj(routesRaw[p]));
  }
  return {
    defaults,
    routes,
    rate: { ...DEFAULT_RATE, ...obj(raw.rate) } as RateLimit,
    upstreamTimeoutMs: (raw.upstreamTimeoutMs as number | undefined) ?? 60_000,
    idleTimeoutMs: (raw.idleTimeoutMs as number | undefined) ?? 30_000,
  };
}

/** Parses a gateway policy (YAML or JSON). Every problem is reported at once; throws GatewayPolicyError. */
export function parseGatewayPolicy(text: string): GatewayPolicy {
  if (text.length > 1024 * 1024) throw new GatewayPolicyError('policy file is larger than 1 MiB');
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true }) ?? {};
  } catch (e) {
    throw new GatewayPolicyError(`YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const errors: string[] = [];
  check(raw, POLICY_SPEC, '', errors);
  if (errors.length > 0) throw new GatewayPolicyError(errors.join('\n'));
  return buildPolicy(raw as Raw);
}

/** The same policy object with overrides applied in code (tests, library users). */
export function gatewayPolicy(raw: Raw = {}): GatewayPolicy {
  const errors: string[] = [];
  check(raw, POLICY_SPEC, '', errors);
  if (errors.length > 0) throw new GatewayPolicyError(errors.join('\n'));
  return buildPolicy(raw);
}

/** The built-in policy: block injections and leaks, redact secrets/PII in requests and restore them. */
export const DEFAULT_POLICY: GatewayPolicy = buildPolicy({});
