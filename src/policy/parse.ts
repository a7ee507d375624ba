import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { err, ok, type Result } from '../core/result.js';
import type { Severity } from '../core/severity.js';
import type { AdvisoryIgnore, Override, Policy, PolicyError, Suppression, Threshold } from './types.js';
// The one copy of the schema; docs/warden.schema.json is kept equal to it by a test.
import schema from './warden.schema.json' with { type: 'json' };

// ajv-formats is CommonJS with a `default` property; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

/** A policy file larger than this is refused: warden.yaml is a page of settings, not data. */
export const MAX_POLICY_BYTES = 1024 * 1024;

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator() {
  compiled ??= addFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })).compile(schema);
  return compiled;
}

export const POLICY_SCHEMA: Readonly<Record<string, unknown>> = schema;

/**
 * Parses and validates warden.yaml. Every problem comes back at once, each with the line and
 * column to fix; unknown keys are errors because a misspelt key must never quietly weaken policy.
 */
export function parsePolicy(text: string, file: string): Result<Policy, PolicyError[]> {
  if (text.length > MAX_POLICY_BYTES) {
    return err([{ file, message: `policy file is larger than ${MAX_POLICY_BYTES} bytes` }]);
  }
  const lineCounter = new LineCounter();
  // maxAliasCount bounds alias expansion ("billion laughs"); uniqueKeys makes a repeated key an error.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return err(doc.errors.map((e) => ({ file, message: `YAML: ${firstLine(e.message)}`, ...at(e.pos[0]) })));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return err([{ file, message: `YAML: ${(e as Error).message}` }]);
  }
  if (data === null || data === undefined) {
    return err([{ file, line: 1, column: 1, message: 'policy file is empty; it needs at least `version: 1`' }]);
  }
  const validate = validator();
  if (!validate(data)) {
    const errors = dedupe((validate.errors ?? []).map((e) => toPolicyError(e, doc.contents, file, at)));
    return err(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));
  }
  return ok(normalize(data as RawPolicy, file, (path) => at(nodeAt(doc.contents, path)?.range?.[0]).line));
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function dedupe(errors: PolicyError[]): PolicyError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.line}:${e.column}:${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Decodes an ajv instancePath (`/suppressions/0/reason`) into keys and indices. */
function pointer(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The YAML node at a path, descending maps by key and sequences by index. */
function nodeAt(root: unknown, path: readonly (string | number)[]): Node | undefined {
  let node: unknown = root;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      node = pair?.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else {
      return undefined;
    }
  }
  return isNode(node) ? node : undefined;
}

function keyNode(map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
  return isNode(pair?.key) ? pair.key : undefined;
}

function toPolicyError(
  e: ErrorObject,
  root: unknown,
  file: string,
  at: (offset: number | undefined) => { line?: number; column?: number },
): PolicyError {
  const path = pointer(e.instancePath);
  const where = e.instancePath || '/';
  const node = nodeAt(root, path);
  const p = e.params as Record<string, unknown>;
  let message: string;
  let target: Node | undefined = node;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(p.additionalProperty);
      target = keyNode(node, extra) ?? node;
      message = `unknown key '${extra}' at ${where} (misspelt? unknown keys are errors so a typo cannot weaken the policy)`;
      break;
    }
    case 'required':
      message = `${where} is missing the required key '${String(p.missingProperty)}'`;
      break;
    case 'enum':
      message = `${where}: expected one of ${(p.allowedValues as unknown[]).join(', ')}`;
      break;
    case 'const':
      message = `${where}: must be ${JSON.stringify(p.allowedValue)}`;
      break;
    case 'minLength':
      message = `${where}: must not be empty`;
      break;
    case 'pattern':
    case 'format':
      message = `${where}: ${describeFormat(e)}`;
      break;
    case 'propertyNames':
      message = `${where}: key '${String(p.propertyName)}' is not a rule id (area/check or area/*)`;
      target = keyNode(node, String(p.propertyName)) ?? node;
      break;
    default:
      message = `${where}: ${e.message ?? e.keyword}`;
  }
  return { file, message, path: where, ...at(target?.range?.[0]) };
}

function describeFormat(e: ErrorObject): string {
  const schemaPath = e.schemaPath;
  if (schemaPath.includes('/date/')) return 'expected a date YYYY-MM-DD';
  if (schemaPath.includes('/reason/') || schemaPath.includes('/nonEmpty/')) return 'must not be empty';
  if (schemaPath.includes('/rulePattern/')) return 'expected a rule id such as pickle/dangerous-global, or pickle/*';
  return e.message ?? 'invalid value';
}

// The YAML as the schema admits it.
interface RawPolicy {
  version: 1;
  fail_on?: Threshold;
  models?: { allowed_formats?: string[]; forbidden_formats?: string[] };
  signatures?: {
    required?: boolean | string[];
    trusted_keys?: string[];
    trust_root?: string;
    identities?: { identity: string; issuer: string }[];
  };
  licenses?: { allow?: string[]; deny?: string[] };
  advisories?: { fail_on?: Threshold; ignore?: { id: string; reason: string; expires: string }[] };
  data?: { pii_allowed_columns?: string[] };
  overrides?: { paths: string[]; fail_on?: Threshold; ignore_rules?: string[]; severity?: Record<string, Severity> }[];
  suppressions?: { rule: string; path: string; reason: string; expires: string; fingerprint?: string }[];
}

function normalize(raw: RawPolicy, file: string, lineOf: (path: (string | number)[]) => number | undefined): Policy {
  const line = (path: (string | number)[]) => {
    const l = lineOf(path);
    return l === undefined ? {} : { line: l };
  };
  const suppressions: Suppression[] = (raw.suppressions ?? []).map((s, i) => ({
    rule: s.rule,
    path: s.path,
    reason: s.reason.trim(),
    expires: s.expires,
    ...(s.fingerprint === undefined ? {} : { fingerprint: s.fingerprint }),
    ...line(['suppressions', i]),
  }));
  const ignore: AdvisoryIgnore[] = (raw.advisories?.ignore ?? []).map((a, i) => ({
    id: a.id,
    reason: a.reason.trim(),
    expires: a.expires,
    ...line(['advisories', 'ignore', i]),
  }));
  const overrides: Override[] = (raw.overrides ?? []).map((o, i) => ({
    paths: o.paths,
    ...(o.fail_on === undefined ? {} : { failOn: o.fail_on }),
    ignoreRules: o.ignore_rules ?? [],
    severity: o.severity ?? {},
    ...line(['overrides', i]),
  }));
  const sig = raw.signatures ?? {};
  return {
    version: 1,
    file,
    ...(raw.fail_on === undefined ? {} : { failOn: raw.fail_on }),
    models: {
      ...(raw.models?.allowed_formats === undefined ? {} : { allowedFormats: raw.models.allowed_formats }),
      forbiddenFormats: raw.models?.forbidden_formats ?? [],
    },
    signatures: {
      required: sig.required ?? false,
      trustedKeys: sig.trusted_keys ?? [],
      ...(sig.trust_root === undefined ? {} : { trustRoot: sig.trust_root }),
      identities: sig.identities ?? [],
    },
    licenses: {
      ...(raw.licenses?.allow === undefined ? {} : { allow: raw.licenses.allow }),
      deny: raw.licenses?.deny ?? [],
    },
    advisories: {
      ...(raw.advisories?.fail_on === undefined ? {} : { failOn: raw.advisories.fail_on }),
      ignore,
    },
    data: { piiAllowedColumns: raw.data?.pii_allowed_columns ?? [] },
    overrides,
    suppressions,
  };
}

/** The policy when there is no warden.yaml: nothing changes, `high` fails. */
export const DEFAULT_POLICY: Policy = normalize({ version: 1 }, '', () => undefined);
