import type { Severity } from '../../core/severity.js';
import { type Ecosystem, normalizeName } from '../manifests/index.js';
import type { Advisory, AffectedRange } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const ECOSYSTEMS: Readonly<Record<string, Ecosystem>> = { PyPI: 'PyPI', npm: 'npm' };

/** GHSA's database_specific.severity words; MODERATE is GitHub's "medium". */
const GHSA_SEVERITY: Readonly<Record<string, Severity>> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
};

/**
 * Turns one OSV record (https://ossf.github.io/osv-schema/) into advisories for the PyPI and
 * npm packages it affects. Withdrawn records and other ecosystems yield nothing.
 */
export function advisoriesFromOsv(record: unknown): Advisory[] {
  if (!isObj(record) || record.withdrawn !== undefined) return [];
  const osvId = str(record.id);
  if (osvId === undefined || !Array.isArray(record.affected)) return [];
  const aliases = Array.isArray(record.aliases) ? record.aliases.filter((a): a is string => typeof a === 'string') : [];
  const cve = [osvId, ...aliases].find((a) => a.startsWith('CVE-'));
  const db = isObj(record.database_specific) ? record.database_specific : {};
  const severity = GHSA_SEVERITY[String(db.severity ?? '').toUpperCase()] ?? severityFromScore(record.severity);
  const references = Array.isArray(record.references)
    ? record.references.flatMap((r) => (isObj(r) && typeof r.url === 'string' ? [r.url] : []))
    : [];
  const out: Advisory[] = [];
  for (const a of record.affected) {
    if (!isObj(a) || !isObj(a.package)) continue;
    const eco = ECOSYSTEMS[String(a.package.ecosystem)];
    const name = str(a.package.name);
    if (eco === undefined || name === undefined) continue;
    const ranges = Array.isArray(a.ranges) ? a.ranges.flatMap(rangesOf) : [];
    const versions = Array.isArray(a.versions) ? a.versions.filter((v): v is string => typeof v === 'string') : [];
    if (ranges.length === 0 && versions.length === 0) continue;
    out.push({
      id: cve ?? osvId,
      aliases: [osvId, ...aliases].filter((x) => x !== (cve ?? osvId)),
      ecosystem: eco,
      package: normalizeName(eco, name),
      summary: (str(record.summary) ?? str(record.details) ?? '').split('\n')[0]!.slice(0, 200),
      severity,
      published: (str(record.published) ?? '').slice(0, 10),
      ranges,
      ...(versions.length > 0 ? { versions } : {}),
      references,
      source: 'osv',
    });
  }
  return out;
}

/** OSV events in order: `introduced` opens an interval, `fixed`/`last_affected` closes it. */
function rangesOf(r: unknown): AffectedRange[] {
  if (!isObj(r) || (r.type !== 'ECOSYSTEM' && r.type !== 'SEMVER') || !Array.isArray(r.events)) return [];
  const out: AffectedRange[] = [];
  let open: string | undefined;
  for (const e of r.events) {
    if (!isObj(e)) continue;
    if (typeof e.introduced === 'string') {
      if (open !== undefined) out.push({ introduced: open });
      open = e.introduced;
    } else if (typeof e.fixed === 'string' && open !== undefined) {
      out.push({ introduced: open, fixed: e.fixed });
      open = undefined;
    } else if (typeof e.last_affected === 'string' && open !== undefined) {
      out.push({ introduced: open, lastAffected: e.last_affected });
      open = undefined;
    }
  }
  if (open !== undefined) out.push({ introduced: open });
  return out;
}

/** CVSS vectors need a calculator; a bare numeric score is banded, anything else is "high". */
function severityFromScore(v: unknown): Severity {
  if (!Array.isArray(v)) return 'high';
  for (const s of v) {
    const n = isObj(s) ? Number(s.score) : Number.NaN;
    if (Number.isFinite(n)) return n >= 9 ? 'critical' : n >= 7 ? 'high' : n >= 4 ? 'medium' : 'low';
  }
  return 'high';
}
