// Small descriptive statistics over plain number arrays (no data frames, no I/O).
// Inputs are validated here because notebooks and the CLI pass user-controlled arrays.

/** Summary of a sample: count, mean, sample standard deviation, min, max. */
export interface Summary {
  readonly count: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Mean, sample standard deviation (n − 1), min and max.
 * @throws RangeError on an empty array or a non-finite value (naming its index).
 */
export function summarize(values: ArrayLike<number>): Summary {
  checkFinite(values);
  const n = values.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  return { count: n, mean, std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0, min, max };
}

/**
 * The accuracy a cell needs to be in the top `fraction` of a table: the value of the
 * ⌈fraction·n⌉-th best entry (so "top 1%" of 30,001 cells is the 301st best). Using an
 * order statistic, not an interpolated quantile, makes the threshold an accuracy that a
 * real cell has.
 * @param fraction in (0, 1].
 * @throws RangeError when fraction is outside (0, 1] or values are empty / non-finite.
 */
export function topFractionThreshold(values: ArrayLike<number>, fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`fraction must be in (0, 1]: got ${fraction}`);
  checkFinite(values);
  const sorted = Float64Array.from(values).sort().reverse();
  return sorted[Math.ceil(fraction * sorted.length) - 1];
}

/**
 * Percentile rank of `value` in `values`: the fraction of entries strictly below it,
 * in [0, 1] (1 − rank is the "top x%" a found architecture reaches).
 * @throws RangeError on empty / non-finite values.
 */
export function percentileRank(values: ArrayLike<number>, value: number): number {
  checkFinite(values);
  let below = 0;
  for (let i = 0; i < values.length; i++) if (values[i] < value) below++;
  return below / values.length;
}

/**
 * Counts of values in `bins` equal-width bins over [min, max] (the last bin is closed).
 * `range` narrows the binned interval (default: the data's min and max); values outside it
 * are not binned but counted in `below` / `above`, so nothing disappears silently.
 * @returns bin edges (length bins + 1), counts (length bins), and the counts outside the range.
 * @throws RangeError when bins is not a positive integer, the range is empty, or values are empty / non-finite.
 */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  range: { min?: number; max?: number } = {},
): { edges: number[]; counts: number[]; below: number; above: number } {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer: got ${bins}`);
  const data = summarize(values);
  const min = range.min ?? data.min;
  const max = range.max ?? data.max;
  if (!(max >= min)) throw new RangeError(`histogram range is empty: min ${min} > max ${max}`);
  const width = (max - min) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) below++;
    else if (values[i] > max) above++;
    else counts[Math.min(bins - 1, Math.floor((values[i] - min) / width))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => min + i * width), counts, below, above };
}

function checkFinite(values: ArrayLike<number>): void {
  if (values.length === 0) throw new RangeError('statistics of an empty array');
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`non-finite value at index ${i}: ${values[i]}`);
  }
}
