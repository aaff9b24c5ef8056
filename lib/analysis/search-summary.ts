// Summaries of many seeds of one search configuration: best accuracy (mean ± std), its
// percentile in the table, regret to the table optimum, free proposals, best-so-far bands.
// Pure numbers in, numbers out: no files, no plotting.
import type { SearchResult } from '../search/search';
import { summarize, type Summary } from './stats';
import { countAtMost } from './order-statistics';

/** One (algorithm, budget) row of a results table. */
export interface SearchConfigSummary {
  readonly algo: string;
  readonly budget: number;
  readonly seeds: number;
  /** Search accuracy of each seed's pick (its best by search accuracy), summarised. */
  readonly best: Summary;
  /**
   * Report accuracy (test) of each seed's pick, summarised; null when the table has no report
   * metric. On the 30k sample this is the NAS-Bench protocol's number: search on validation, report test.
   */
  readonly report: Summary | null;
  /** Mean over seeds of the fraction of table cells strictly better than the seed's best ("top x"). */
  readonly topFraction: number;
  /** Mean over seeds of (table optimum − best found). */
  readonly regret: number;
  /** Mean out-of-domain proposals per seed (free; the 30k table covers 7.1% of NAS-Bench-101). */
  readonly outOfDomain: number;
  /** Mean share of the queried cells per origin (e.g. how much of DNAS's budget its latent steps filled). */
  readonly originShare: Readonly<Record<string, number>>;
}

/**
 * Summarise finished runs of one configuration against the table they searched.
 * @param tableValues every search accuracy of the table (for percentile and optimum).
 * @throws RangeError when there are no runs, a run did not finish, or runs disagree on algorithm/budget.
 */
export function summarizeSearchRuns(results: readonly SearchResult[], tableValues: ArrayLike<number>): SearchConfigSummary {
  if (results.length === 0) throw new RangeError('summarizeSearchRuns needs at least one run');
  const { algorithm, budget } = results[0];
  for (const r of results) {
    if (r.algorithm !== algorithm || r.budget !== budget) throw new RangeError(`runs mix configurations: ${r.algorithm}/${r.budget} beside ${algorithm}/${budget}`);
    if (r.best === null || r.queried !== r.budget) throw new RangeError(`run of ${algorithm}/${budget} did not finish: ${r.queried} of ${r.budget} queries`);
  }
  const sorted = Float64Array.from(tableValues).sort();
  const optimum = sorted[sorted.length - 1];
  const bests = results.map((r) => r.best!.searchAccuracy);
  return {
    algo: algorithm,
    budget,
    seeds: results.length,
    best: summarize(bests),
    report: results.every((r) => r.best!.reportAccuracy !== undefined) ? summarize(results.map((r) => r.best!.reportAccuracy!)) : null,
    topFraction: mean(bests.map((b) => (sorted.length - countAtMost(sorted, b)) / sorted.length)),
    regret: mean(bests.map((b) => optimum - b)),
    outOfDomain: mean(results.map((r) => r.outOfDomain)),
    originShare: originShare(results),
  };
}

/**
 * Mean and standard deviation of the best-so-far curves, per query index (1-based x).
 * @throws RangeError when curves have different lengths or there are none.
 */
export function bestSoFarBands(results: readonly SearchResult[]): { x: number[]; mean: number[]; std: number[] } {
  if (results.length === 0) throw new RangeError('bestSoFarBands needs at least one run');
  const length = results[0].trajectory.length;
  if (results.some((r) => r.trajectory.length !== length)) throw new RangeError('best-so-far curves differ in length: runs of different budgets?');
  const x = Array.from({ length }, (_, i) => i + 1);
  const stats = x.map((_, i) => summarize(results.map((r) => r.trajectory[i])));
  return { x, mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) };
}

/**
 * Mean of the k best values (DNAS Table 3's "top-10 average").
 * @throws RangeError when fewer than k values are given or k < 1.
 */
export function topKMean(values: readonly number[], k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer: got ${k}`);
  if (values.length < k) throw new RangeError(`top-${k} mean needs at least ${k} values: got ${values.length}`);
  return mean([...values].sort((a, b) => b - a).slice(0, k));
}

function originShare(results: readonly SearchResult[]): Record<string, number> {
  const origins = [...new Set(results.flatMap((r) => Object.keys(r.queriedByOrigin)))].sort();
  return Object.fromEntries(origins.map((o) => [o, mean(results.map((r) => (r.queriedByOrigin[o] ?? 0) / r.queried))]));
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
