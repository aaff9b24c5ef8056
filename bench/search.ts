// Benchmark: wall time per seed of Random Search and Regularized Evolution on NAS-Bench-101
// (budgets 150/300/2000, 2 workers) and their mean best against the exact random expectation.
// Prints one JSON line per (algo, budget); measures only, asserts nothing.
// Usage: tsx bench/search.ts [randomSeeds=200] [reSeeds=20] [re2000Seeds=reSeeds]; a count of 0
// skips those configs (e.g. `tsx bench/search.ts 0 0 2`: RE at budget 2000 only, 2 seeds).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedBestOfK } from '../lib/analysis/order-statistics';
import { summarize } from '../lib/analysis/stats';
import { loadProblem } from '../lib/experiments/problems';
import { runSeeds } from '../lib/experiments/runner';

const BUDGETS = [150, 300, 2000] as const;

/** Seeds per (algo, budget) from the command line. */
function seedCount(algo: string, budget: number): number {
  const [rs = '200', re = '20', re2000 = re] = process.argv.slice(2);
  return Number(algo === 'random' ? rs : budget === 2000 ? re2000 : re);
}

/** Bytes of a seed's query log, whichever form it was left in (plain CSV or compacted). */
function queryLogBytes(seedDir: string): number {
  return readdirSync(seedDir)
    .filter((name) => name.startsWith('query-log'))
    .reduce((sum, name) => sum + statSync(join(seedDir, name)).size, 0);
}

async function main(): Promise<void> {
  const table = (await loadProblem('nb101')).tableAccuracies();
  const resultsDir = mkdtempSync(join(tmpdir(), 'dnas-bench-search-'));
  try {
    for (const algo of ['random', 're']) {
      for (const budget of BUDGETS) {
        const count = seedCount(algo, budget);
        if (count === 0) continue;
        const seeds = Array.from({ length: count }, (_, i) => i);
        const cpuBefore = process.cpuUsage();
        const run = await runSeeds({ experiment: 'bench', space: 'nb101', algo, budget, seeds, resultsDir, quiet: true });
        const best = summarize(run.seeds.map((s) => s.result.best!.searchAccuracy));
        const exact = expectedBestOfK(table, budget);
        const perSeed = summarize(run.seeds.map((s) => s.wallSeconds));
        // Worker threads count in process.cpuUsage; on a shared machine this is steadier than wall time.
        const cpu = process.cpuUsage(cpuBefore);
        const line = {
          algo, budget, seeds: count, workers: 2, tableMax: Math.max(...table),
          meanBest: best.mean, stdBest: best.std,
          exactRandomMean: exact.mean, exactRandomStd: exact.std,
          zVsExactRandom: (best.mean - exact.mean) / (exact.std / Math.sqrt(count)),
          meanOutOfDomain: summarize(run.seeds.map((s) => s.result.outOfDomain)).mean,
          meanProposals: summarize(run.seeds.map((s) => s.result.proposals)).mean,
          secondsPerSeed: perSeed.mean, totalWallSeconds: run.wallSeconds,
          cpuSecondsPerSeed: (cpu.user + cpu.system) / 1e6 / count,
          meanLogBytes: summarize(run.seeds.map((s) => queryLogBytes(s.dir))).mean,
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }
    }
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
