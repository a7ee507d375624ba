import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../test/golden/golden.js';
import { ENGINE_RULE_FOR_ERROR, ENGINE_RULE_LIST, ENGINE_RULES } from '../scan/engine-rules.js';
import { SCANNERS } from '../scan/registry.js';
import { allRules, conflictingRuleIds, RULE_ID_PATTERN, renderRuleIndex, ruleById } from './catalog.js';

const RULES_DIR = join(process.cwd(), 'docs/rules');

function markdownPages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return markdownPages(full);
    return name.endsWith('.md') ? [relative(RULES_DIR, full).replace(/\\/g, '/')] : [];
  });
}

describe('rule catalogue', () => {
  const rules = allRules();

  it('holds the engine rules and the rules of every registered scanner', () => {
    const ids = new Set(rules.map((r) => r.id));
    for (const r of ENGINE_RULE_LIST) expect(ids).toContain(r.id);
    for (const s of SCANNERS) for (const r of s.rules) expect(ids).toContain(r.id);
    expect(ruleById('scan/parse-error')).toBe(ENGINE_RULES['scan/parse-error']);
  });

  it('has unique ids of the form <area>/<check>', () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(conflictingRuleIds()).toEqual([]);
    expect(ids.filter((id) => !RULE_ID_PATTERN.test(id))).toEqual([]);
  });

  it('gives every rule a title, a description, a remediation and at least one reference', () => {
    const incomplete = rules
      .filter((r) => !r.title.trim() || !r.description.trim() || !r.remediation.trim() || r.references.length === 0)
      .map((r) => r.id);
    expect(incomplete).toEqual([]);
  });

  it('has a docs page for every rule (docs/rules/<id>.md)', () => {
    const missing = rules.map((r) => `${r.id}.md`).filter((p) => !existsSync(join(RULES_DIR, p)));
    expect(missing).toEqual([]);
    const empty = rules.filter((r) => readFileSync(join(RULES_DIR, `${r.id}.md`), 'utf8').trim() === '');
    expect(empty.map((r) => r.id)).toEqual([]);
  });

  it('has a rule for every page under docs/rules (no orphan pages)', () => {
    const ids = new Set(rules.map((r) => `${r.id}.md`));
    const orphans = markdownPages(RULES_DIR).filter((p) => p !== 'README.md' && !ids.has(p));
    expect(orphans).toEqual([]);
  });

  it('keeps docs/rules/README.md equal to the generated index', () => {
    expectGolden(join(RULES_DIR, 'README.md'), renderRuleIndex(rules));
  });

  it('maps every engine error code to an engine rule or to deliberately none', () => {
    for (const id of Object.values(ENGINE_RULE_FOR_ERROR)) if (id) expect(ENGINE_RULES[id].id).toBe(id);
    expect(ENGINE_RULE_FOR_ERROR.truncated).toBe('scan/parse-error');
    expect(ENGINE_RULE_FOR_ERROR.timeout).toBe('scan/limit-exceeded');
    expect(ENGINE_RULE_FOR_ERROR.excluded).toBeUndefined();
  });

  it('index lists each rule once with a link to its page', () => {
    const index = renderRuleIndex(rules);
    for (const r of rules) expect(index.split(`[\`${r.id}\`](${r.id}.md)`).length).toBe(2);
  });
});
