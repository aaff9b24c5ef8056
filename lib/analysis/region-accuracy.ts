// Which labelled cells fall in a promising region (DNAS Eq 4) and how their accuracy compares with
// the rest's (means, medians, Mann–Whitney U). Numbers in, a record out; the region comes from
// samplers/promising-region, nothing is sampled or plotted here.
import type { PromisingRegion } from '../samplers/promising-region';
import { mannWhitneyU } from './mann-whitney';

/** Cells inside vs outside a region, on the factors checked. */
export interface RegionAccuracy {
  /** The factors whose intervals a cell must lie in (0-based). */
  readonly factors: readonly number[];
  /** Cells inside (after `exclude`). */
  readonly inside: number;
  readonly outside: number;
  /** Mean / median accuracy of each group; null for an empty group. */
  readonly meanInside: number | null;
  readonly meanOutside: number | null;
  readonly medianInside: number | null;
  readonly medianOutside: number | null;
  /** Two-sided Mann–Whitney U p-value inside vs outside; null when a group has fewer than 2 cells. */
  readonly p: number | null;
}

/**
 * Split labelled cells by membership of a promising region and compare their accuracy: a cell is
 * inside when, for every factor in `options.factors` (default all), its z_s lies in R_s.
 * @param z [cells, latentDim] latent codes (μ). @param accuracy [cells] (fraction of 1).
 * @param options.exclude cell indices left out of both groups (e.g. the top-k that define the
 *   region, which are inside by construction).
 * @throws RangeError for mismatched or ragged inputs, a region of another dimension, or a factor
 *   or excluded index out of range.
 */
export function regionAccuracy(
  z: readonly (readonly number[])[],
  accuracy: readonly number[],
  region: PromisingRegion,
  options: { readonly factors?: readonly number[]; readonly exclude?: readonly number[] } = {},
): RegionAccuracy {
  if (z.length !== accuracy.length) throw new RangeError(`z has ${z.length} rows but accuracy has ${accuracy.length} values`);
  const dims = region.intervals.length;
  z.forEach((row, i) => {
    if (row.length !== dims) throw new RangeError(`latent code ${i} has ${row.length} dimensions (region: ${dims})`);
  });
  const factors = options.factors ?? Array.from({ length: dims }, (_, s) => s);
  factors.forEach((s) => {
    if (!Number.isInteger(s) || s < 0 || s >= dims) throw new RangeError(`factor must be an integer in 0..${dims - 1}: got ${s}`);
  });
  const exclude = new Set(options.exclude ?? []);
  exclude.forEach((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= z.length) throw new RangeError(`excluded index must be an integer in 0..${z.length - 1}: got ${i}`);
  });
  const inside: number[] = [];
  const outside: number[] = [];
  z.forEach((row, i) => {
    if (exclude.has(i)) return;
    const isIn = factors.every((s) => region.intervals[s].some(([lo, hi]) => row[s] >= lo && row[s] <= hi));
    (isIn ? inside : outside).push(accuracy[i]);
  });
  return {
    factors,
    inside: inside.length,
    outside: outside.length,
    meanInside: mean(inside),
    meanOutside: mean(outside),
    medianInside: median(inside),
    medianOutside: median(outside),
    p: inside.length >= 2 && outside.length >= 2 ? mannWhitneyU(inside, outside).p : null,
  };
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
