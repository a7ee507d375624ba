/** Seeded synthetic traffic for the monitor tests: ordinary users, drift, sweeps. Deterministic per seed. */

export function rng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(r: () => number): () => number {
  return () => {
    const u = Math.max(r(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  };
}

/** A realistic input distribution: a mixture of correlated Gaussian clusters in `d` dimensions. */
export function mixture(seed: number, d: number, clusters = 3): (r: () => number) => number[] {
  const init = rng(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: d }, () => (init() - 0.5) * 6));
  return (r) => {
    const n = gaussian(r);
    const c = centres[Math.floor(r() * clusters)]!;
    const shared = n();
    return c.map((x, j) => x + 0.6 * n() + (j % 2 ? 0.5 : -0.5) * shared);
  };
}

/** Bounding box of the data, for attackers who know the feature ranges. */
export function box(samples: readonly (readonly number[])[]): [number[], number[]] {
  const d = samples[0]!.length;
  const lo = new Array<number>(d).fill(Number.POSITIVE_INFINITY);
  const hi = new Array<number>(d).fill(Number.NEGATIVE_INFINITY);
  for (const s of samples)
    for (let j = 0; j < d; j++) {
      lo[j] = Math.min(lo[j]!, s[j]!);
      hi[j] = Math.max(hi[j]!, s[j]!);
    }
  return [lo, hi];
}

/** Uniform random queries over the box: the common "sweep the input space" extraction strategy. */
export function uniformSweep(r: () => number, lo: readonly number[], hi: readonly number[], n: number): number[][] {
  return Array.from({ length: n }, () => lo.map((l, j) => l + r() * (hi[j]! - l)));
}

/** A regular grid walked cell by cell along two features, others held at their midpoint. */
export function gridSweep(lo: readonly number[], hi: readonly number[], steps: number): number[][] {
  const out: number[][] = [];
  const mid = lo.map((l, j) => (l + hi[j]!) / 2);
  for (let a = 0; a < steps; a++)
    for (let b = 0; b < steps; b++) {
      const q = [...mid];
      q[0] = lo[0]! + ((hi[0]! - lo[0]!) * a) / (steps - 1);
      q[1] = lo[1]! + ((hi[1]! - lo[1]!) * b) / (steps - 1);
      out.push(q);
    }
  return out;
}

/** Jacobian-style augmentation: a few natural seeds, each perturbed many times by small steps. */
export function perturbSeeds(
  r: () => number,
  seeds: readonly (readonly number[])[],
  per: number,
  eps: number,
): number[][] {
  const out: number[][] = [];
  for (const s of seeds) for (let i = 0; i < per; i++) out.push(s.map((x) => x + (r() < 0.5 ? -eps : eps)));
  return out;
}
