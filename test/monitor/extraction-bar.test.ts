/**
 * The extraction Bar: a scripted client sweeping the input space is flagged, with evidence; ordinary
 * traffic from many clients is not. Three attack styles: uniform random sweep of the feature box
 * (Tramèr et al.'s "random queries"), a grid walk, and Jacobian-style augmentation (PRADA's synthetic
 * samples: small steps around a few natural seeds).
 */
import { describe, expect, it } from 'vitest';
import { buildReference, detectExtraction } from '../../src/monitor/extraction.js';
import { box, gridSweep, mixture, perturbSeeds, rng, uniformSweep } from '../builders/synthetic-traffic.js';

const SEEDS = 6;
const D = 6;

function scenario(seed: number) {
  const gen = mixture(seed, D);
  const r = rng(seed * 7919);
  const reference = Array.from({ length: 5000 }, () => gen(r));
  const clients = new Map<string, number[][]>();
  for (let c = 0; c < 60; c++)
    clients.set(
      `user-${c}`,
      Array.from({ length: 50 + Math.floor(r() * 400) }, () => gen(r)),
    );
  const [lo, hi] = box(reference);
  clients.set('attacker-uniform-sweep', uniformSweep(r, lo, hi, 1500));
  clients.set('attacker-grid-walk', gridSweep(lo, hi, 30));
  clients.set(
    'attacker-jacobian',
    perturbSeeds(
      r,
      Array.from({ length: 10 }, () => gen(r)),
      60,
      0.05,
    ),
  );
  return { reference, clients };
}

describe('extraction Bar', () => {
  it('flags every scripted sweeping client and no ordinary client, across seeds', () => {
    let ordinary = 0;
    let falseFlags = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { reference, clients } = scenario(seed);
      const verdicts = detectExtraction(clients, buildReference(reference));
      for (const v of verdicts) {
        if (v.client.startsWith('attacker')) {
          expect(v.flagged, `${v.client} seed ${seed}`).toBe(true);
          expect(v.reasons.length).toBeGreaterThan(0);
        } else {
          ordinary++;
          if (v.flagged) falseFlags++;
        }
      }
    }
    console.log(
      `[extraction bar] ${SEEDS} seeds: 3/3 attackers flagged each time; ${falseFlags}/${ordinary} ordinary clients flagged`,
    );
    expect(falseFlags).toBe(0);
  });

  it('explains each verdict with its evidence', () => {
    const { reference, clients } = scenario(11);
    const byName = new Map(detectExtraction(clients, buildReference(reference)).map((v) => [v.client, v]));
    const sweep = byName.get('attacker-uniform-sweep')!;
    expect(sweep.offReferenceShare).toBeGreaterThan(0.5);
    expect(sweep.reasons.join(' ')).toMatch(/input regions real traffic never reaches/);
    expect(sweep.volumeZ).toBeGreaterThan(6);
    const grid = byName.get('attacker-grid-walk')!;
    expect(grid.prada!.w).toBeLessThan(grid.prada!.delta!);
    const jac = byName.get('attacker-jacobian')!;
    expect(jac.offReferenceShare).toBeLessThan(0.2);
    expect(jac.reasons.join(' ')).toMatch(/Shapiro–Wilk W=/);
    const user = byName.get('user-0')!;
    expect(user.flagged).toBe(false);
    expect(user.reasons).toEqual([]);
  });

  it('only counts clients with too few queries to judge', () => {
    const { reference } = scenario(3);
    const [lo, hi] = box(reference);
    const v = detectExtraction(new Map([['tiny', uniformSweep(rng(1), lo, hi, 40)]]), buildReference(reference))[0]!;
    expect(v.flagged).toBe(false);
    expect(v.prada).toBeUndefined();
  });
});
