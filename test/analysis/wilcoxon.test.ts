import { describe, expect, it } from 'vitest';
import { minimumDetectableDifference, wilcoxonSignedRank } from '../../lib/analysis/wilcoxon';

// An independent reference for small n: rank |d| by counting (rank = #smaller + (#equal + 1)/2),
// then walk all 2^n sign patterns and take p = 2·min(P(W+ ≤ w), P(W+ ≥ w)), capped at 1.
function bruteForceP(differences: readonly number[]): number {
  const d = differences.filter((v) => v !== 0);
  const abs = d.map(Math.abs);
  const ranks = abs.map((a) => abs.filter((b) => b < a).length + (abs.filter((b) => b === a).length + 1) / 2);
  const observed = ranks.reduce((sum, r, i) => sum + (d[i] > 0 ? r : 0), 0);
  let atMost = 0;
  let atLeast = 0;
  for (let mask = 0; mask < 2 ** d.length; mask++) {
    const w = ranks.reduce((sum, r, i) => sum + ((mask >> i) & 1 ? r : 0), 0);
    if (w <= observed) atMost++;
    if (w >= observed) atLeast++;
  }
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / 2 ** d.length);
}

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

describe('wilcoxonSignedRank', () => {
  it("reproduces scipy's documented example (Darwin's Zea mays data) exactly", () => {
    // scipy.stats.wilcoxon docs: wilcoxon(d) → statistic 24.0, p-value 0.041259765625 (= 1352 / 2^15)
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    const r = wilcoxonSignedRank(d, zeros(d.length));
    expect(r).toEqual({ n: 15, nonZero: 15, wPlus: 96, wMinus: 24, statistic: 24, p: 0.041259765625, exact: true, medianDifference: 24 });
    // and the brute-force reference used below agrees with scipy here
    expect(bruteForceP(d)).toBe(0.041259765625);
  });
  it('gives p = 2/32 for five positive differences, the smallest p n = 5 can reach', () => {
    // only the all-plus pattern of 2^5 reaches W+ = 15
    const r = wilcoxonSignedRank([0.95, 0.94, 0.93, 0.96, 0.92], [0.9, 0.9, 0.9, 0.9, 0.9]);
    expect(r.wPlus).toBe(15);
    expect(r.wMinus).toBe(0);
    expect(r.p).toBe(0.0625);
  });
  it('gives average ranks to tied |d| and counts the exact null over them', () => {
    // |d| = 1, 1, 2, 2, 3 → ranks 1.5, 1.5, 3.5, 3.5, 5; W+ = 1.5 + 3.5 + 3.5 = 8.5, W− = 6.5
    const d = [1, -1, 2, 2, -3];
    const r = wilcoxonSignedRank(d, zeros(5));
    expect(r.wPlus).toBe(8.5);
    expect(r.wMinus).toBe(6.5);
    expect(r.statistic).toBe(6.5);
    expect(r.p).toBeCloseTo(bruteForceP(d), 15);
  });
  it('matches brute-force enumeration of all sign patterns on tied, zero-laden samples', () => {
    // deterministic samples with many ties and some zeros, n up to 14 (16 384 patterns)
    for (const [n, step, modulus, shift] of [[8, 3, 5, 2], [11, 5, 7, 3], [14, 4, 9, 3], [12, 7, 11, 4]]) {
      const d = Array.from({ length: n }, (_, i) => ((i * step + 1) % modulus) - shift);
      const r = wilcoxonSignedRank(d, zeros(n));
      expect(r.exact).toBe(true);
      expect(r.p).toBeCloseTo(bruteForceP(d), 14);
    }
  });
  it('drops zero differences (Wilcoxon, not Pratt) but counts them in n and the median', () => {
    // the same five non-zero differences as above, plus three ties between x and y
    const base = wilcoxonSignedRank([1, -1, 2, 2, -3], zeros(5));
    const r = wilcoxonSignedRank([1, -1, 2, 0, 2, 0, -3, 0], zeros(8));
    expect(r.n).toBe(8);
    expect(r.nonZero).toBe(5);
    expect(r.p).toBe(base.p);
    expect(r.wPlus).toBe(base.wPlus);
    expect(r.medianDifference).toBe(0);
  });
  it('gives p = 1 when every difference is zero', () => {
    const r = wilcoxonSignedRank([0.9, 0.91, 0.92], [0.9, 0.91, 0.92]);
    expect(r).toEqual({ n: 3, nonZero: 0, wPlus: 0, wMinus: 0, statistic: 0, p: 1, exact: true, medianDifference: 0 });
  });
  it('is symmetric: swapping x and y swaps W+ and W− and keeps p', () => {
    const x = [0.931, 0.944, 0.94, 0.938, 0.95, 0.946, 0.941];
    const y = [0.935, 0.94, 0.947, 0.944, 0.948, 0.949, 0.943];
    const xy = wilcoxonSignedRank(x, y);
    const yx = wilcoxonSignedRank(y, x);
    expect(yx.wPlus).toBe(xy.wMinus);
    expect(yx.wMinus).toBe(xy.wPlus);
    expect(yx.p).toBe(xy.p);
    expect(yx.medianDifference).toBe(-xy.medianDifference);
  });
  it('uses the tie- and continuity-corrected normal approximation beyond 50 non-zero differences', () => {
    // 70 pairs, 5 zeros, heavy ties; scipy.stats.wilcoxon(d, method='approx', correction=True)
    // → statistic 762.0, p-value 0.042139226246329896 (normalCdf is good to ~1.5e-7)
    const d = Array.from({ length: 70 }, (_, i) => (((i + 1) * 7) % 13) - 5);
    const r = wilcoxonSignedRank(d, zeros(70));
    expect(r.nonZero).toBe(65);
    expect(r.exact).toBe(false);
    expect(r.wPlus).toBe(1383);
    expect(r.statistic).toBe(762);
    expect(r.p).toBeCloseTo(0.042139226246329896, 6);
    expect(r.medianDifference).toBe(1);
  });
  it('switches from exact to approximate between 50 and 51 non-zero differences', () => {
    // alternating signs on |d| = 1..n; scipy.stats.wilcoxon: n = 50 method='exact' → 0.9085978224870299,
    // n = 51 method='approx', correction=True → 0.9067266583852887
    const d = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? i + 1 : -(i + 1)));
    const at50 = wilcoxonSignedRank(d(50), zeros(50));
    const at51 = wilcoxonSignedRank(d(51), zeros(51));
    expect(at50.exact).toBe(true);
    expect(at50.p).toBeCloseTo(0.9085978224870299, 12);
    expect(at51.exact).toBe(false);
    expect(at51.p).toBeCloseTo(0.9067266583852887, 6);
  });
  it('rejects unequal lengths, no pairs, non-finite values and overflowing differences', () => {
    expect(() => wilcoxonSignedRank([1, 2, 3], [1, 2, 3, 4])).toThrow('x and y must have the same length: got 3 and 4');
    expect(() => wilcoxonSignedRank([], [])).toThrow('x and y need at least 1 pair: got 0');
    expect(() => wilcoxonSignedRank([1, NaN], [1, 2])).toThrow('x[1] is not finite: NaN');
    expect(() => wilcoxonSignedRank([1, 2, 3], [1, 2, -Infinity])).toThrow('y[2] is not finite: -Infinity');
    expect(() => wilcoxonSignedRank([1.5e308], [-1.5e308])).toThrow('x[0] − y[0] overflows: 1.5e+308 − -1.5e+308');
  });
});

describe('minimumDetectableDifference', () => {
  it('matches the formula with table t quantiles for 20 paired seeds', () => {
    // (t_{0.975,19} + t_{0.8,19}) / √20 = (2.093024 + 0.860951) / 4.472136
    expect(minimumDetectableDifference({ n: 20, std: 1, paired: true })).toBeCloseTo((2.093024 + 0.860951) / Math.sqrt(20), 6);
    // scipy: (t.ppf(0.975, 19) + t.ppf(0.8, 19)) / sqrt(20)
    expect(minimumDetectableDifference({ n: 20, std: 1, paired: true })).toBeCloseTo(0.660528801986637, 10);
  });
  it('uses 2n − 2 degrees of freedom and √(2/n) for two independent groups, the default', () => {
    // scipy: (t.ppf(0.975, 38) + t.ppf(0.8, 38)) * sqrt(2 / 20)
    expect(minimumDetectableDifference({ n: 20, std: 1, paired: false })).toBeCloseTo(0.9093372655413191, 10);
    expect(minimumDetectableDifference({ n: 20, std: 1 })).toBe(minimumDetectableDifference({ n: 20, std: 1, paired: false }));
  });
  it('honours alpha and power and scales linearly with std', () => {
    // scipy: (t.ppf(0.995, 4) + t.ppf(0.9, 4)) * 0.01 / sqrt(5)
    expect(minimumDetectableDifference({ n: 5, std: 0.01, alpha: 0.01, power: 0.9, paired: true })).toBeCloseTo(0.027446845119043405, 12);
    const one = minimumDetectableDifference({ n: 10, std: 1 });
    expect(minimumDetectableDifference({ n: 10, std: 0.003 })).toBeCloseTo(0.003 * one, 14);
    expect(minimumDetectableDifference({ n: 10, std: 0 })).toBe(0);
  });
  it('approaches the normal-theory (z_{0.975} + z_{0.8})·std/√n for many seeds', () => {
    const z = 1.959964 + 0.841621;
    expect(minimumDetectableDifference({ n: 100000, std: 1, paired: true }) * Math.sqrt(100000)).toBeCloseTo(z, 4);
  });
  it('rejects n < 2 or fractional, a negative or non-finite std, alpha or power outside (0, 1)', () => {
    expect(() => minimumDetectableDifference({ n: 1, std: 1 })).toThrow('n must be an integer ≥ 2: got 1');
    expect(() => minimumDetectableDifference({ n: 2.5, std: 1 })).toThrow('n must be an integer ≥ 2: got 2.5');
    expect(() => minimumDetectableDifference({ n: 10, std: -0.1 })).toThrow('std must be finite and ≥ 0: got -0.1');
    expect(() => minimumDetectableDifference({ n: 10, std: NaN })).toThrow('std must be finite and ≥ 0: got NaN');
    expect(() => minimumDetectableDifference({ n: 10, std: 1, alpha: 0 })).toThrow('alpha must lie in (0, 1): got 0');
    expect(() => minimumDetectableDifference({ n: 10, std: 1, alpha: 1 })).toThrow('alpha must lie in (0, 1): got 1');
    expect(() => minimumDetectableDifference({ n: 10, std: 1, power: 1 })).toThrow('power must lie in (0, 1): got 1');
    expect(() => minimumDetectableDifference({ n: 10, std: 1, power: 0 })).toThrow('power must lie in (0, 1): got 0');
  });
  it('rejects a power at or below alpha / 2, where no positive difference qualifies', () => {
    expect(() => minimumDetectableDifference({ n: 10, std: 1, power: 0.02 })).toThrow('power must exceed alpha / 2 (0.025): got 0.02');
  });
});
