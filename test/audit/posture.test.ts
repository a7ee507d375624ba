import { describe, expect, it } from 'vitest';
import { gradeOf, postureOf, rankRisks } from '../../src/audit/posture.js';
import { remediationFor } from '../../src/audit/remediation.js';
import type { Finding } from '../../src/core/finding.js';
import { findingOf } from '../../src/core/rule.js';
import type { Severity } from '../../src/core/severity.js';
import { allRules, ruleById } from '../../src/rules/catalog.js';

const f = (ruleId: string, severity?: Severity, path = 'p', extra: Partial<Finding> = {}): Finding => ({
  ...findingOf(ruleById(ruleId)!, { path, message: 'm', ...(severity ? { severity } : {}) }),
  ...extra,
});

describe('posture score (docs/posture.md)', () => {
  it('is 100 with no findings and follows the documented formula', () => {
    expect(postureOf([])).toEqual({ score: 100, grade: 'A', risk: 0 });
    // Two medium findings of one rule: R = 4 + 4/2 = 6 → 100·e^(−0.06) = 94.2 → 94.
    expect(postureOf([f('code/unpinned-model-download'), f('code/unpinned-model-download')])).toEqual({
      score: 94,
      grade: 'A',
      risk: 6,
    });
    // One high: R = 15 → 86, capped at 79.
    expect(postureOf([f('code/pickle-load')])).toEqual({ score: 79, grade: 'B', risk: 15, cap: 79 });
    // One critical: R = 40 → 67, capped at 49.
    expect(postureOf([f('pickle/dangerous-global')])).toEqual({ score: 49, grade: 'D', risk: 40, cap: 49 });
  });

  it('damps repeats of one rule (fifty copies of one medium weigh less than ten distinct mediums)', () => {
    const repeats = Array.from({ length: 50 }, () => f('code/unpinned-model-download'));
    const distinct = allRules()
      .filter((r) => r.severity === 'medium')
      .slice(0, 10)
      .map((r) => f(r.id));
    expect(distinct).toHaveLength(10);
    // 50 repeats: R = 4·(1 + 1/2 + … + 1/50) = 18.0 → 84; ten distinct: R = 40 → 67.
    expect(postureOf(repeats)).toEqual({ score: 84, grade: 'B', risk: 18 });
    expect(postureOf(distinct)).toEqual({ score: 67, grade: 'C', risk: 40 });
  });

  it('grades by fixed bands', () => {
    expect([95, 90, 89, 75, 74, 60, 59, 40, 39, 0].map(gradeOf).join('')).toBe('AABBCCDDFF');
  });
});

describe('risk ranking', () => {
  it('puts a hostile model before a vulnerable dependency and a leaked key before risky code, at equal severity', () => {
    const list = [
      f('supply/vulnerable-dependency', 'critical', 'requirements.txt'),
      f('code/llm-output-shell', 'critical', 'app.py'),
      f('pickle/dangerous-global', 'critical', 'best.pt'),
      f('code/pickle-load', 'high', 'serve.py'),
      f('data/secret', 'high', 'nb.ipynb'),
      f('code/unpinned-model-download', 'medium', 'serve.py'),
    ];
    expect(rankRisks(list, allRules()).map((r) => r.ruleId)).toEqual([
      'pickle/dangerous-global',
      'code/llm-output-shell',
      'supply/vulnerable-dependency',
      'data/secret',
      'code/pickle-load',
      'code/unpinned-model-download',
    ]);
  });

  it('groups findings of one rule in one file', () => {
    const list = [
      f('code/pickle-load', 'high', 'a.py'),
      f('code/pickle-load', 'high', 'a.py'),
      f('code/pickle-load', 'high', 'b.py'),
    ];
    expect(rankRisks(list, allRules()).map((r) => `${r.path}:${r.count}`)).toEqual(['a.py:2', 'b.py:1']);
  });
});

describe('remediation', () => {
  const rule = (id: string) => ruleById(id);
  it('rewrites the call for torch.load, yaml.load and np.load(allow_pickle=True)', () => {
    const torch = f('code/torch-load-unsafe', 'high', 'serve.py', { line: 4, evidence: 'm = torch.load("best.pt")' });
    expect(remediationFor(torch, rule(torch.ruleId))).toContain('`m = torch.load("best.pt", weights_only=True)`');
    const explicit = f('code/torch-load-unsafe', 'high', 's.py', { evidence: 'torch.load(p, weights_only=False)' });
    expect(remediationFor(explicit, rule(explicit.ruleId))).toContain('`torch.load(p, weights_only=True)`');
    const yaml = f('code/yaml-unsafe-load', 'high', 's.py', {
      evidence: 'cfg = yaml.load(open(p), Loader=yaml.Loader)',
    });
    expect(remediationFor(yaml, rule(yaml.ruleId))).toContain('`cfg = yaml.safe_load(open(p))`');
    const np = f('code/numpy-allow-pickle', 'high', 's.py', { evidence: 'x = np.load(p, allow_pickle=True)' });
    expect(remediationFor(np, rule(np.ruleId))).toContain('`x = np.load(p)`');
  });

  it('quarantines a hostile model and converts a merely forbidden checkpoint to safetensors', () => {
    const bad = f('pickle/dangerous-global', 'critical', 'models/best.pt');
    expect(remediationFor(bad, rule(bad.ruleId))).toMatch(/^Do not load models\/best\.pt/);
    const forbidden = {
      ...f('policy/forbidden-format', 'high', 'models/e1.pt'),
      message: 'pickle is a forbidden model format',
    };
    expect(remediationFor(forbidden, rule(forbidden.ruleId))).toContain(
      "save_file(torch.load('models/e1.pt', weights_only=True), 'models/e1.safetensors')",
    );
  });

  it('names the fixed version for a vulnerable dependency and clears notebook outputs for a leaked key', () => {
    const dep = {
      ...f('supply/vulnerable-dependency', 'critical', 'requirements.txt', { line: 2 }),
      message: 'torch 2.5.1 is affected by CVE-2025-32434 (…); fixed in 2.6.0',
    };
    expect(remediationFor(dep, rule(dep.ruleId))).toContain("pip install 'torch>=2.6.0'");
    const key = f('data/secret', 'high', 'nb.ipynb', { member: 'cell[2]/outputs[0]' });
    expect(remediationFor(key, rule(key.ruleId))).toContain('jupyter nbconvert --clear-output --inplace');
  });

  it('falls back to the rule’s remediation for every catalogued rule', () => {
    for (const r of allRules()) {
      const text = remediationFor(findingOf(r, { path: 'x', message: 'm' }), r);
      expect(text.length, r.id).toBeGreaterThan(10);
    }
  });
});
