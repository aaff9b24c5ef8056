// One method against others at equal budgets: mean best found, the difference, a two-sided
// Mann–Whitney test over seeds and a plain verdict. Numbers in, rows out; no files, no plots.
import { mannWhitneyU } from './mann-whitney';

/** The per-seed best accuracies of one (method, budget) configuration. */
export interface SeedBests {
  readonly algo: string;
  readonly budget: number;
  /** Best validation accuracy found, one per seed (fractions of 1). */
  readonly bests: readonly number[];
}

/** One comparison of the method against a rival at one budget. */
export type HeadToHeadRow = {
  readonly budget: number;
  readonly method: string;
  readonly rival: string;
  readonly methodMean: number;
  readonly rivalMean: number;
  /** methodMean − rivalMean (fractions of 1): positive when the method finds better cells. */
  readonly difference: number;
  /** Two-sided Mann–Whitney p over the seeds' bests. */
  readonly p: number;
  /** 'better' / 'worse' when p < alpha (by the sign of the difference), else 'no significant difference'. */
  readonly verdict: 'better' | 'worse' | 'no significant difference';
};

/**
 * Compare `method` with each rival at each budget where both ran.
 * @param alpha significance level of the two-sided test (default 0.05).
 * @throws RangeError when the method did not run at a requested budget, a rival did not run at it,
 *   or a configuration has fewer than 2 seeds (the test needs 2).
 */
export function headToHead(configs: readonly SeedBests[], method: string, rivals: readonly string[], budgets: readonly number[], alpha = 0.05): HeadToHeadRow[] {
  const find = (algo: string, budget: number): SeedBests => {
    const found = configs.find((c) => c.algo === algo && c.budget === budget);
    if (found === undefined) throw new RangeError(`no runs of ${algo} at ${budget} queries (have: ${configs.map((c) => `${c.algo}-${c.budget}`).join(', ')})`);
    return found;
  };
  return budgets.flatMap((budget) => {
    const ours = find(method, budget);
    return rivals.map((rival) => {
      const theirs = find(rival, budget);
      const methodMean = mean(ours.bests);
      const rivalMean = mean(theirs.bests);
      const { p } = mannWhitneyU(ours.bests, theirs.bests);
      const verdict = p >= alpha ? 'no significant difference' : methodMean > rivalMean ? 'better' : 'worse';
      return { budget, method, rival, methodMean, rivalMean, difference: methodMean - rivalMean, p, verdict };
    });
  });
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** One sentence for a row, e.g. "300 queries: dnas 94.12% vs bananas 94.50% (−0.38 points, p = 0.0012): dnas LOSES". */
export function describeHeadToHead(row: HeadToHeadRow): string {
  const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
  const points = `${row.difference >= 0 ? '+' : '−'}${Math.abs(100 * row.difference).toFixed(2)} points`;
  const outcome = row.verdict === 'better' ? `${row.method} wins` : row.verdict === 'worse' ? `${row.method} LOSES` : 'no significant difference';
  return `${row.budget} queries: ${row.method} ${pct(row.methodMean)} vs ${row.rival} ${pct(row.rivalMean)} (${points}, p = ${row.p.toPrecision(2)}): ${outcome}`;
}
