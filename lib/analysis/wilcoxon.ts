// Paired comparisons over seeds: the Wilcoxon signed-rank test (seed i of one method against seed i
// of another) and the minimum detectable difference that says how many seeds a comparison needs.
// Numbers in, numbers out: no verdicts, no I/O, no plotting.
import { normalCdf } from './mann-whitney';
import { studentTQuantile } from './quantiles';

/**
 * Largest number of non-zero differences whose null distribution is enumerated exactly. The
 * enumeration counts sign patterns in doubles; at 50 pairs the largest count is below 2^50, so it
 * stays exact, and the normal approximation is already good there.
 */
const EXACT_MAX_PAIRS = 50;

/** Conventional test level and power (Cohen 1988, Statistical Power Analysis for the Behavioral Sciences, ch. 2). */
const DEFAULT_ALPHA = 0.05;
const DEFAULT_POWER = 0.8;

/** The outcome of a two-sided Wilcoxon signed-rank test. */
export interface WilcoxonResult {
  /** Number of pairs given. */
  readonly n: number;
  /** Pairs with a non-zero difference: the ones ranked and tested. */
  readonly nonZero: number;
  /** Sum of the ranks of |d| over positive differences d = x − y (ties share average ranks). */
  readonly wPlus: number;
  /** Sum of the ranks over negative differences; wPlus + wMinus = nonZero·(nonZero + 1)/2. */
  readonly wMinus: number;
  /** min(wPlus, wMinus), the statistic tables and scipy report for the two-sided test. */
  readonly statistic: number;
  /** Two-sided p-value in [0, 1]. */
  readonly p: number;
  /** True when p comes from the exact null distribution, false for the normal approximation. */
  readonly exact: boolean;
  /** Median of all n differences x − y, zeros included (the direction and size of the effect). */
  readonly medianDifference: number;
}

/**
 * Two-sided Wilcoxon signed-rank test (Wilcoxon 1945, "Individual comparisons by ranking methods",
 * Biometrics Bulletin 1:80–83) of "the differences x[i] − y[i] are symmetric about 0".
 * Zero differences are dropped before ranking (Wilcoxon's zero handling, not Pratt's); |d| ties
 * (exact equality, no tolerance) share their average rank. With at most 50 non-zero differences
 * the p-value is exact: the null distribution of W+ over all 2^nonZero sign patterns is counted by
 * dynamic programming over doubled ranks, which stay integers under average ranks. Beyond that it
 * uses the normal approximation with tie-corrected variance n(n+1)(2n+1)/24 − Σ(t³ − t)/48 and
 * continuity correction 0.5 (normal CDF accurate to about 1.5e-7).
 * p = min(1, 2·min(P(W+ ≤ w+), P(W+ ≥ w+))); all differences zero gives p = 1.
 * @param x first value of each pair (e.g. method A's best accuracy for seed i).
 * @param y second value of each pair, same length and order as x.
 * @throws RangeError for unequal lengths, no pairs, a non-finite value, or a non-finite difference.
 */
export function wilcoxonSignedRank(x: readonly number[], y: readonly number[]): WilcoxonResult {
  const differences = pairDifferences(x, y);
  const nonZero = differences.filter((d) => d !== 0);
  const { doubledRanks, positive, tieTerm } = doubledSignedRanks(nonZero);
  const total = doubledRanks.reduce((sum, r) => sum + r, 0);
  const doubledWPlus = doubledRanks.reduce((sum, r, i) => sum + (positive[i] ? r : 0), 0);
  const wPlus = doubledWPlus / 2;
  const wMinus = (total - doubledWPlus) / 2;
  const exact = nonZero.length <= EXACT_MAX_PAIRS;
  let p = 1;
  if (nonZero.length > 0) p = exact ? exactP(doubledRanks, doubledWPlus) : normalP(nonZero.length, wPlus, tieTerm);
  return { n: differences.length, nonZero: nonZero.length, wPlus, wMinus, statistic: Math.min(wPlus, wMinus), p, exact, medianDifference: median(differences) };
}

function pairDifferences(x: readonly number[], y: readonly number[]): number[] {
  if (x.length !== y.length) throw new RangeError(`x and y must have the same length: got ${x.length} and ${y.length}`);
  if (x.length === 0) throw new RangeError('x and y need at least 1 pair: got 0');
  return x.map((xi, i) => {
    const yi = y[i];
    if (!Number.isFinite(xi)) throw new RangeError(`x[${i}] is not finite: ${xi}`);
    if (!Number.isFinite(yi)) throw new RangeError(`y[${i}] is not finite: ${yi}`);
    const d = xi - yi;
    if (!Number.isFinite(d)) throw new RangeError(`x[${i}] − y[${i}] overflows: ${xi} − ${yi}`);
    return d;
  });
}

// Ranks of |d| doubled (tied groups get i + j + 2 for sorted positions i..j, twice their average
// rank, so always an integer), the sign of each, and Σ(t³ − t) over tie groups.
function doubledSignedRanks(d: readonly number[]): { doubledRanks: number[]; positive: boolean[]; tieTerm: number } {
  const sorted = d.map((v) => ({ abs: Math.abs(v), positive: v > 0 })).sort((a, b) => a.abs - b.abs);
  const doubledRanks = new Array<number>(sorted.length);
  let tieTerm = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1].abs === sorted[i].abs) j++;
    for (let k = i; k <= j; k++) doubledRanks[k] = i + j + 2;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  return { doubledRanks, positive: sorted.map((s) => s.positive), tieTerm };
}

// Exact two-sided p: counts[s] = number of sign patterns whose doubled W+ equals s.
function exactP(doubledRanks: readonly number[], doubledWPlus: number): number {
  const total = doubledRanks.reduce((sum, r) => sum + r, 0);
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  for (const r of doubledRanks) {
    for (let s = total; s >= r; s--) counts[s] += counts[s - r];
  }
  let lower = 0;
  let upper = 0;
  counts.forEach((c, s) => {
    if (s <= doubledWPlus) lower += c;
    if (s >= doubledWPlus) upper += c;
  });
  return Math.min(1, (2 * Math.min(lower, upper)) / 2 ** doubledRanks.length);
}

function normalP(n: number, wPlus: number, tieTerm: number): number {
  const mean = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const distance = Math.max(0, Math.abs(wPlus - mean) - 0.5);
  return Math.min(1, 2 * normalCdf(-distance / Math.sqrt(variance)));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Smallest true difference in means that a two-sided test at level alpha detects with the given
 * power using n seeds, from standard power analysis (Cohen 1988, ch. 2; the normal-theory
 * sample-size formula, z quantiles replaced by t quantiles as the small-sample correction):
 *   paired (n pairs, std of the per-seed differences):  (t_{1−α/2, n−1} + t_{power, n−1}) · std · √(1/n)
 *   unpaired (two groups of n, common std):             (t_{1−α/2, 2n−2} + t_{power, 2n−2}) · std · √(2/n)
 * Using central t quantiles in place of the noncentral t makes it an approximation, close for power ≥ 0.5.
 * The result is in the units of std (e.g. fractions of 1 for accuracies).
 * @param options.n seeds per method (pairs when paired), an integer ≥ 2.
 * @param options.std standard deviation, ≥ 0: of the differences when paired, of each group when not.
 * @param options.alpha two-sided test level in (0, 1); default 0.05.
 * @param options.power probability of detecting the difference, in (alpha/2, 1); default 0.8.
 * @param options.paired true for a paired design (same seeds for both methods); default false.
 * @throws RangeError for n not an integer ≥ 2, std negative or non-finite, alpha or power outside
 *   (0, 1), or power ≤ alpha/2 (no positive difference has that little power).
 */
export function minimumDetectableDifference(options: { n: number; std: number; alpha?: number; power?: number; paired?: boolean }): number {
  const { n, std, alpha = DEFAULT_ALPHA, power = DEFAULT_POWER, paired = false } = options;
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`n must be an integer ≥ 2: got ${n}`);
  if (!(Number.isFinite(std) && std >= 0)) throw new RangeError(`std must be finite and ≥ 0: got ${std}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1): got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must lie in (0, 1): got ${power}`);
  if (!(power > alpha / 2)) throw new RangeError(`power must exceed alpha / 2 (${alpha / 2}): got ${power}`);
  const df = paired ? n - 1 : 2 * n - 2;
  const scale = paired ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
  return (studentTQuantile(1 - alpha / 2, df) + studentTQuantile(power, df)) * std * scale;
}
