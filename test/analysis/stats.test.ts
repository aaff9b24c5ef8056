import { describe, expect, it } from 'vitest';
import { histogram, percentileRank, summarize, topFractionThreshold } from '../../lib/analysis/stats';

describe('summarize', () => {
  it('computes mean, sample std, min and max of a literal sample', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: the textbook sample with population std 2 (sample std √(32/7)).
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s).toMatchObject({ count: 8, mean: 5, min: 2, max: 9 });
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });
  it('rejects an empty sample', () => {
    expect(() => summarize([])).toThrow('statistics of an empty array');
  });
  it('rejects a non-finite value and names its index', () => {
    expect(() => summarize([1, NaN])).toThrow('non-finite value at index 1: NaN');
  });
});

describe('topFractionThreshold', () => {
  it('returns the ceil(fraction·n)-th best value', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i / 1000);
    // top 1% of 1000 → the 10th best = 0.990; top 0.1% → the best.
    expect(topFractionThreshold(values, 0.01)).toBe(0.99);
    expect(topFractionThreshold(values, 0.001)).toBe(0.999);
    // a fraction smaller than 1/n still means "the best one"
    expect(topFractionThreshold(values, 0.00001)).toBe(0.999);
  });
  it('rejects a fraction outside (0, 1]', () => {
    expect(() => topFractionThreshold([1], 0)).toThrow('fraction must be in (0, 1]: got 0');
    expect(() => topFractionThreshold([1], 1.5)).toThrow('fraction must be in (0, 1]: got 1.5');
  });
});

describe('percentileRank', () => {
  it('is the fraction of values strictly below', () => {
    expect(percentileRank([1, 2, 3, 4], 3)).toBe(0.5);
    expect(percentileRank([1, 2, 3, 4], 5)).toBe(1);
    expect(percentileRank([1, 2, 3, 4], 1)).toBe(0);
  });
});

describe('histogram', () => {
  it('puts every value in a bin and closes the last bin', () => {
    const { edges, counts } = histogram([0, 0.5, 1, 1], 2);
    expect(edges).toEqual([0, 0.5, 1]);
    expect(counts).toEqual([1, 3]);
  });
  it('bins only inside a given range and counts what falls outside', () => {
    const h = histogram([0.1, 0.85, 0.9, 0.95, 0.99], 2, { min: 0.8, max: 0.96 });
    expect(h.counts).toEqual([1, 2]);
    expect([h.below, h.above]).toEqual([1, 1]);
  });
  it('rejects an empty range', () => {
    expect(() => histogram([1, 2], 2, { min: 3, max: 2 })).toThrow('histogram range is empty: min 3 > max 2');
  });
  it('rejects a non-integer bin count', () => {
    expect(() => histogram([1, 2], 1.5)).toThrow('bins must be a positive integer: got 1.5');
  });
});
