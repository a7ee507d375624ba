import { type Rule, ref } from '../core/rule.js';
import { DOCS_REF, REPO_URL } from '../report/links.js';

const POLICY_DOC = `${REPO_URL}/blob/${DOCS_REF}/docs/policy.md`;

const MODEL_SUPPLY_REFS = [
  ref.atlas('AML.T0010.003'), // ML Supply Chain Compromise: Model
  ref.atlas('AML.T0011.000'), // User Execution: Unsafe ML Artifacts
  ref.owaspMl('ML06:2023'), // AI Supply Chain Attacks
  ref.owaspLlm('LLM03:2025'), // Supply Chain
];

export const FORBIDDEN_FORMAT_RULE: Rule = {
  id: 'policy/forbidden-format',
  title: 'Model in a format the policy forbids',
  severity: 'high',
  description:
    'A model file (or a model inside an archive) is in a format warden.yaml lists under `models.forbidden_formats`, or outside `models.allowed_formats`. Formats are recognised by their bytes, so renaming a pickle to `.safetensors` does not get it past the rule.',
  remediation:
    'Convert the model to an allowed format (for PyTorch weights: load once in an isolated environment with `torch.load(path, weights_only=True)` and save with `safetensors.torch.save_file`), or change the policy with a reviewed pull request.',
  references: [...MODEL_SUPPLY_REFS, ref.cwe(502)],
};

export const UNSIGNED_MODEL_RULE: Rule = {
  id: 'policy/unsigned-model',
  title: 'Model file without a signature the policy requires',
  severity: 'high',
  description:
    'warden.yaml requires OpenSSF Model Signing (OMS) signatures (`signatures.required`) and no signature covers this model file: there is no `FILE.sig` beside it and no `model.sig` in its folder or a parent folder up to the policy root.',
  remediation:
    'Sign the model where it is produced (`warden sign MODEL --key KEY.pem`, or sigstore/model-transparency `model_signing sign`) and commit or publish the signature next to it.',
  references: [...MODEL_SUPPLY_REFS, ref.cwe(345), ref.cwe(494)],
};

export const INVALID_SIGNATURE_RULE: Rule = {
  id: 'policy/invalid-signature',
  title: 'Model signature does not verify with the trusted keys or identities',
  severity: 'critical',
  description:
    'A signature covers this model file but does not verify with any key or identity warden.yaml trusts (`signatures.trusted_keys`, `signatures.identities`), or the file no longer matches the digest the signature records. The model may have been swapped or modified after signing.',
  remediation:
    'Do not load the model. Find out who changed it or who signed it; re-sign from a trusted build, or add the signer to the trusted keys with a reviewed pull request.',
  references: [...MODEL_SUPPLY_REFS, ref.cwe(347), ref.cwe(494)],
};

export const LICENSE_RULE: Rule = {
  id: 'policy/license',
  title: 'Model license not allowed by the policy',
  severity: 'medium',
  description:
    'The model declares a license (in its metadata, such as GGUF `general.license` or a model card) that warden.yaml denies (`licenses.deny`) or does not list under `licenses.allow`.',
  remediation:
    'Use a model under an accepted license, or have the license reviewed and add it to `licenses.allow` with a pull request.',
  references: [ref.owaspLlm('LLM03:2025'), ref.owaspMl('ML06:2023')],
};

export const EXPIRED_SUPPRESSION_RULE: Rule = {
  id: 'policy/expired-suppression',
  title: 'Suppression or advisory exception past its expiry date',
  severity: 'high',
  description:
    'A suppression (or `advisories.ignore` entry) in warden.yaml expired. It no longer suppresses anything: the findings it covered are reported again, and the expired entry is reported itself so that the exception is either renewed on purpose or removed.',
  remediation:
    'Fix the underlying finding and delete the entry, or, if the risk is still accepted, renew it with a new `expires` date and an up-to-date `reason` in a reviewed pull request.',
  references: [ref.owaspMl('ML06:2023'), ref.url(`${POLICY_DOC}#suppressions`, 'docs/policy.md#suppressions')],
};

/** Every rule the policy layer emits; one entry in src/rules/catalog.ts ruleSources(). */
export const POLICY_RULES: readonly Rule[] = [
  FORBIDDEN_FORMAT_RULE,
  UNSIGNED_MODEL_RULE,
  INVALID_SIGNATURE_RULE,
  LICENSE_RULE,
  EXPIRED_SUPPRESSION_RULE,
];
