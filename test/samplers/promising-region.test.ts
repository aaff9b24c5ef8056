import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { inRegion, promisingRegion, sampleFromRegion } from '../../lib/samplers/promising-region';

describe('promisingRegion', () => {
  it('reproduces the paper\'s worked example: z_7 of the top 3 at −0.28, −0.16, −0.19 with σ = 0.05 gives [−0.33, −0.11]', () => {
    const region = promisingRegion([[-0.28], [-0.16], [-0.19]], 0.05);
    expect(region.intervals[0]).toHaveLength(1);
    expect(region.intervals[0][0][0]).toBeCloseTo(-0.33, 12);
    expect(region.intervals[0][0][1]).toBeCloseTo(-0.11, 12);
  });
  it('keeps disjoint intervals apart, sorted', () => {
    // two codes 1.0 apart: their σ-intervals cannot overlap
    const region = promisingRegion([[1], [0]], 0.05);
    expect(region.intervals[0].map(([lo, hi]) => [lo, hi].map((x) => Math.round(x * 100) / 100))).toEqual([[-0.05, 0.05], [0.95, 1.05]]);
  });
  it('rejects an empty top-k, ragged codes, non-finite values and σ ≤ 0', () => {
    expect(() => promisingRegion([], 0.05)).toThrow('promisingRegion needs at least one latent code (the top-k)');
    expect(() => promisingRegion([[0, 1], [0]], 0.05)).toThrow('latent code 1 has 1 dimensions (expected 2)');
    expect(() => promisingRegion([[NaN]], 0.05)).toThrow('latent code 0, dimension 0 is not finite: NaN');
    expect(() => promisingRegion([[0]], 0)).toThrow('sigma must be a finite number > 0: got 0');
  });
});

describe('sampleFromRegion', () => {
  const region = promisingRegion([[0, 5], [1, 5.02]], 0.05);
  it('always lands inside the region', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 1000; i++) expect(inRegion(region, sampleFromRegion(region, rng))).toBe(true);
  });
  it('covers both disjoint intervals of a dimension in proportion to their length', () => {
    const rng = new Rng(2);
    const high = Array.from({ length: 4000 }, () => sampleFromRegion(region, rng)[0]).filter((x) => x > 0.5).length;
    // equal lengths → half each; standard error √(4000·¼) ≈ 32, allow 5 SE
    expect(Math.abs(high - 2000)).toBeLessThan(160);
  });
  it('is deterministic for a seed', () => {
    expect(sampleFromRegion(region, new Rng(3))).toEqual(sampleFromRegion(region, new Rng(3)));
  });
});
