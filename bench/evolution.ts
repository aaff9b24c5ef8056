// Benchmark: Regularized Evolution at budget 2000 on NAS-Bench-101 with the search space's hash
// memo on and off, same seeds in the same process, and a check that both give the same run; and the
// same seeds on the complete table (every proposal in domain) beside the 30k sample (~93% out of domain).
// Measures only, asserts nothing. Usage: tsx bench/evolution.ts [seeds=2]
import { loadNasbench101Csv } from '../lib/benchmarks/nasbench101-csv';
import { TabularBenchmark } from '../lib/benchmarks/tabular';
import { loadProblem } from '../lib/experiments/problems';
import { Rng } from '../lib/random';
import { regularizedEvolution } from '../lib/search/evolution';
import { runSearch } from '../lib/search/search';
import { nasbench101SearchSpace } from '../lib/spaces/nasbench101/search-space';
import { loadNasbench101Space } from '../lib/spaces/nasbench101/space';

const BUDGET = 2000;

/** Seconds per seed of RE-2000 with the memo on and off, their ratio, and whether the runs agree. */
export async function benchEvolution(seeds = 2): Promise<Record<string, unknown>> {
  const space = await loadNasbench101Space({ quiet: true });
  const data = loadNasbench101Csv();
  const seconds = { memo: 0, plain: 0 };
  let identical = true;
  let proposals = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const runs: Record<string, string> = {};
    for (const variant of ['memo', 'plain'] as const) {
      const searchSpace = nasbench101SearchSpace(space, { memo: variant === 'memo' });
      const start = performance.now();
      // Keyed through the space, as the runner's problem does (lib/experiments/problems.ts): one hash per proposal.
      const benchmark = new TabularBenchmark({ name: 'nasbench101-30k', records: data.records, keyOf: searchSpace.key });
      const result = await runSearch(regularizedEvolution(), { space: searchSpace, benchmark, rng: new Rng(seed), budget: BUDGET });
      seconds[variant] += (performance.now() - start) / 1000 / seeds;
      runs[variant] = JSON.stringify([result.accuracies, result.proposals, result.outOfDomain, result.repeats]);
      proposals += variant === 'memo' ? result.proposals / seeds : 0;
    }
    identical &&= runs.memo === runs.plain;
  }
  const whole = await loadProblem('nb101');
  let wholeSeconds = 0;
  let wholeProposals = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const start = performance.now();
    const result = await runSearch(regularizedEvolution(), { space: whole.space, benchmark: whole.makeBenchmark({ budget: BUDGET }), rng: new Rng(seed), budget: BUDGET });
    wholeSeconds += (performance.now() - start) / 1000 / seeds;
    wholeProposals += result.proposals / seeds;
  }
  return {
    budget: BUDGET, seeds, meanProposals: proposals, secondsPerSeedMemo: seconds.memo, secondsPerSeedPlain: seconds.plain, ratio: seconds.memo / seconds.plain, identicalRuns: identical,
    completeTable: { meanProposals: wholeProposals, secondsPerSeed: wholeSeconds, ratioToSampleWithMemo: wholeSeconds / seconds.memo },
  };
}

if (require.main === module) benchEvolution(Number(process.argv[2] ?? 2)).then((r) => console.log(JSON.stringify(r)));
