import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { err, ok, type Result } from '../core/result.js';
import type { TargetResult } from '../core/target.js';
import {
  applyPolicy,
  DEFAULT_POLICY,
  globMatcher,
  MAX_POLICY_BYTES,
  outermostModels,
  POLICY_FILE_NAMES,
  type Policy,
  type PolicyError,
  type PolicyOutcome,
  parsePolicy,
  policyPathOf,
  type SignatureEvidence,
} from '../policy/index.js';
import { MAX_BUNDLE_BYTES } from '../supply/signing/bundle.js';
import { loadPublicKey } from '../supply/signing/keys.js';
import { verifyModel } from '../supply/signing/oms.js';
import { parseTrustRoot } from '../supply/signing/trust-root.js';
import type { TrustMaterial } from '../supply/signing/verify-signature.js';
import type { FilesReport } from './scan-files.js';

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds warden.yaml for a scan: from the scanned path's folder upwards to the repository root (the
 * folder holding `.git`), as git finds its config. Outside a repository the search stops at the
 * working directory, and outside that too only the scanned path's own folder is searched, so a
 * stray file in a parent such as `/tmp` never applies.
 */
export async function findPolicyFile(scanned: string, cwd: string): Promise<string | undefined> {
  const abs = resolve(cwd, scanned);
  let dir = (await isFile(abs)) ? dirname(abs) : abs;
  const root = resolve(cwd);
  const inRepo = await insideRepo(dir);
  const underCwd = dir === root || dir.startsWith(root + sep);
  for (let depth = 0; depth < 64; depth++) {
    for (const name of POLICY_FILE_NAMES) {
      const candidate = join(dir, name);
      if (await isFile(candidate)) return candidate;
    }
    if (inRepo ? await exists(join(dir, '.git')) : !underCwd || dir === root) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

async function insideRepo(dir: string): Promise<boolean> {
  for (let d = dir, i = 0; i < 64; i++) {
    if (await exists(join(d, '.git'))) return true;
    const up = dirname(d);
    if (up === d) return false;
    d = up;
  }
  return false;
}

/** Reads and validates a policy file; `file` in the result and errors is as the user would type it. */
export async function loadPolicyFile(path: string, cwd: string): Promise<Result<Policy, PolicyError[]>> {
  const abs = resolve(cwd, path);
  const shown = displayPath(abs, cwd);
  let text: string;
  try {
    const st = await stat(abs);
    if (!st.isFile()) return err([{ file: shown, message: 'not a file' }]);
    if (st.size > MAX_POLICY_BYTES) {
      return err([{ file: shown, message: `policy file is larger than ${MAX_POLICY_BYTES} bytes` }]);
    }
    text = await readFile(abs, 'utf8');
  } catch (e) {
    return err([{ file: shown, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  const parsed = parsePolicy(text, shown);
  if (!parsed.ok) return parsed;
  return ok({ ...parsed.value, root: dirname(abs) });
}

function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel === '' || rel.startsWith('..') ? abs : rel.split(sep).join('/');
}

/** The trust material warden.yaml names, read once; paths are relative to the policy file. */
async function trustOf(policy: Policy): Promise<Result<TrustMaterial[], string>> {
  const root = policy.root ?? '.';
  const out: TrustMaterial[] = [];
  for (const k of policy.signatures.trustedKeys) {
    try {
      out.push({ kind: 'key', key: loadPublicKey(await readFile(resolve(root, k), 'utf8')) });
    } catch (e) {
      return err(`signatures.trusted_keys: ${k}: ${(e as Error).message}`);
    }
  }
  if (policy.signatures.identities.length > 0) {
    if (policy.signatures.trustRoot === undefined) {
      return err('signatures.identities needs signatures.trust_root (a Sigstore trusted_root.json) to verify offline');
    }
    let text: string;
    try {
      text = await readFile(resolve(root, policy.signatures.trustRoot), 'utf8');
    } catch (e) {
      return err(`signatures.trust_root: ${(e as Error).message}`);
    }
    const trustRoot = parseTrustRoot(text);
    if (!trustRoot.ok) return err(`signatures.trust_root: ${trustRoot.error}`);
    for (const id of policy.signatures.identities) {
      out.push({ kind: 'sigstore', root: trustRoot.value, identity: id.identity, issuer: id.issuer });
    }
  }
  return ok(out);
}

/**
 * For every model file the policy wants signed, finds the OMS signature that covers it (`FILE.sig`,
 * or `model.sig` in its folder or a parent up to the policy root) and, when warden.yaml names trusted
 * keys or identities, verifies it. One verification per signature file, however many models it covers.
 */
export async function collectSignatures(
  policy: Policy,
  targets: readonly TargetResult[],
  cwd: string,
  now = new Date(),
): Promise<Result<Map<string, SignatureEvidence>, string>> {
  const out = new Map<string, SignatureEvidence>();
  const { required } = policy.signatures;
  if (required === false) return ok(out);
  const needs = required === true ? () => true : globMatcher(required);
  const trust = await trustOf(policy);
  if (!trust.ok) return trust;
  const verified = new Map<string, { ok: boolean; detail?: string; changed: ReadonlySet<string> }>();
  const root = policy.root ?? resolve(cwd);

  for (const path of new Set(outermostModels(targets).map((t) => t.path))) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) continue; // remote objects have no neighbours to look at
    if (!needs(policyPathOf(path, policy.root, cwd))) continue;
    const abs = resolve(cwd, path);
    const found = await signatureFor(abs, root);
    if (!found) continue;
    const shown = displayPath(found.sig, cwd);
    if (trust.value.length === 0) {
      out.set(path, { signature: shown, status: 'present' });
      continue;
    }
    let result = verified.get(found.sig);
    if (!result) {
      result = await verifyWithAny(found.model, found.sig, trust.value, now);
      verified.set(found.sig, result);
      // Any signed file that changed is reported, model or not: a rewritten file may no longer
      // even look like a model, and that must not let it slip past the signature.
      for (const changed of result.changed) {
        const file = displayPath(changed === '.' ? found.model : join(found.model, changed), cwd);
        out.set(file, {
          signature: shown,
          status: 'invalid',
          detail: `${changed} differs from the digest the signature records`,
        });
      }
    }
    const rel = relative(found.model, abs).split(sep).join('/');
    const fileChanged = result.changed.has(rel === '' ? '.' : rel) || (rel === '' && result.changed.size > 0);
    if (result.ok && !fileChanged) out.set(path, { signature: shown, status: 'verified' });
    else {
      const detail = fileChanged ? `${rel || path} differs from the digest the signature records` : result.detail;
      out.set(path, { signature: shown, status: 'invalid', ...(detail ? { detail } : {}) });
    }
  }
  return ok(out);
}

async function signatureFor(abs: string, root: string): Promise<{ sig: string; model: string } | undefined> {
  if (await isFile(`${abs}.sig`)) return { sig: `${abs}.sig`, model: abs };
  const stop = resolve(root);
  for (let dir = dirname(abs), i = 0; i < 64; i++) {
    const sig = join(dir, 'model.sig');
    if (await isFile(sig)) return { sig, model: dir };
    if (dir === stop || !dir.startsWith(stop)) return undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/**
 * A signature is accepted when any trusted key or identity verifies it. Files the signature does not
 * list are tolerated here (the folder may hold notebooks or the policy itself); a signed file that
 * changed, or went missing, is not.
 */
async function verifyWithAny(
  model: string,
  sig: string,
  trust: readonly TrustMaterial[],
  now: Date,
): Promise<{ ok: boolean; detail?: string; changed: ReadonlySet<string> }> {
  let text: string;
  try {
    if ((await stat(sig)).size > MAX_BUNDLE_BYTES)
      return { ok: false, detail: 'signature file too large', changed: new Set() };
    text = await readFile(sig, 'utf8');
  } catch (e) {
    return { ok: false, detail: `cannot read ${sig}: ${(e as Error).message}`, changed: new Set() };
  }
  const sigRel = relative(model, sig).split(sep).join('/');
  const errors: string[] = [];
  for (const t of trust) {
    const outcome = await verifyModel(model, text, {
      trust: t,
      ignorePaths: sigRel.startsWith('..') ? [] : [sigRel],
      ignoreUnsignedFiles: true,
      now,
    });
    if (outcome.stage === 'model') {
      const changed = new Set([...outcome.diff.changed, ...outcome.diff.removed, ...outcome.diff.unreadable]);
      return { ok: true, changed, ...(changed.size > 0 ? { detail: 'signed files changed' } : {}) };
    }
    errors.push(outcome.error);
  }
  return { ok: false, detail: [...new Set(errors)].join('; '), changed: new Set() };
}

export interface PolicyChoice {
  /** `--policy FILE`. */
  readonly file?: string;
  /** `--no-policy`: ignore any warden.yaml. */
  readonly disabled?: boolean;
  /** Scanned paths; warden.yaml is looked for from the first local one (else the working directory). */
  readonly paths: readonly string[];
  readonly cwd: string;
}

/** The policy a command runs under: the named file, the one found near the scanned path, or the default. */
export async function resolvePolicy(choice: PolicyChoice): Promise<Result<Policy, PolicyError[]>> {
  if (choice.disabled) return ok(DEFAULT_POLICY);
  if (choice.file !== undefined) return loadPolicyFile(choice.file, choice.cwd);
  const local = choice.paths.find((p) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) ?? '.';
  const found = await findPolicyFile(local, choice.cwd);
  return found ? loadPolicyFile(found, choice.cwd) : ok(DEFAULT_POLICY);
}

/**
 * Applies a policy to a finished scan: gathers signature evidence from disk, then runs the pure
 * applyPolicy. Errors reading trusted keys are returned, not thrown: the CLI exits 2 on them.
 */
export async function enforcePolicy(
  report: FilesReport,
  policy: Policy,
  cwd: string,
  now = new Date(),
): Promise<Result<PolicyOutcome, string>> {
  const signatures = await collectSignatures(policy, report.targets, cwd, now);
  if (!signatures.ok) return signatures;
  return ok(
    applyPolicy(report.findings, policy, {
      now,
      targets: report.targets,
      metadata: report.metadata,
      signatures: signatures.value,
      cwd,
    }),
  );
}
