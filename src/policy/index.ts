/**
 * Policy as code: warden.yaml parsed, validated and applied to findings. Pure — the file system
 * side (finding the file, reading keys, checking signatures) is in src/io/policy-file.ts.
 */
export {
  type ApplyOptions,
  advisoryIdsOf,
  applyPolicy,
  failingFindings,
  isExpired,
  ruleMatches,
} from './apply.js';
export { MODEL_FORMATS, outermostModels } from './checks.js';
export { DEFAULT_POLICY, MAX_POLICY_BYTES, POLICY_SCHEMA, parsePolicy } from './parse.js';
export { globMatcher, policyPathOf } from './paths.js';
export {
  EXPIRED_SUPPRESSION_RULE,
  FORBIDDEN_FORMAT_RULE,
  INVALID_SIGNATURE_RULE,
  LICENSE_RULE,
  POLICY_RULES,
  UNSIGNED_MODEL_RULE,
} from './rules.js';
export { POLICY_FILE_NAMES, starterPolicy } from './starter.js';
export type {
  AdvisoryIgnore,
  Identity,
  Override,
  Policy,
  PolicyError,
  PolicyOutcome,
  SignatureEvidence,
  SuppressedFinding,
  Suppression,
  Threshold,
} from './types.js';

import type { PolicyError } from './types.js';

/** `file:line:column: message`, the form editors and CI logs link. */
export function formatPolicyError(e: PolicyError): string {
  const loc = [e.file, e.line, e.line === undefined ? undefined : e.column].filter((x) => x !== undefined).join(':');
  return `${loc}: ${e.message}`;
}
