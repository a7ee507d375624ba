import { cleanEvidence, type Finding, type Reference } from '../../core/finding.js';
import { findingOf } from '../../core/rule.js';
import { type Severity, severityRank } from '../../core/severity.js';
import type { DeclaredDependency } from '../manifests/index.js';
import { SUPPLY_RULES } from './rules.js';
import type { Advisory } from './types.js';
import { compareVersions, inRange, rangeVerdict } from './versions.js';

/** Indexes advisories by ecosystem and package; duplicates (same id from two sources) merge. */
export function indexAdvisories(lists: readonly (readonly Advisory[])[]): Map<string, Advisory[]> {
  const byKey = new Map<string, Advisory[]>();
  for (const list of lists) {
    for (const a of list) {
      const key = `${a.ecosystem}:${a.package}`;
      const bucket = byKey.get(key) ?? [];
      const ids = new Set([a.id, ...a.aliases]);
      if (!bucket.some((b) => ids.has(b.id) || b.aliases.some((x) => ids.has(x)))) bucket.push(a);
      byKey.set(key, bucket);
    }
  }
  return byKey;
}

/** The fix to recommend for a version: the lowest `fixed` above it, or undefined if none exists. */
export function fixFor(a: Advisory, version?: string): string | undefined {
  const fixes = a.ranges
    .filter((r) => r.fixed !== undefined && (version === undefined || inRange(a.ecosystem, version, r)))
    .map((r) => r.fixed!);
  return fixes.sort((x, y) => compareVersions(a.ecosystem, x, y) ?? 0).at(version === undefined ? -1 : 0);
}

function fixText(a: Advisory, version?: string): string {
  const f = fixFor(a, version);
  return f === undefined ? 'no fixed version exists' : `fixed in ${f}`;
}

function refsOf(a: Advisory): Reference[] {
  return [
    ...[a.id, ...a.aliases].map(
      (id): Reference =>
        id.startsWith('CVE-')
          ? { type: 'cve', id, url: `https://nvd.nist.gov/vuln/detail/${id}` }
          : id.startsWith('GHSA-')
            ? { type: 'ghsa', id, url: `https://github.com/advisories/${id}` }
            : { type: 'url', id, url: `https://osv.dev/vulnerability/${id}` },
    ),
    ...a.references.slice(0, 5).map((url): Reference => ({ type: 'url', id: url, url })),
  ];
}

const lower = (s: Severity): Severity => (severityRank(s) >= severityRank('high') ? 'medium' : 'low');

/**
 * Matches declared dependencies against advisories. A pin inside an affected range is a
 * vulnerable dependency; a range that admits only affected versions is too; a range that
 * admits some is reported one severity band lower. Unconstrained dependencies are not
 * reported: the resolver picks the newest release.
 */
export function matchDependencies(deps: readonly DeclaredDependency[], index: Map<string, Advisory[]>): Finding[] {
  const out: Finding[] = [];
  for (const d of deps) {
    for (const a of index.get(`${d.ecosystem}:${d.name}`) ?? []) {
      const where = { path: d.file, ...(d.line !== undefined ? { line: d.line } : {}) };
      const evidence = cleanEvidence(`${d.name}${d.ecosystem === 'PyPI' ? '' : '@'}${d.rawSpec ?? d.spec}`);
      const what = `${a.id} (${a.summary}; published ${a.published || 'n/a'})`;
      if (d.pinned !== undefined) {
        const hit = a.ranges.some((r) => inRange(d.ecosystem, d.pinned!, r)) || (a.versions ?? []).includes(d.pinned);
        if (!hit) continue;
        out.push({
          ...findingOf(SUPPLY_RULES.vulnerableDependency, {
            ...where,
            severity: a.severity,
            message: `${d.name} ${d.pinned} is affected by ${what}; ${fixText(a, d.pinned)}`,
            evidence,
            scanner: 'deps',
          }),
          references: [...SUPPLY_RULES.vulnerableDependency.references, ...refsOf(a)],
        });
        continue;
      }
      if (d.spec === '' || d.spec === '*') continue;
      const verdict = rangeVerdict(d.ecosystem, d.spec, a.ranges);
      if (verdict === 'none') continue;
      const rule = verdict === 'all-affected' ? SUPPLY_RULES.vulnerableDependency : SUPPLY_RULES.vulnerableRange;
      out.push({
        ...findingOf(rule, {
          ...where,
          severity: verdict === 'all-affected' ? a.severity : lower(a.severity),
          message:
            verdict === 'all-affected'
              ? `${d.name} ${d.spec} allows only versions affected by ${what}; ${fixText(a)}`
              : `${d.name} ${d.spec} allows versions affected by ${what}; ${fixText(a)}`,
          evidence,
          scanner: 'deps',
        }),
        references: [...rule.references, ...refsOf(a)],
      });
    }
  }
  return out;
}
