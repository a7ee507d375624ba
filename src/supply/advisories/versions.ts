import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import type { Ecosystem } from '../manifests/index.js';
import type { AffectedRange } from './types.js';

/** -1/0/1, or undefined when either side is not a version of the ecosystem. */
export function compareVersions(eco: Ecosystem, a: string, b: string): number | undefined {
  if (eco === 'PyPI') {
    if (!pep440.valid(a) || !pep440.valid(b)) return undefined;
    return Math.sign(pep440.compare(a, b));
  }
  const x = semver.coerce(a, { includePrerelease: true, loose: true });
  const y = semver.coerce(b, { includePrerelease: true, loose: true });
  if (x === null || y === null) return undefined;
  const pa = semver.valid(a, { loose: true }) ?? x.version;
  const pb = semver.valid(b, { loose: true }) ?? y.version;
  return semver.compare(pa, pb, { loose: true });
}

export function inRange(eco: Ecosystem, v: string, r: AffectedRange): boolean {
  if (r.introduced !== '0') {
    const lo = compareVersions(eco, v, r.introduced);
    if (lo === undefined || lo < 0) return false;
  }
  if (r.fixed !== undefined) {
    const hi = compareVersions(eco, v, r.fixed);
    return hi !== undefined && hi < 0;
  }
  if (r.lastAffected !== undefined) {
    const hi = compareVersions(eco, v, r.lastAffected);
    return hi !== undefined && hi <= 0;
  }
  return true;
}

/** A declared constraint holds when `v` satisfies it. */
export function satisfies(eco: Ecosystem, v: string, spec: string): boolean {
  try {
    return eco === 'PyPI'
      ? pep440.satisfies(v, spec, { prereleases: true })
      : semver.satisfies(v, spec, { includePrerelease: true, loose: true });
  } catch {
    return false;
  }
}

export type RangeVerdict = 'all-affected' | 'some-affected' | 'none';

/**
 * Does a version range (not a pin) admit affected versions? Without the list of published
 * versions this is decided on representative points: the range's own bounds, the advisory's
 * bounds and a version just below each fix; npm ranges use semver's exact set algebra.
 */
export function rangeVerdict(eco: Ecosystem, spec: string, ranges: readonly AffectedRange[]): RangeVerdict {
  if (eco === 'npm') return npmVerdict(spec, ranges);
  const points = new Set<string>();
  for (const m of spec.matchAll(/(\d+(?:\.\d+)*)/g)) points.add(m[1]!);
  for (const r of ranges) {
    if (r.introduced !== '0') points.add(r.introduced);
    if (r.fixed !== undefined) {
      points.add(r.fixed);
      for (const below of justBelow(r.fixed)) points.add(below);
    }
    if (r.lastAffected !== undefined) points.add(r.lastAffected);
  }
  points.add('0.0.1');
  points.add('99999');
  const allowed = [...points].filter((p) => pep440.valid(p) && satisfies(eco, p, spec));
  const affected = allowed.filter((p) => ranges.some((r) => inRange(eco, p, r)));
  if (affected.length === 0) return 'none';
  return affected.length === allowed.length ? 'all-affected' : 'some-affected';
}

/** Versions just under `v` (2.6.0 → 2.5.999, 2.5.1 → 2.5.0.999) to probe `< fixed` edges. */
function justBelow(v: string): string[] {
  const parts = v.split('.').map(Number);
  if (parts.some(Number.isNaN)) return [];
  const out: string[] = [];
  for (let i = parts.length - 1; i >= 0; i--) {
    if (parts[i]! > 0) {
      out.push([...parts.slice(0, i), parts[i]! - 1, 999].join('.'));
      break;
    }
  }
  out.push(`${v}rc1`);
  return out;
}

function npmVerdict(spec: string, ranges: readonly AffectedRange[]): RangeVerdict {
  const declared = semver.validRange(spec, { loose: true });
  if (declared === null) return 'none';
  const vuln = ranges
    .map((r) =>
      [
        r.introduced === '0' ? '>=0.0.0-0' : `>=${r.introduced}`,
        r.fixed !== undefined ? `<${r.fixed}` : r.lastAffected !== undefined ? `<=${r.lastAffected}` : '',
      ].join(' '),
    )
    .join(' || ');
  try {
    if (!semver.intersects(declared, vuln, { includePrerelease: true })) return 'none';
    return semver.subset(declared, vuln, { includePrerelease: true }) ? 'all-affected' : 'some-affected';
  } catch {
    return 'none';
  }
}
