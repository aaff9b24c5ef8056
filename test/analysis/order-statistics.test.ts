import { describe, expect, it } from 'vitest';
import { expectedBestCurve, expectedBestOfK, expectedReportOfBest, maxRankProbabilities } from '../../lib/analysis/order-statistics';
import { Rng } from '../../lib/random';

/** Mean and variance of max over every k-subset of `values` (brute force, tiny tables only). */
function bruteForceWithout(values: number[], k: number): { mean: number; variance: number } {
  const maxima: number[] = [];
  const pick = (start: number, chosen: number[]): void => {
    if (chosen.length === k) return void maxima.push(Math.max(...chosen));
    for (let i = start; i < values.length; i++) pick(i + 1, [...chosen, values[i]]);
  };
  pick(0, []);
  return meanVariance(maxima);
}

/** The same over every ordered k-tuple with repetition. */
function bruteForceWith(values: number[], k: number): { mean: number; variance: number } {
  const maxima: number[] = [];
  const pick = (chosen: number[]): void => {
    if (chosen.length === k) return void maxima.push(Math.max(...chosen));
    for (const v of values) pick([...chosen, v]);
  };
  pick([]);
  return meanVariance(maxima);
}

function meanVariance(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length };
}

// Unsorted, with a tie (0.7 twice) and a negative value: order and ties must not matter.
const TABLE = [0.3, 0.7, -0.1, 0.9, 0.7, 0.5, 0.2];

describe('maxRankProbabilities', () => {
  it('sums to one with and without replacement, including k = n and k = 1', () => {
    for (const [n, k] of [[7, 3], [7, 7], [7, 1], [30001, 2000]]) {
      const sum = (p: Float64Array): number => p.reduce((a, b) => a + b, 0);
      expect(sum(maxRankProbabilities(n, k))).toBeCloseTo(1, 10);
      expect(sum(maxRankProbabilities(n, k, { replacement: true }))).toBeCloseTo(1, 10);
    }
  });
  it('puts all mass on the top entry when every entry is drawn', () => {
    expect(Array.from(maxRankProbabilities(4, 4))).toEqual([0, 0, 0, 1]);
  });
  it('rejects more distinct draws than entries', () => {
    expect(() => maxRankProbabilities(3, 4)).toThrow('cannot draw 4 distinct entries from a table of 3');
  });
  it('rejects a k that is not a positive integer', () => {
    expect(() => maxRankProbabilities(3, 0)).toThrow('k (draws) must be a positive integer: got 0');
    expect(() => maxRankProbabilities(3, 1.5)).toThrow('got 1.5');
  });
  it('rejects a table size that is not a positive integer', () => {
    expect(() => maxRankProbabilities(0, 1)).toThrow('table size must be a positive integer: got 0');
  });
});

describe('expectedBestOfK', () => {
  it('equals brute-force enumeration of all k-subsets (without replacement)', () => {
    for (let k = 1; k <= TABLE.length; k++) {
      const exact = expectedBestOfK(TABLE, k);
      const brute = bruteForceWithout(TABLE, k);
      expect(exact.mean).toBeCloseTo(brute.mean, 12);
      expect(exact.variance).toBeCloseTo(brute.variance, 12);
    }
  });
  it('equals brute-force enumeration of all k-tuples (with replacement)', () => {
    for (let k = 1; k <= 4; k++) {
      const exact = expectedBestOfK(TABLE, k, { replacement: true });
      const brute = bruteForceWith(TABLE, k);
      expect(exact.mean).toBeCloseTo(brute.mean, 12);
      expect(exact.variance).toBeCloseTo(brute.variance, 12);
    }
  });
  it('matches a Monte Carlo estimate on a larger table within 4 standard errors', () => {
    // 1,000 normal values, best of 50 distinct draws, 4,000 Monte Carlo repetitions.
    const rng = new Rng('order-statistics-mc');
    const values = Array.from({ length: 1000 }, () => rng.normal(0.9, 0.02));
    const exact = expectedBestOfK(values, 50);
    const reps = 4000;
    let sum = 0;
    for (let r = 0; r < reps; r++) sum += Math.max(...rng.sampleIndices(values.length, 50).map((i) => values[i]));
    const standardError = exact.std / Math.sqrt(reps);
    expect(Math.abs(sum / reps - exact.mean)).toBeLessThan(4 * standardError);
  });
  it('gives a larger expectation without replacement than with it (no wasted repeat draws)', () => {
    expect(expectedBestOfK(TABLE, 3).mean).toBeGreaterThan(expectedBestOfK(TABLE, 3, { replacement: true }).mean);
  });
  it('rejects an empty table', () => {
    expect(() => expectedBestOfK([], 1)).toThrow('best of k from an empty table');
  });
  it('rejects a non-finite value and names its index', () => {
    expect(() => expectedBestOfK([0.5, NaN], 1)).toThrow('non-finite value at index 1: NaN');
  });
});

describe('expectedBestCurve', () => {
  it('agrees with expectedBestOfK at every k and never decreases', () => {
    const curve = expectedBestCurve(TABLE, TABLE.length);
    curve.forEach((mean, i) => expect(mean).toBeCloseTo(expectedBestOfK(TABLE, i + 1).mean, 12));
    for (let i = 1; i < curve.length; i++) expect(curve[i]).toBeGreaterThanOrEqual(curve[i - 1]);
  });
});

describe('expectedReportOfBest', () => {
  // Search values 1, 2, 2, 3 with reports 10, 20, 30, 40; k = 2 gives six equally likely pairs,
  // whose picks report 20, 30, 40, (20 or 30: first queried, so 25 on average), 40, 40: mean 32.5.
  it('matches a hand count over every 2-subset, ties resolved by the first queried', () => {
    expect(expectedReportOfBest([1, 2, 2, 3], [10, 20, 30, 40], 2)).toBeCloseTo(32.5, 12);
  });
  it('equals the expected best when the report metric is the search metric', () => {
    expect(expectedReportOfBest(TABLE, TABLE, 3)).toBeCloseTo(expectedBestOfK(TABLE, 3).mean, 12);
  });
  it('agrees with simulation when the metrics differ (20,000 draws, 4 standard errors)', () => {
    const rng = new Rng(11);
    const search = Array.from({ length: 40 }, () => Math.round(rng.uniform() * 10) / 10);
    const report = search.map((s) => s + rng.normal() * 0.1);
    const reps = 20_000;
    const picks: number[] = [];
    for (let r = 0; r < reps; r++) {
      const order = rng.shuffle(Array.from({ length: search.length }, (_, i) => i)).slice(0, 5);
      let best = order[0];
      for (const i of order) if (search[i] > search[best]) best = i;
      picks.push(report[best]);
    }
    const mean = picks.reduce((a, b) => a + b, 0) / reps;
    const sd = Math.sqrt(picks.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1));
    expect(Math.abs(mean - expectedReportOfBest(search, report, 5))).toBeLessThan(4 * (sd / Math.sqrt(reps)));
  });
  it('rejects columns of different lengths, naming both', () => {
    expect(() => expectedReportOfBest([1, 2], [1], 1)).toThrow('search and report columns must align: got 2 and 1 values');
  });
});
