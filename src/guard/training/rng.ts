/** Deterministic PRNG (mulberry32) so every synthetic set and every shuffle is reproducible from a seed. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** FNV-1a 32-bit; used to assign rows to splits by content, independent of order. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export type Split = 'train' | 'calib' | 'dev';

/** 20 % dev, 15 % calibration, 65 % train — by hash of a stable key. */
export function splitOf(key: string): Split {
  const b = fnv1a(key) % 100;
  return b < 20 ? 'dev' : b < 35 ? 'calib' : 'train';
}

export interface Sample {
  readonly text: string;
  readonly label: 0 | 1;
  readonly source: string;
  /** Template family, for per-family reporting. */
  readonly family: string;
}

/** Fills `{name}` slots from pools, picking at random. */
export function fill(rng: Rng, template: string, pools: Readonly<Record<string, readonly string[]>>): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, key: string) => {
    const pool = pools[key];
    return pool ? fill(rng, rng.pick(pool), pools) : `{${key}}`;
  });
}
