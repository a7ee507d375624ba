/** Names looked for, in order, in each folder from the scanned path up to the repository root. */
export const POLICY_FILE_NAMES = ['warden.yaml', 'warden.yml', '.warden.yaml', '.warden.yml'] as const;

/**
 * The commented warden.yaml `warden init` writes. Active settings are the safe defaults; stricter
 * ones are shown commented out, so the file explains itself and adopting a rule is one uncomment.
 * `example` is a date for the commented suppression, so the example is never already expired.
 */
export function starterPolicy(example = '2099-12-31'): string {
  return `# warden.yaml — Warden policy as code. Reference: docs/policy.md
# Editors validate it with the schema:
# yaml-language-server: $schema=https://github.com/warden-mlsecops/warden/raw/main/docs/warden.schema.json
# Unknown keys are errors, so a typo cannot quietly weaken the policy.
version: 1

# Exit 1 when a finding is at least this severe: critical, high, medium, low, info or none.
# \`--fail-on\` on the command line wins.
fail_on: high

models:
  # Formats are scanner ids and are recognised by content, not file name:
  # pickle, pytorch/zip, pytorch/legacy, numpy, safetensors, gguf, keras-h5, onnx, tensorflow, tflite.
  # pickle-based formats run code when loaded; forbid them once your models are converted.
  forbidden_formats: [pickle, pytorch/legacy]
  # Uncomment to accept nothing else:
  # allowed_formats: [safetensors, gguf, onnx]

signatures:
  # true: every model file needs an OpenSSF Model Signing signature (FILE.sig, or model.sig in
  # its folder or a parent folder); or a list of globs for the models that need one.
  required: false
  # Verify signatures instead of only checking they exist (paths relative to this file):
  # trusted_keys: [keys/release.pub.pem]
  # trust_root: keys/trusted_root.json     # Sigstore keyless, with identities:
  # identities:
  #   - identity: https://github.com/acme/models/.github/workflows/release.yml@refs/heads/main
  #     issuer: https://token.actions.githubusercontent.com

licenses:
  # Checked against the license models declare in their metadata (SPDX ids, case-insensitive).
  deny: []
  # allow: [apache-2.0, mit, bsd-3-clause, llama3.1]

advisories:
  # Threshold for known-vulnerable dependencies, when it should differ from fail_on.
  # fail_on: critical
  ignore: []
  #   - id: CVE-2025-32434
  #     reason: torch.load is only ever called with vetted checkpoints in this service
  #     expires: ${example}

data:
  # Columns allowed to hold personal data; data/pii findings for them are suppressed.
  pii_allowed_columns: []

# Per-path settings; later entries win where several match. Globs are relative to this file.
overrides: []
#  - paths: ["tests/fixtures/**"]
#    ignore_rules: [pickle/*]        # deliberately malicious test samples
#  - paths: ["notebooks/**"]
#    fail_on: critical
#    severity: { data/pii: low }

# Accepted findings. Each needs a reason and an expiry date (YYYY-MM-DD, honoured through that
# day, UTC). An expired suppression stops suppressing and fails the build as policy/expired-suppression.
suppressions: []
#  - rule: pickle/dangerous-global
#    path: models/legacy/*.pkl
#    reason: vendor model, replacement tracked in JIRA-123
#    expires: ${example}
`;
}
