import { describe, expect, it } from 'vitest';
import { expectedBestOfK, expectedReportOfBest } from '../../lib/analysis/order-statistics';
import { Rng } from '../../lib/random';
import { QueryLog } from '../../lib/report/query-log';
import { loadProblem } from '../../lib/experiments/problems';
import { randomSearch } from '../../lib/search/random';
import { runSearch } from '../../lib/search/search';
import { toyBenchmark, toySpace } from './toy-problem';
import { buildSpaceCacheFirst } from '../space-cache';

buildSpaceCacheFirst();

describe('randomSearch', () => {
  it('queries exactly budget distinct in-domain cells, counting the rest as free', async () => {
    // 100 cells, a third in the table: most proposals miss, as on the 7.1% NAS-Bench-101 table.
    const log = QueryLog.inMemory();
    const benchmark = toyBenchmark(100, { inTable: (c) => c % 3 === 0, log });
    const result = await runSearch(randomSearch(), { space: toySpace(100), benchmark, rng: new Rng(1), budget: 20 });
    const charged = log.rows.filter((r) => r.outcome === 'new').map((r) => r.hash);
    expect(charged).toHaveLength(20);
    expect(new Set(charged).size).toBe(20);
    expect(result.outOfDomain).toBe(log.rows.filter((r) => r.outcome === 'out-of-domain').length);
    expect(result.proposals).toBe(log.length);
    expect(result.outOfDomain).toBeGreaterThan(0);
  });
  it('gives the same query log for the same seed and a different one for another seed', async () => {
    const hashes = async (seed: number): Promise<string[]> => {
      const log = QueryLog.inMemory();
      await runSearch(randomSearch(), { space: toySpace(100), benchmark: toyBenchmark(100, { log }), rng: new Rng(seed), budget: 10 });
      return log.rows.map((r) => `${r.hash}:${r.outcome}`);
    };
    expect(await hashes(7)).toEqual(await hashes(7));
    expect(await hashes(7)).not.toEqual(await hashes(8));
  });
});

// Random search draws uniform cells of the space; on the complete table every draw is a table
// cell, on the 30k sample only the in-sample ones are charged, so in both cases the queried cells
// are a uniform k-subset of the table and the mean pick over independent seeds estimates the exact
// order statistic with standard error std / √seeds.
describe.each([
  { problemName: 'nb101', rows: 423_624 },
  { problemName: 'nb101-30k', rows: 30_001 },
])('randomSearch on the NAS-Bench-101 problem $problemName', ({ problemName, rows }) => {
  it('finds on average the exact expected best of 150 distinct table draws (200 seeds, within 4 standard errors)', async () => {
    const problem = await loadProblem(problemName);
    const table = problem.tableAccuracies();
    expect(table.length).toBe(rows);
    const budget = 150;
    const seeds = 200;
    let sum = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const benchmark = problem.makeBenchmark({ budget });
      sum += (await runSearch(randomSearch(), { space: problem.space, benchmark, rng: new Rng(seed), budget })).best!.searchAccuracy;
    }
    const exact = expectedBestOfK(table, budget);
    const tolerance = 4 * (exact.std / Math.sqrt(seeds));
    expect(Math.abs(sum / seeds - exact.mean)).toBeLessThan(tolerance);
  }, 120_000);
});

describe('randomSearch on the 30k sample reports the test accuracy of its validation-best cell', () => {
  it('gives each pick its complete-table test accuracy, and the mean over seeds matches the exact expectation', async () => {
    const problem = await loadProblem('nb101-30k');
    const whole = await loadProblem('nb101');
    const budget = 50;
    const seeds = 300;
    const reports: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const benchmark = problem.makeBenchmark({ budget });
      const result = await runSearch(randomSearch(), { space: problem.space, benchmark, rng: new Rng(seed), budget });
      // The pick is the validation-best queried cell; its report is that cell's row of test-108-all.csv.
      expect(result.best!.searchAccuracy).toBe(Math.max(...result.accuracies));
      expect(result.best!.reportAccuracy).toBe(whole.tableEntry(result.best!.key).record.testAccuracy);
      reports.push(result.best!.reportAccuracy!);
    }
    const exact = expectedReportOfBest(problem.tableAccuracies(), problem.tableReportAccuracies()!, budget);
    const mean = reports.reduce((a, b) => a + b, 0) / seeds;
    const std = Math.sqrt(reports.reduce((a, b) => a + (b - mean) ** 2, 0) / (seeds - 1));
    expect(Math.abs(mean - exact)).toBeLessThan(4 * (std / Math.sqrt(seeds)));
  }, 120_000);
});
