import { type Rule, ref } from '../../core/rule.js';

const SUPPLY_REFS = [
  ref.atlas('AML.T0010.001'), // ML Supply Chain Compromise: AI Software
  ref.owaspMl('ML06:2023'), // AI Supply Chain Attacks
  ref.owaspLlm('LLM03:2025'), // Supply Chain
  ref.cwe(1395), // Dependency on Vulnerable Third-Party Component
] as const;

/** Supply-chain rules for declared dependencies (`warden deps`, and `audit`). */
export const SUPPLY_RULES = {
  vulnerableDependency: {
    id: 'supply/vulnerable-dependency',
    title: 'Dependency pinned to a vulnerable version',
    severity: 'high',
    description:
      'A dependency is pinned (==, a lock file) to a version an advisory lists as affected, or its declared range allows only affected versions.',
    remediation:
      'Upgrade to the fixed version the finding names; where no fix exists, remove the dependency or isolate its use.',
    references: SUPPLY_REFS,
  },
  vulnerableRange: {
    id: 'supply/vulnerable-range',
    title: 'Dependency range admits vulnerable versions',
    severity: 'medium',
    description:
      'A declared version range allows both affected and fixed versions, so what gets installed depends on the resolver and the cache.',
    remediation: 'Raise the lower bound to the fixed version (or pin it and lock the environment).',
    references: SUPPLY_REFS,
  },
} as const satisfies Record<string, Rule>;

export const SUPPLY_RULE_LIST: readonly Rule[] = Object.values(SUPPLY_RULES);
