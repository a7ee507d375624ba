import { type Rule, ref } from '../core/rule.js';
import type { Severity } from '../core/severity.js';

const LEAK_REFS = [
  ref.atlas('AML.T0057'), // LLM Data Leakage
  ref.atlas('AML.T0025'), // Exfiltration via Cyber Means
  ref.owaspLlm('LLM02:2025'), // Sensitive Information Disclosure
  ref.owaspMl('ML03:2023'), // Model Inversion (training data recoverable from models)
];

const POISON_REFS = [
  ref.atlas('AML.T0020'), // Poison Training Data
  ref.atlas('AML.T0018'), // Backdoor ML Model
  ref.owaspMl('ML02:2023'), // Data Poisoning Attack
  ref.owaspLlm('LLM04:2025'), // Data and Model Poisoning
];

const INTEGRITY_REFS = [
  ref.atlas('AML.T0010.002'), // ML Supply Chain Compromise: Data
  ref.owaspMl('ML06:2023'),
  ref.owaspLlm('LLM03:2025'),
  ref.cwe(353), // Missing Support for Integrity Check
];

function rule(
  id: string,
  title: string,
  severity: Severity,
  description: string,
  remediation: string,
  references = LEAK_REFS,
): Rule {
  return { id, title, severity, description, remediation, references };
}

export const SECRET_RULE = rule(
  'data/secret',
  'Credential in a dataset, notebook or config',
  'high',
  'A credential (cloud key, model-provider or platform token, private key, password in a connection string or assignment) sits in data that will be shared, trained on or logged. The detector that matched is named in the message.',
  'Revoke and rotate the credential first (assume it is compromised), then remove it from the data and its history; run `warden data scan --redact OUT` to produce a sanitized copy.',
  [...LEAK_REFS, ref.cwe(798), ref.cwe(312)],
);

export const PII_RULE = rule(
  'data/pii',
  'Personal data in a dataset or notebook',
  'medium',
  'Personal data (e-mail addresses, phone numbers, payment cards, bank accounts, national identifiers, IP addresses, names and addresses with supporting context) found in data. For tables the finding is per column, with the share of rows that matched.',
  'Drop or pseudonymise the column or field before training or sharing, or redact it with `warden data scan --redact OUT`; check the lawful basis for keeping it.',
  [...LEAK_REFS, ref.cwe(359)],
);

export const BACKDOOR_TRIGGER_RULE = rule(
  'data/backdoor-trigger',
  'Token that predicts one label far above chance (possible backdoor trigger)',
  'high',
  'A token appears in a small set of rows that almost all carry the same label, with a z-score far above every other token: the signature of a text backdoor trigger planted by poisoning.',
  'Inspect the listed rows; remove or relabel them and retrain. Find how the rows entered the dataset.',
  POISON_REFS,
);

export const CONFLICTING_DUPLICATES_RULE = rule(
  'data/conflicting-duplicates',
  'Duplicate or near-duplicate rows with different labels',
  'medium',
  'The same (or nearly the same, by MinHash over word shingles) text appears with different labels: label flipping or careless merging.',
  'Decide the correct label for each group and deduplicate.',
  POISON_REFS,
);

export const LABEL_OUTLIER_RULE = rule(
  'data/label-outlier',
  'Row whose label disagrees with all its near neighbours',
  'low',
  'Every near-duplicate neighbour of this row carries another label; isolated flips are how label-flipping poisoning looks.',
  'Review the listed rows and fix their labels if wrong.',
  POISON_REFS,
);

export const LABEL_SHIFT_RULE = rule(
  'data/label-shift',
  'Label distribution shifted against the reference version',
  'medium',
  'The share of one or more labels changed significantly (chi-square test) between the reference dataset and this one.',
  'Confirm the change is intended; diff the two versions to find the rows added or relabelled.',
  POISON_REFS,
);

export const FILE_CHANGED_RULE = rule(
  'data/file-changed',
  'Dataset file differs from its manifest',
  'high',
  'A file listed in the manifest now has a different digest or size: the dataset changed after the manifest was made.',
  'If the change is unexpected, restore the file from a trusted copy; otherwise regenerate and re-sign the manifest.',
  INTEGRITY_REFS,
);

export const FILE_ADDED_RULE = rule(
  'data/file-added',
  'File not in the dataset manifest',
  'medium',
  'A file is present in the dataset but absent from the manifest.',
  'Review the file; regenerate the manifest if it belongs.',
  INTEGRITY_REFS,
);

export const FILE_REMOVED_RULE = rule(
  'data/file-removed',
  'File in the manifest is missing',
  'medium',
  'A file listed in the manifest is missing from the dataset.',
  'Restore the file or regenerate the manifest.',
  INTEGRITY_REFS,
);

export const DATA_RULES: readonly Rule[] = [
  SECRET_RULE,
  PII_RULE,
  BACKDOOR_TRIGGER_RULE,
  CONFLICTING_DUPLICATES_RULE,
  LABEL_OUTLIER_RULE,
  LABEL_SHIFT_RULE,
  FILE_CHANGED_RULE,
  FILE_ADDED_RULE,
  FILE_REMOVED_RULE,
];

/** Severity per detector for a single occurrence; omitted ones use the rule default. */
export const DETECTOR_SEVERITY: Readonly<Record<string, Severity>> = {
  'private-key': 'critical',
  'aws-access-key': 'critical',
  'aws-secret-key': 'critical',
  'gcp-service-account': 'critical',
  'azure-storage-key': 'critical',
  'stripe-key': 'critical',
  'generic-secret': 'medium',
  jwt: 'medium',
  'payment-card': 'high',
  'us-ssn': 'high',
  iban: 'high',
  'in-aadhaar': 'high',
  'nl-bsn': 'high',
  'es-dni': 'high',
  'uk-nino': 'high',
  email: 'low',
  'phone-number': 'low',
  'ip-address': 'low',
  'person-name': 'low',
  'street-address': 'low',
};
