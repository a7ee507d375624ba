import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

// Both packages are CommonJS with a `default` property; under NodeNext the default import is the
// module object, so take `.default` when it is there.
type Ctor<T> = new (opts?: object) => T;
const AjvDraft04 = ((AjvDraft04Module as unknown as { default?: unknown }).default ?? AjvDraft04Module) as Ctor<Ajv>;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

type Schema = Record<string, unknown>;

export interface Validator {
  (data: unknown): boolean;
  errors?: unknown;
}

function readJson(path: string): Schema {
  return JSON.parse(readFileSync(path, 'utf8')) as Schema;
}

/** The official SARIF 2.1.0 schema (draft-04) from ../shared/schemas. */
export function sarifValidator(): Validator {
  const schema = readJson(join(process.cwd(), '../shared/schemas/sarif-schema-2.1.0.json'));
  const ajv = addFormats(new AjvDraft04({ allErrors: true, strict: false }));
  return ajv.compile(schema) as Validator;
}

export function reportSchema(): Schema {
  return readJson(join(process.cwd(), 'docs/report.schema.json'));
}

/** Our JSON report schema (draft-07), as published, or strict: unknown properties rejected. */
export function reportValidator(strict = false): Validator {
  const schema = strict ? closeObjects(reportSchema()) : reportSchema();
  const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
  return ajv.compile(schema) as Validator;
}

/**
 * The published schema lets unknown properties through (minor versions add fields); the strict
 * copy closes every object that lists its properties, so a field we emit but never documented fails.
 */
function closeObjects(node: unknown): Schema {
  if (Array.isArray(node)) return node.map(closeObjects) as unknown as Schema;
  if (node === null || typeof node !== 'object') return node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? mapValues(v, closeObjects) : closeObjects(v);
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

function mapValues(obj: unknown, fn: (v: unknown) => unknown): Schema {
  return Object.fromEntries(Object.entries(obj as Schema).map(([k, v]) => [k, fn(v)]));
}
