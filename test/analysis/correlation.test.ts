import { describe, expect, it } from 'vitest';
import { averageRanks, factorCorrelations, kendallTau, spearman } from '../../lib/analysis/correlation';

describe('averageRanks', () => {
  it('gives tied values the average of their ranks', () => {
    expect(averageRanks([5, 6, 7, 8, 7])).toEqual([1, 2, 3.5, 5, 3.5]);
    expect(averageRanks([3, 1, 3, 3])).toEqual([3, 1, 3, 3]);
  });
});

describe('spearman', () => {
  it('matches the scipy.stats.spearmanr documentation example with a tie', () => {
    // Ranks [1..5] vs [1, 2, 3.5, 5, 3.5]: Σdxdy = 8, Σdx² = 10, Σdy² = 9.5 → 8/√95.
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
  });
  it('is 1 for any increasing relation and −1 for a decreasing one', () => {
    const x = [0.1, 0.5, 0.2, 0.9, 0.3];
    expect(spearman(x, x.map((v) => Math.exp(10 * v)))).toBeCloseTo(1, 12);
    expect(spearman(x, x.map((v) => -(v ** 3)))).toBeCloseTo(-1, 12);
  });
  it('rejects a constant input, mismatched lengths and non-finite values', () => {
    expect(() => spearman([1, 2, 3], [4, 4, 4])).toThrow('y is constant (4)');
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow('same length: got 2 and 3');
    expect(() => spearman([1], [1])).toThrow('at least 2 pairs: got 1');
    expect(() => spearman([1, NaN], [1, 2])).toThrow('x[1] is not finite: NaN');
  });
});

describe('kendallTau', () => {
  it('matches the scipy.stats.kendalltau documentation example (τ-b with ties)', () => {
    // C = 2, D = 6 of 10 pairs; 2 pairs tied in x, 1 in y → −4/√(8·9).
    expect(kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-4 / Math.sqrt(72), 12);
  });
  it('counts one swapped pair out of three as τ = 1/3 without ties', () => {
    expect(kendallTau([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12);
  });
  it('rejects a constant input', () => {
    expect(() => kendallTau([2, 2], [1, 2])).toThrow('x is constant (2)');
  });
});

describe('factorCorrelations', () => {
  it('correlates each column of z with y', () => {
    const z = [
      [1, 4],
      [2, 3],
      [3, 2],
      [4, 1],
    ];
    const y = [0.9, 0.91, 0.92, 0.93];
    expect(factorCorrelations(z, y)).toEqual([1, -1]);
    expect(factorCorrelations(z, y, 'kendall')).toEqual([1, -1]);
  });
  it('rejects a ragged z', () => {
    expect(() => factorCorrelations([[1, 2], [3]], [1, 2])).toThrow('latent code 1 has 1 dimensions (expected 2)');
  });
});
