// DNAS Eq 4: the promising region of each latent factor, R_s = ∪_{i ∈ top-k} [z_i,s − σ, z_i,s + σ],
// and uniform draws from the product of the R_s. Pure arithmetic on numbers: no model, no decoding.
import type { Rng } from '../random';

/** For each latent dimension s, the disjoint, sorted intervals whose union is R_s. */
export interface PromisingRegion {
  readonly intervals: readonly (readonly (readonly [number, number])[])[];
}

/**
 * Eq 4 for every latent dimension: the union of σ-intervals around the given latent codes
 * (those of the top-k labelled architectures), overlapping intervals merged.
 * DNAS §Experiments: σ = 0.05, k = 3; e.g. z_7 of the top 3 at −0.28, −0.16, −0.19 gives
 * [−0.33, −0.23] ∪ [−0.21, −0.11] ∪ [−0.24, −0.14] = [−0.33, −0.11].
 * @param topZ [k, latentDim] latent codes (μ) of the top-k architectures.
 * @param sigma half-width of each interval (> 0): one for all, or [k, latentDim], one per code and
 *   dimension (e.g. a multiple of each code's posterior standard deviation).
 * @throws RangeError for no codes, ragged codes or half-widths, a non-finite value, or σ ≤ 0.
 */
export function promisingRegion(topZ: readonly (readonly number[])[], sigma: number | readonly (readonly number[])[]): PromisingRegion {
  if (topZ.length === 0) throw new RangeError('promisingRegion needs at least one latent code (the top-k)');
  const dims = topZ[0].length;
  const width = typeof sigma === 'number' ? topZ.map((z) => z.map(() => sigma)) : sigma;
  if (width.length !== topZ.length) throw new RangeError(`sigma has ${width.length} rows for ${topZ.length} latent codes`);
  topZ.forEach((z, i) => {
    if (z.length !== dims) throw new RangeError(`latent code ${i} has ${z.length} dimensions (expected ${dims})`);
    if (width[i].length !== dims) throw new RangeError(`sigma row ${i} has ${width[i].length} dimensions (expected ${dims})`);
    z.forEach((v, s) => {
      if (!Number.isFinite(v)) throw new RangeError(`latent code ${i}, dimension ${s} is not finite: ${v}`);
      if (!(width[i][s] > 0 && Number.isFinite(width[i][s]))) throw new RangeError(`sigma must be a finite number > 0: got ${width[i][s]}${typeof sigma === 'number' ? '' : ` (code ${i}, dimension ${s})`}`);
    });
  });
  return { intervals: Array.from({ length: dims }, (_, s) => mergeIntervals(topZ.map((z, i) => [z[s] - width[i][s], z[s] + width[i][s]] as const))) };
}

/** Union of closed intervals as disjoint sorted intervals. */
function mergeIntervals(intervals: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/**
 * One latent code drawn uniformly from the product of the R_s: each dimension independently,
 * uniform over its union of intervals (an interval chosen with probability ∝ its length).
 * @returns [latentDim] numbers.
 */
export function sampleFromRegion(region: PromisingRegion, rng: Rng): number[] {
  return region.intervals.map((intervals) => {
    const total = intervals.reduce((sum, [lo, hi]) => sum + (hi - lo), 0);
    let u = rng.uniform() * total;
    for (const [lo, hi] of intervals) {
      if (u <= hi - lo) return lo + u;
      u -= hi - lo;
    }
    return intervals[intervals.length - 1][1]; // only reached through float rounding at the top end
  });
}

/** Whether a latent code lies in the region (every dimension inside its union). */
export function inRegion(region: PromisingRegion, z: readonly number[]): boolean {
  return region.intervals.every((intervals, s) => intervals.some(([lo, hi]) => z[s] >= lo && z[s] <= hi));
}
