// Tests of rankingQuality and topKPrecision (lib/analysis/ranking-quality.ts): values equal the
// correlation functions and hand-counted top-k overlaps; intervals bracket the value, shrink with
// more architectures, are seeded; perfect and reversed rankings; bad input named.
import { describe, expect, it } from 'vitest';
import { kendallTau, spearman } from '../../lib/analysis/correlation';
import { formatEstimate, pairedTauDifference, rankingQuality, rankingQualityRow, topKPrecision } from '../../lib/analysis/ranking-quality';
import { Rng } from '../../lib/random';

/** A noisy ranking: truth uniform, score = truth + noise. */
function noisy(n: number, noise: number, seed: string): { score: number[]; truth: number[] } {
  const rng = new Rng(seed);
  const truth = Array.from({ length: n }, () => rng.uniform());
  return { truth, score: truth.map((t) => t + rng.normal(0, noise)) };
}

describe('topKPrecision', () => {
  it('counts the overlap of the two top-k sets, ties broken by index', () => {
    const truth = [0.9, 0.8, 0.7, 0.6, 0.5];
    expect(topKPrecision([5, 4, 3, 2, 1], truth, 2)).toBe(1);
    expect(topKPrecision([5, 1, 4, 2, 3], truth, 2)).toBe(0.5); // {0, 2} vs {0, 1}
    expect(topKPrecision([1, 2, 3, 4, 5], truth, 2)).toBe(0);
    expect(topKPrecision([1, 1, 1, 1, 1], truth, 3)).toBe(1); // all tied: indices 0, 1, 2
    expect(() => topKPrecision(truth, truth, 6)).toThrow('top-k needs an integer k in 1..5: got 6');
  });
});

describe('rankingQuality', () => {
  it("gives τ-b and ρ equal to the correlation functions', and top-k at the rounded fractions", () => {
    const { score, truth } = noisy(200, 0.2, 'values');
    const q = rankingQuality(score, truth, { topFractions: [0.05, 0.1] });
    expect(q.architectures).toBe(200);
    expect(q.kendall.value).toBe(kendallTau(score, truth));
    expect(q.spearman.value).toBe(spearman(score, truth));
    expect(q.topK.map((t) => [t.fraction, t.k, t.value])).toEqual([[0.05, 10, topKPrecision(score, truth, 10)], [0.1, 20, topKPrecision(score, truth, 20)]]);
  });

  it('brackets each value with its 95% interval, narrower with more architectures, the same for the same seed', () => {
    const small = noisy(40, 0.2, 'small');
    const large = noisy(400, 0.2, 'large');
    const qs = rankingQuality(small.score, small.truth, { seed: 1 });
    const ql = rankingQuality(large.score, large.truth, { seed: 1 });
    for (const q of [qs, ql]) {
      for (const e of [q.kendall, q.spearman, ...q.topK]) {
        expect(e.low!).toBeLessThanOrEqual(e.value!);
        expect(e.high!).toBeGreaterThanOrEqual(e.value!);
      }
    }
    expect(ql.kendall.high! - ql.kendall.low!).toBeLessThan((qs.kendall.high! - qs.kendall.low!) / 2);
    expect(rankingQuality(small.score, small.truth, { seed: 1 })).toEqual(qs);
    expect(rankingQuality(small.score, small.truth, { seed: 2 }).kendall.low).not.toBe(qs.kendall.low);
  });

  it('gives 1 with a degenerate interval for a perfect ranking, and −1 for a reversed one', () => {
    const truth = Array.from({ length: 30 }, (_, i) => i / 30);
    const perfect = rankingQuality(truth.map((t) => 2 * t + 1), truth);
    expect([perfect.kendall.value, perfect.kendall.low, perfect.kendall.high]).toEqual([1, 1, 1]);
    expect(perfect.topK.every((t) => t.value === 1)).toBe(true);
    const reversed = rankingQuality(truth.map((t) => -t), truth);
    expect(reversed.kendall.value).toBe(-1);
    expect(reversed.spearman.value).toBeCloseTo(-1, 12);
  });

  it('leaves τ and ρ undefined (null) for a constant score, keeping top-k', () => {
    const q = rankingQuality([0.5, 0.5, 0.5, 0.5], [0.1, 0.2, 0.3, 0.4]);
    expect(q.kendall).toEqual({ value: null, low: null, high: null });
    expect(q.topK[0].value).not.toBeNull();
    expect(formatEstimate(q.kendall)).toBe('undefined');
  });

  it('refuses mismatched, too short or non-finite input, bad fractions and too few resamples, naming the value', () => {
    expect(() => rankingQuality([1, 2, 3], [1, 2])).toThrow('score and truth differ in length: 3 vs 2');
    expect(() => rankingQuality([1, 2], [1, 2])).toThrow('ranking quality needs at least 3 architectures: got 2');
    expect(() => rankingQuality([1, NaN, 3], [1, 2, 3])).toThrow('ranking quality: value is not finite: NaN');
    expect(() => rankingQuality([1, 2, 3], [1, 2, 3], { topFractions: [0] })).toThrow('top-k fraction must be in (0, 1]: got 0');
    expect(() => rankingQuality([1, 2, 3], [1, 2, 3], { resamples: 10 })).toThrow('bootstrap resamples must be an integer ≥ 100: got 10');
  });

  it('flattens into a table row with each interval beside its value', () => {
    const { score, truth } = noisy(60, 0.2, 'row');
    const q = rankingQuality(score, truth, { topFractions: [0.1] });
    expect(rankingQualityRow(q)).toEqual({ architectures: 60, kendall: q.kendall.value, kendallLow: q.kendall.low, kendallHigh: q.kendall.high,
      spearman: q.spearman.value, spearmanLow: q.spearman.low, spearmanHigh: q.spearman.high, top10pct: q.topK[0].value, top10pctLow: q.topK[0].low, top10pctHigh: q.topK[0].high });
  });

  it('formats a value with its interval', () => {
    expect(formatEstimate({ value: 0.41234, low: 0.351, high: 0.468 })).toBe('0.412 [0.35, 0.47]');
    expect(formatEstimate({ value: 0.5, low: null, high: null }, 2)).toBe('0.50');
  });
});

describe('pairedTauDifference', () => {
  it('averages τ(b_i) − τ(a_i) over pairs; its interval excludes 0 when b is clearly better and brackets 0 for equal noise', () => {
    const rng = new Rng('paired');
    const truth = Array.from({ length: 150 }, () => rng.uniform());
    const score = (noise: number) => truth.map((t) => t + rng.normal(0, noise));
    const worse = [score(0.5), score(0.5), score(0.5)];
    const better = [score(0.1), score(0.1), score(0.1)];
    const d = pairedTauDifference(worse, better, truth);
    expect(d.perPair).toEqual(worse.map((w, i) => kendallTau(better[i], truth) - kendallTau(w, truth)));
    expect(d.value).toBeCloseTo((d.perPair as number[]).reduce((x, y) => x + y, 0) / 3, 12);
    expect(d.low!).toBeGreaterThan(0);
    const same = pairedTauDifference([score(0.3), score(0.3)], [score(0.3), score(0.3)], truth);
    expect(same.low!).toBeLessThan(0);
    expect(same.high!).toBeGreaterThan(0);
  });

  it('refuses unpaired or mismatched scores, naming the counts', () => {
    expect(() => pairedTauDifference([[1, 2, 3]], [], [1, 2, 3])).toThrow('paired τ difference needs the same number (≥ 1) of scores on each side: got 1 and 0');
    expect(() => pairedTauDifference([[1, 2]], [[1, 2, 3]], [1, 2, 3])).toThrow('a score has 2 values, truth has 3');
  });
});
