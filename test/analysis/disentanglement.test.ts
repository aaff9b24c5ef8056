import { describe, expect, it } from 'vitest';
import { activeFactors, mutualInformationGap, traversalPurity } from '../../lib/analysis/disentanglement';
import { traverseFactors, type Attributes } from '../../lib/analysis/traversal';
import { Rng } from '../../lib/random';

const OPS = ['conv3x3', 'conv1x1', 'maxpool', 'none'];

/** Synthetic cells: z0 alone determines `op` (4 well-separated clusters); z1, z2, z3 are noise. */
function synthetic(n: number, seed: string): { z: number[][]; attrs: Attributes[] } {
  const rng = new Rng(seed);
  const z: number[][] = [];
  const attrs: Attributes[] = [];
  for (let i = 0; i < n; i++) {
    const category = rng.int(4);
    const row = [category + rng.uniformIn(0, 0.5), rng.normal(), rng.normal(), rng.normal()];
    z.push(row);
    attrs.push({
      op: OPS[category],
      coin: rng.bernoulli(0.5), // independent of every factor
      params: 1000 + 500 * row[1], // an affine function of z1, many distinct values → binned
      constant: 7,
    });
  }
  return { z, attrs };
}

describe('mutualInformationGap', () => {
  const { z, attrs } = synthetic(4000, 'mig');
  const result = mutualInformationGap(z, attrs);
  const score = (name: string) => result.scores.find((s) => s.attribute === name)!;

  it('scores ~1 for an attribute one factor determines, with that factor best', () => {
    expect(score('op')).toMatchObject({ best: 0, discretisation: 'categories', levels: 4 });
    expect(score('op').entropy).toBeCloseTo(Math.log(4), 2);
    expect(score('op').gap).toBeGreaterThan(0.98);
  });

  it('scores ~0 for an attribute no factor carries', () => {
    expect(score('coin').gap).toBeLessThan(0.02);
  });

  it('bins a numeric attribute with many values into equal-width bins, so an affine copy of a factor scores ~1', () => {
    expect(score('params')).toMatchObject({ best: 1, discretisation: 'bins', levels: 20 });
    // below 1 by the plug-in bias of the runner-up, ≈ (20 − 1)² / (2 · 4000) nats of H ≈ 2.5 nats
    expect(score('params').gap).toBeGreaterThan(0.97);
  });

  it('skips and reports a constant attribute, and averages the rest', () => {
    expect(result.skipped).toEqual(['constant']);
    expect(result.mig).toBeCloseTo((score('op').gap + score('coin').gap + score('params').gap) / 3, 12);
  });

  it('gives ~0 when two factors carry the same attribute (the gap, not the information, is scored)', () => {
    const twin = z.map((row) => [row[0], row[0] + 1e-9, row[2]]);
    expect(mutualInformationGap(twin, attrs, { attributes: ['op'] }).mig).toBeLessThan(0.01);
  });

  it('gives ~0 for latents independent of every attribute', () => {
    const rng = new Rng('independent');
    const noise = z.map(() => [rng.normal(), rng.normal(), rng.normal()]);
    expect(mutualInformationGap(noise, attrs).mig).toBeLessThan(0.02);
  });

  it('is deterministic for the same inputs', () => {
    expect(mutualInformationGap(z, attrs)).toEqual(result);
  });

  it('rejects one factor, mismatched inputs, missing attributes and bad bins', () => {
    expect(() => mutualInformationGap([[1], [2]], [{ a: 1 }, { a: 2 }])).toThrow('MIG needs at least 2 latent factors: got 1');
    expect(() => mutualInformationGap([[1, 2]], [{ a: 1 }, { a: 2 }])).toThrow('attributes has 2 records but latents has 1 rows');
    expect(() => mutualInformationGap([[1, 2], [3, 4]], [{ a: 1 }, { b: 2 }])).toThrow("attribute 'a' is missing from record 1");
    expect(() => mutualInformationGap([[1, 2]], [{ a: 1 }], { bins: 1 })).toThrow('bins must be an integer ≥ 2: got 1');
    expect(() => mutualInformationGap([[1, 2], [3]], [{ a: 1 }, { a: 2 }])).toThrow('latents row 1 has 1 dimensions (expected 2)');
  });
});

describe('traversalPurity', () => {
  const rng = new Rng('purity');
  const bases = Array.from({ length: 20 }, () => [rng.uniformIn(-0.3, 0.3), rng.uniformIn(-0.3, 0.3)]);
  const identity = (c: Attributes) => c;
  // Thresholds at 0.05 / −0.05 / 0.15, between the traversal grid values −0.4, −0.3, …, 0.4.

  it('is 1 when each factor changes exactly one attribute', () => {
    const decode = (zs: number[][]) => zs.map((z): Attributes => ({ a: z[0] > 0.05, b: z[1] > -0.05 }));
    const p = traversalPurity(traverseFactors(bases, { decode, attributes: identity }));
    // every traversal crosses its one threshold once: 20 bases × 2 factors changes, all pure
    expect(p).toEqual({ purity: 1, changes: 40, pure: 40, unchanged: 40 * 7, invalid: 0 });
  });

  it('is lower for an entangled factor: here 1/2 when factor 0 changes two attributes at once', () => {
    const decode = (zs: number[][]) => zs.map((z): Attributes => ({ a: z[0] > 0.05, b: z[0] > 0.05 ? 'x' : 'y', c: z[1] > -0.05 }));
    const p = traversalPurity(traverseFactors(bases, { decode, attributes: identity }));
    expect(p).toMatchObject({ purity: 0.5, changes: 40, pure: 20 });
    // restricted to the primary attributes a and c, factor 0 is pure again
    expect(traversalPurity(traverseFactors(bases, { decode, attributes: identity }), { attributes: ['a', 'c'] }).purity).toBe(1);
  });

  it('leaves out transitions with an invalid side, and is null when nothing changes', () => {
    const decode = (zs: number[][]) => zs.map((z): Attributes | null => (z[0] > 0.15 ? null : { a: 1 }));
    const p = traversalPurity(traverseFactors(bases, { decode, attributes: identity }, { factors: [0] }));
    // z0 = 0.2, 0.3, 0.4 are invalid: transitions 0.1→0.2, 0.2→0.3, 0.3→0.4 of each of 20 traversals
    expect(p).toEqual({ purity: null, changes: 0, pure: 0, unchanged: 20 * 5, invalid: 20 * 3 });
  });
});

describe('activeFactors', () => {
  it('computes KL per dimension by hand: ½(μ² + σ² − 1 − log σ²) averaged over cells', () => {
    const mu = [
      [1, 0, 0],
      [-1, 0, 0.1],
    ];
    const logVar = [
      [0, Math.log(0.5), 0],
      [0, Math.log(0.5), 0],
    ];
    const r = activeFactors(mu, logVar);
    // dim 0: ½(1 + 1 − 1 − 0) = 0.5; dim 1: ½(0.5 − 1 + ln 2) ≈ 0.0966; dim 2: mean of 0 and ½·0.01 = 0.0025.
    expect(r.klPerDim[0]).toBeCloseTo(0.5, 12);
    expect(r.klPerDim[1]).toBeCloseTo(0.5 * (0.5 - 1 + Math.LN2), 12);
    expect(r.klPerDim[2]).toBeCloseTo(0.0025, 12);
    expect(r).toMatchObject({ active: [0, 1], count: 2, klThreshold: 0.01 });
    // Burda et al.'s activity: variance of μ over cells is 1, 0, 0.0025 → only dim 0 is above 0.01.
    expect(r.muVariance[0]).toBeCloseTo(1, 12);
    expect(r.activeByVariance).toEqual([0]);
  });

  it('uses the threshold it is given', () => {
    expect(activeFactors([[1, 0.1]], [[0, 0]], { klThreshold: 0.001 }).active).toEqual([0, 1]);
  });

  it('rejects a logVar of another shape and a negative threshold', () => {
    expect(() => activeFactors([[0, 0]], [[0]])).toThrow('logVar must have the shape of mu [1, 2]: got [1, 1]');
    expect(() => activeFactors([[0]], [[0]], { klThreshold: -1 })).toThrow('klThreshold must be a finite number ≥ 0: got -1');
  });
});
