import { AUDIT_RULE_LIST } from '../audit/rules.js';
import type { Rule } from '../core/rule.js';
import { SEVERITIES, severityRank } from '../core/severity.js';
import { DATA_RULES } from '../data/rules.js';
import { GUARD_RULE_LIST } from '../guard/rules.js';
import { POLICY_RULES } from '../policy/rules.js';
import { ENGINE_RULE_LIST } from '../scan/engine-rules.js';
import { SCANNERS } from '../scan/registry.js';
import { SUPPLY_RULE_LIST } from '../supply/advisories/rules.js';

/** Rule ids are `<area>/<check>`, lower-case words joined by hyphens. */
export const RULE_ID_PATTERN = /^[a-z0-9-]+\/[a-z0-9-]+$/;

/** Every place rules are defined; new rule sources (supply chain, data, code) are one entry here. */
function ruleSources(): readonly (readonly Rule[])[] {
  return [
    ENGINE_RULE_LIST,
    ...SCANNERS.map((s) => s.rules),
    DATA_RULES,
    POLICY_RULES,
    GUARD_RULE_LIST,
    SUPPLY_RULE_LIST,
    AUDIT_RULE_LIST,
  ];
}

/**
 * The catalogue: every rule any scanner can emit plus the engine's own, once each, sorted by id.
 * Several scanners may share a rule object (the pickle rules serve PyTorch, NumPy and joblib).
 */
export function allRules(): readonly Rule[] {
  const byId = new Map<string, Rule>();
  for (const list of ruleSources()) for (const r of list) if (!byId.has(r.id)) byId.set(r.id, r);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function ruleById(id: string): Rule | undefined {
  return allRules().find((r) => r.id === id);
}

/** Ids defined more than once with different content (a sign two areas picked the same name). */
export function conflictingRuleIds(): string[] {
  const seen = new Map<string, Rule>();
  const conflicts = new Set<string>();
  for (const list of ruleSources()) {
    for (const r of list) {
      const prev = seen.get(r.id);
      if (prev === undefined) seen.set(r.id, r);
      else if (prev !== r && JSON.stringify(prev) !== JSON.stringify(r)) conflicts.add(r.id);
    }
  }
  return [...conflicts].sort();
}

/** The rule index page, docs/rules/README.md; a test keeps the committed page equal to this. */
export function renderRuleIndex(rules: readonly Rule[]): string {
  const byArea = new Map<string, Rule[]>();
  for (const r of rules) {
    const area = r.id.split('/')[0] ?? r.id;
    const list = byArea.get(area);
    if (list) list.push(r);
    else byArea.set(area, [r]);
  }
  const counts = SEVERITIES.map((s) => `${rules.filter((r) => r.severity === s).length} ${s}`).join(', ');
  const out = [
    '# Rules',
    '',
    '<!-- Generated from the rule catalogue (src/rules/catalog.ts). Regenerate with:',
    '     UPDATE_GOLDEN=1 npx vitest run src/rules/catalog.test.ts -->',
    '',
    `Warden has ${rules.length} rules (${counts}). Each id is \`<area>/<check>\` and stable: ` +
      'reports, suppressions and SARIF fingerprints refer to it. `warden rules` prints the same list.',
    '',
  ];
  for (const area of [...byArea.keys()].sort()) {
    const list = (byArea.get(area) ?? []).sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.id < b.id ? -1 : 1),
    );
    const rows = list.map((r) => [
      `[\`${r.id}\`](${r.id}.md)`,
      r.severity,
      r.title.replace(/\|/g, '\\|'),
      r.references.map((x) => x.id).join(', '),
    ]);
    out.push(`## ${area}`, '', ...alignedTable(['Rule', 'Severity', 'Title', 'Maps to'], rows), '');
  }
  return out.join('\n');
}

/** A Markdown table padded the way Biome formats it, so `biome check` leaves the generated page alone. */
function alignedTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const width = (text: string) => [...text].length;
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? '') + ' '.repeat(w - width(cells[i] ?? ''))).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
