import { cleanEvidence, type Finding, MEMBER_SEPARATOR } from '../core/finding.js';
import { findingOf } from '../core/rule.js';
import type { TargetResult } from '../core/target.js';
import { globMatcher, parentDirs, policyPathOf } from './paths.js';
import { FORBIDDEN_FORMAT_RULE, INVALID_SIGNATURE_RULE, LICENSE_RULE, UNSIGNED_MODEL_RULE } from './rules.js';
import type { Policy, SignatureEvidence } from './types.js';

/** Scanner ids whose files are models (weights, graphs, serialised estimators), not containers or configs. */
export const MODEL_FORMATS: ReadonlySet<string> = new Set([
  'pickle',
  'pytorch/zip',
  'pytorch/legacy',
  'numpy',
  'safetensors',
  'gguf',
  'keras-h5',
  'onnx',
  'tensorflow',
  'tflite',
]);

/** Metadata keys scanners use for a declared license (GGUF `general.license` is reported as `license`). */
const LICENSE_KEYS = ['license', 'licenses', 'license_name', 'general.license'] as const;

export interface CheckContext {
  readonly policy: Policy;
  readonly targets: readonly TargetResult[];
  readonly metadata: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  readonly signatures?: ReadonlyMap<string, SignatureEvidence>;
  readonly cwd?: string;
}

const keyOf = (path: string, member?: string) => (member ? `${path}${MEMBER_SEPARATOR}${member}` : path);

/**
 * The outermost models: top-level files and archive members in a model format that are not
 * themselves inside a model. The pickle inside a PyTorch checkpoint is part of `pytorch/zip`;
 * a pickle inside a plain zip is a model of its own.
 */
export function outermostModels(targets: readonly TargetResult[]): TargetResult[] {
  const formatOf = new Map(targets.map((t) => [keyOf(t.path, t.member), t.format]));
  return targets.filter((t) => {
    if (!MODEL_FORMATS.has(t.format)) return false;
    if (!t.member) return true;
    const parts = t.member.split(MEMBER_SEPARATOR);
    for (let i = parts.length - 1; i >= 0; i--) {
      const parent = i === 0 ? undefined : parts.slice(0, i).join(MEMBER_SEPARATOR);
      if (MODEL_FORMATS.has(formatOf.get(keyOf(t.path, parent)) ?? '')) return false;
    }
    return true;
  });
}

export function formatFindings(ctx: CheckContext): Finding[] {
  const { forbiddenFormats, allowedFormats } = ctx.policy.models;
  const out: Finding[] = [];
  const forbidden = new Set(forbiddenFormats);
  const where = (t: TargetResult) => ({
    path: t.path,
    ...(t.member ? { member: t.member } : {}),
    scanner: 'policy',
  });
  const models = new Set(outermostModels(ctx.targets));
  for (const t of ctx.targets) {
    if (forbidden.has(t.format)) {
      out.push(
        findingOf(FORBIDDEN_FORMAT_RULE, {
          ...where(t),
          message: `${t.format} is a forbidden model format (models.forbidden_formats in ${ctx.policy.file || 'the policy'})`,
          evidence: t.format,
        }),
      );
    } else if (allowedFormats && models.has(t) && !allowedFormats.includes(t.format)) {
      out.push(
        findingOf(FORBIDDEN_FORMAT_RULE, {
          ...where(t),
          message: `${t.format} is not an allowed model format (models.allowed_formats: ${allowedFormats.join(', ') || 'none'})`,
          evidence: t.format,
        }),
      );
    }
  }
  return out;
}

/** Model files on disk: top-level targets that are a model or hold one. */
function modelFiles(targets: readonly TargetResult[]): string[] {
  const paths = new Set<string>();
  for (const t of outermostModels(targets)) paths.add(t.path);
  return [...paths];
}

/** Signature presence judged from the scanned file list alone (no file system): the fallback. */
function evidenceFromTargets(path: string, all: ReadonlySet<string>): SignatureEvidence | undefined {
  const candidates = [`${path}.sig`, ...parentDirs(path).map((d) => (d ? `${d}/model.sig` : 'model.sig'))];
  const found = candidates.find((c) => all.has(c));
  return found ? { signature: found, status: 'present' } : undefined;
}

export function signatureFindings(ctx: CheckContext): Finding[] {
  const { required } = ctx.policy.signatures;
  if (required === false) return [];
  const needs = required === true ? () => true : globMatcher(required);
  const all = new Set(ctx.targets.filter((t) => !t.member).map((t) => t.path));
  const out: Finding[] = [];
  for (const path of modelFiles(ctx.targets)) {
    if (!needs(policyPathOf(path, ctx.policy.root, ctx.cwd))) continue;
    const ev = ctx.signatures ? ctx.signatures.get(path) : evidenceFromTargets(path, all);
    if (!ev) {
      out.push(
        findingOf(UNSIGNED_MODEL_RULE, {
          path,
          scanner: 'policy',
          message: `no OMS signature covers this model (looked for ${path.split('/').pop()}.sig and model.sig up to the policy root); signatures.required in ${ctx.policy.file || 'the policy'}`,
        }),
      );
    } else if (ev.status === 'invalid') {
      out.push(
        findingOf(INVALID_SIGNATURE_RULE, {
          path,
          scanner: 'policy',
          message: `signature ${ev.signature} does not verify: ${ev.detail ?? 'no trusted key or identity matches'}`,
        }),
      );
    }
  }
  // Signed files that changed but are not (or no longer look like) models.
  const judged = new Set(modelFiles(ctx.targets));
  for (const [path, ev] of ctx.signatures ?? []) {
    if (judged.has(path) || ev.status !== 'invalid') continue;
    out.push(
      findingOf(INVALID_SIGNATURE_RULE, {
        path,
        scanner: 'policy',
        message: `signature ${ev.signature} does not verify: ${ev.detail ?? 'the file changed after signing'}`,
      }),
    );
  }
  return out;
}

function licensesIn(meta: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const k of LICENSE_KEYS) {
    const v = meta[k];
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') out.push(x);
  }
  return [...new Set(out.map((l) => l.trim()).filter((l) => l.length > 0 && l.length <= 200))];
}

export function licenseFindings(ctx: CheckContext): Finding[] {
  const { allow, deny } = ctx.policy.licenses;
  if (!allow && deny.length === 0) return [];
  const lower = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()));
  const denied = lower(deny);
  const allowed = allow ? lower(allow) : undefined;
  const byKey = new Map(ctx.targets.map((t) => [keyOf(t.path, t.member), t]));
  const out: Finding[] = [];
  for (const [key, meta] of ctx.metadata) {
    const t = byKey.get(key);
    const sep = key.indexOf(MEMBER_SEPARATOR);
    const path = t?.path ?? (sep < 0 ? key : key.slice(0, sep));
    const member = t ? t.member : sep < 0 ? undefined : key.slice(sep + 1);
    for (const declared of licensesIn(meta)) {
      const l = declared.toLowerCase();
      // The license string comes from the model file: printable and bounded before it reaches a report.
      const license = cleanEvidence(declared, 80);
      const why = denied.has(l)
        ? 'is denied (licenses.deny)'
        : allowed && !allowed.has(l)
          ? `is not in licenses.allow (${[...(allow ?? [])].join(', ')})`
          : undefined;
      if (!why) continue;
      out.push(
        findingOf(LICENSE_RULE, {
          path,
          ...(member ? { member } : {}),
          scanner: 'policy',
          message: `model license '${license}' ${why}`,
          evidence: license,
        }),
      );
    }
  }
  return out;
}
