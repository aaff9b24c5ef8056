// Exact distribution of the best of k uniform draws from a finite table (with and without
// replacement): the yardstick for random search. Pure arithmetic: no sampling, no I/O.

/** Mean, variance and standard deviation of the maximum of k draws. */
export interface BestOfK {
  /** Number of draws. */
  readonly k: number;
  /** Table size. */
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
  readonly std: number;
}

/** How the k draws are made. */
export interface BestOfKOptions {
  /**
   * false (default): k distinct entries, i.e. a uniform k-subset — random search under a
   * distinct-cell budget (NAS-Bench-101 protocol, Ying et al. 2019 §5). true: k independent draws.
   */
  readonly replacement?: boolean;
}

/**
 * P(max of k draws is the i-th smallest entry), for i = 1..n, ordering ties by position
 * (which leaves E[f(max)] exact for any f, since tied entries share a value).
 * Without replacement: C(i−1, k−1) / C(n, k), computed downwards from p_n = k/n with
 * p_{i−1} = p_i·(i−k)/(i−1), so no binomial is ever formed (no overflow; tiny terms underflow to 0).
 * With replacement: (i/n)^k − ((i−1)/n)^k = (i/n)^k · −expm1(k·log1p(−1/i)), stable for large k.
 * @returns probabilities, index 0 ↔ the smallest entry; they sum to 1 up to rounding.
 * @throws RangeError when n or k is not a positive integer, or k > n without replacement.
 */
export function maxRankProbabilities(n: number, k: number, options: BestOfKOptions = {}): Float64Array {
  checkSizes(n, k, options.replacement ?? false);
  const p = new Float64Array(n);
  if (options.replacement) {
    for (let i = 1; i <= n; i++) p[i - 1] = Math.exp(k * Math.log(i / n)) * -Math.expm1(k * Math.log1p(-1 / i));
    return p;
  }
  let current = k / n;
  for (let i = n; i >= k; i--) {
    p[i - 1] = current;
    current *= (i - k) / (i - 1);
  }
  return p;
}

/**
 * The exact mean and spread of the best of k uniform draws from `values`:
 * E[max] = Σ_i v_(i)·P(max = v_(i)) over the sorted table (see maxRankProbabilities).
 * This is random search's expected best after k distinct queries restricted to the table.
 * @param values the table, e.g. the 30,001 validation accuracies of the NAS-Bench-101 subset.
 * @param k draws (queries).
 * @throws RangeError on an empty table, a non-finite value (naming its index), k not a
 *   positive integer, or k > n without replacement.
 */
export function expectedBestOfK(values: ArrayLike<number>, k: number, options: BestOfKOptions = {}): BestOfK {
  const sorted = sortedFinite(values);
  const p = maxRankProbabilities(sorted.length, k, options);
  // Centre on the table's top value so the second moment loses no digits to cancellation.
  const top = sorted[sorted.length - 1];
  let mean = 0;
  let second = 0;
  for (let i = 0; i < sorted.length; i++) {
    const d = sorted[i] - top;
    mean += p[i] * d;
    second += p[i] * d * d;
  }
  const variance = Math.max(0, second - mean * mean);
  return { k, n: sorted.length, mean: top + mean, variance, std: Math.sqrt(variance) };
}

/**
 * Expected best-so-far curve of random search: E[max of k draws] for k = 1..kMax, exact
 * (one pass per k: O(n·kMax)). Index 0 ↔ one query.
 * @throws RangeError as expectedBestOfK, with kMax in place of k.
 */
export function expectedBestCurve(values: ArrayLike<number>, kMax: number, options: BestOfKOptions = {}): number[] {
  const sorted = sortedFinite(values);
  checkSizes(sorted.length, kMax, options.replacement ?? false);
  const curve: number[] = [];
  for (let k = 1; k <= kMax; k++) {
    const p = maxRankProbabilities(sorted.length, k, options);
    let mean = 0;
    for (let i = 0; i < sorted.length; i++) mean += p[i] * sorted[i];
    curve.push(mean);
  }
  return curve;
}

/**
 * Random search's expected REPORT accuracy after k distinct queries, when it picks by a different
 * SEARCH metric (NAS-Bench protocol: pick the validation-best of the k cells, report its test
 * accuracy). Exact: E = Σ_v P(max search value = v) · mean(report over the cells with search value v).
 * Among cells tied at the top search value the pick is the first queried, which under uniform
 * draws is uniform over the tied cells in the sample, so by symmetry its expected report is the
 * tied group's mean over the table.
 * @param search every cell's search accuracy; @param report the same cells' report accuracy, aligned.
 * @throws RangeError when the two differ in length, a value is not finite (naming its index), or
 *   as expectedBestOfK for k.
 */
export function expectedReportOfBest(search: ArrayLike<number>, report: ArrayLike<number>, k: number, options: BestOfKOptions = {}): number {
  if (search.length !== report.length) throw new RangeError(`search and report columns must align: got ${search.length} and ${report.length} values`);
  checkFinite(search);
  checkFinite(report);
  const order = Array.from({ length: search.length }, (_, i) => i);
  order.sort((a, b) => search[a] - search[b]);
  const p = maxRankProbabilities(order.length, k, options);
  let expected = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    let mass = 0;
    let sum = 0;
    while (end < order.length && search[order[end]] === search[order[start]]) {
      mass += p[end];
      sum += report[order[end]];
      end++;
    }
    expected += (mass * sum) / (end - start);
    start = end;
  }
  return expected;
}

function sortedFinite(values: ArrayLike<number>): Float64Array {
  checkFinite(values);
  return Float64Array.from(values).sort();
}

/** @throws RangeError on an empty table or a non-finite value, naming its index. */
function checkFinite(values: ArrayLike<number>): void {
  if (values.length === 0) throw new RangeError('best of k from an empty table');
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`non-finite value at index ${i}: ${values[i]}`);
  }
}

function checkSizes(n: number, k: number, replacement: boolean): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`table size must be a positive integer: got ${n}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k (draws) must be a positive integer: got ${k}`);
  if (!replacement && k > n) throw new RangeError(`cannot draw ${k} distinct entries from a table of ${n} (k ≤ n without replacement)`);
}

/** Entries of an ascending array at most `value` (binary search). */
export function countAtMost(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
