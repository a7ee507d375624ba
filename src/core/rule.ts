import type { Finding, Reference } from './finding.js';
import type { Severity } from './severity.js';

/**
 * A rule is data: a stable id (`<area>/<check>`), a default severity, the frameworks it maps to
 * and what to do about it. Every rule has a page at `docs/rules/<id>.md`.
 */
export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly remediation: string;
  readonly references: readonly Reference[];
}

export type FindingInput = Omit<Finding, 'ruleId' | 'references' | 'severity'> & { severity?: Severity };

/** Builds a finding that carries the rule's id, references and (unless overridden) severity. */
export function findingOf(rule: Rule, input: FindingInput): Finding {
  return { ...input, ruleId: rule.id, severity: input.severity ?? rule.severity, references: rule.references };
}

export const ref = {
  atlas: (id: string): Reference => ({ type: 'atlas', id, url: `https://atlas.mitre.org/techniques/${id}` }),
  cwe: (n: number): Reference => ({
    type: 'cwe',
    id: `CWE-${n}`,
    url: `https://cwe.mitre.org/data/definitions/${n}.html`,
  }),
  owaspMl: (id: string): Reference => ({
    type: 'owasp-ml',
    id,
    url: 'https://owasp.org/www-project-machine-learning-security-top-10/',
  }),
  owaspLlm: (id: string): Reference => ({ type: 'owasp-llm', id, url: 'https://genai.owasp.org/llm-top-10/' }),
  cve: (id: string): Reference => ({ type: 'cve', id, url: `https://nvd.nist.gov/vuln/detail/${id}` }),
  url: (url: string, id = url): Reference => ({ type: 'url', id, url }),
};

/** References shared by every model-deserialisation rule. */
export const DESERIALIZATION_REFS: readonly Reference[] = [
  ref.atlas('AML.T0010.003'), // ML Supply Chain Compromise: Model
  ref.atlas('AML.T0011.000'), // User Execution: Unsafe ML Artifacts
  ref.owaspMl('ML06:2023'), // AI Supply Chain Attacks
  ref.owaspLlm('LLM03:2025'), // Supply Chain
  ref.cwe(502),
];
