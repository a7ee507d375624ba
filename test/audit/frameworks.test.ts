import { describe, expect, it } from 'vitest';
import {
  AREA_MAPPING,
  ATLAS_TECHNIQUES,
  frameworkCoverage,
  mappingOf,
  OWASP_LLM_2025,
  OWASP_ML_2023,
  RULE_MAPPING,
} from '../../src/audit/frameworks.js';
import { findingOf } from '../../src/core/rule.js';
import { GUARD_RULE_LIST } from '../../src/guard/rules.js';
import { allRules, ruleById } from '../../src/rules/catalog.js';

describe('framework mapping', () => {
  const rules = [...allRules(), ...GUARD_RULE_LIST];

  it('maps every catalogued rule to at least one ATLAS technique, one OWASP ML and one OWASP LLM category', () => {
    const unmapped = rules
      .map((r) => ({ id: r.id, m: mappingOf(r) }))
      .filter(({ m }) => m.atlas.length === 0 || m.owaspMl.length === 0 || m.owaspLlm.length === 0)
      .map(({ id }) => id);
    expect(unmapped).toEqual([]);
  });

  it('uses only known ids: ATLAS techniques in the table, the ten OWASP entries of each list, CWE-<n>', () => {
    const bad: string[] = [];
    for (const r of rules) {
      const m = mappingOf(r);
      for (const id of m.atlas) if (!(id in ATLAS_TECHNIQUES)) bad.push(`${r.id}: ${id}`);
      for (const id of m.owaspMl) if (!(id in OWASP_ML_2023)) bad.push(`${r.id}: ${id}`);
      for (const id of m.owaspLlm) if (!(id in OWASP_LLM_2025)) bad.push(`${r.id}: ${id}`);
      for (const id of m.cwe) if (!/^CWE-\d+$/.test(id)) bad.push(`${r.id}: ${id}`);
    }
    expect(bad).toEqual([]);
    expect(Object.keys(OWASP_ML_2023)).toHaveLength(10);
    expect(Object.keys(OWASP_LLM_2025)).toHaveLength(10);
  });

  it('gives a CWE to every code-execution, leakage and code rule', () => {
    const needCwe = rules.filter((r) => /^(code|pickle|python|data)\//.test(r.id) && r.id !== 'data/backdoor-trigger');
    const missing = needCwe
      .filter((r) => !['data/conflicting-duplicates', 'data/label-outlier', 'data/label-shift'].includes(r.id))
      .filter((r) => mappingOf(r).cwe.length === 0)
      .map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('keeps a rule’s own references first and has no table entry for an unknown rule or area', () => {
    const known = new Set(rules.map((r) => r.id));
    expect(Object.keys(RULE_MAPPING).filter((id) => !known.has(id))).toEqual([]);
    const areas = new Set(rules.map((r) => r.id.split('/')[0]));
    expect(Object.keys(AREA_MAPPING).filter((a) => !areas.has(a))).toEqual([]);
    const pickle = ruleById('pickle/dangerous-global')!;
    expect(mappingOf(pickle).atlas[0]).toBe(pickle.references.find((r) => r.type === 'atlas')?.id);
  });

  it('summarises coverage: categories hit by findings and categories with rules', () => {
    const shell = ruleById('code/llm-output-shell')!;
    const f = findingOf(shell, { path: 'app.py', line: 3, message: 'x' });
    const cov = frameworkCoverage([f], allRules());
    const llm = cov.find((c) => c.id === 'owasp-llm')!;
    expect(llm.categories).toHaveLength(10);
    expect(llm.categories.filter((c) => c.findings > 0).map((c) => c.id)).toEqual(['LLM05:2025', 'LLM06:2025']);
    expect(llm.hit).toBe(2);
    expect(llm.covered).toBeGreaterThanOrEqual(6);
    const cwe = cov.find((c) => c.id === 'cwe')!;
    expect(cwe.categories.find((c) => c.id === 'CWE-78')?.highest).toBe('critical');
  });
});
