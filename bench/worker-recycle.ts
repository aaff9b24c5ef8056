// Benchmark: a worker thread that ran many kinds of search before runs the next one slower than a
// fresh thread; the runner therefore replaces a thread where the algorithm changes (runSeedJobs'
// recycleWorkers). One job list — random, evolution, NAO, SemiNAS, DNAS, improved DNAS at 300
// queries on NAS-Bench-201 ImageNet16-120, then BANANAS at 300 — on one thread, with and without
// recycling, alternating the order each round; checks both give the same results. Measures only.
// Usage: npm run bench -- worker-recycle
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentProvenance, runSeedJobs, seedJobs, type SeedJob } from '../lib/experiments/runner';
import { searchLatentModel } from '../lib/experiments/search-latent-model';

const SPACE = 'nb201-imagenet16-120';

/** The job list: searches that precede BANANAS in a Table 1 grid, then the timed BANANAS seeds. */
function jobList(dir: string, latentModel: string, timedSeeds: number): { jobs: SeedJob[]; timed: number } {
  const provenance = currentProvenance();
  const seeds = (n: number) => Array.from({ length: n }, (_, i) => i);
  const make = (algo: string, n: number, algoOptions: Record<string, unknown> = {}) => seedJobs({ space: SPACE, algo, budget: 300, seeds: seeds(n), experiment: 'recycle', resultsDir: dir, algoOptions }, provenance).jobs;
  const before = [...make('random', 20), ...make('re', 20, { populationSize: 10, tournamentSize: 3 }), ...make('nao', 20), ...make('semi', 5), ...make('dnas', 5), ...make('dnas-acq', 5, { latentModel })];
  return { jobs: [...before, ...make('bananas', timedSeeds)], timed: timedSeeds };
}

/** Seconds of the BANANAS seeds and of the whole list, with and without recycling, and whether results agree. */
export async function benchWorkerRecycle(options: { rounds?: number; timedSeeds?: number } = {}): Promise<Record<string, unknown>> {
  const rounds = options.rounds ?? 2;
  const timedSeeds = options.timedSeeds ?? 3;
  const latentModel = await searchLatentModel('nb201');
  const sums = { recycled: { bananas: 0, list: 0 }, kept: { bananas: 0, list: 0 } };
  const found: Record<string, string> = {};
  for (let round = 0; round < rounds; round++) {
    for (const setting of round % 2 === 0 ? (['kept', 'recycled'] as const) : (['recycled', 'kept'] as const)) {
      const dir = mkdtempSync(join(tmpdir(), 'dnas-bench-recycle-'));
      const { jobs, timed } = jobList(dir, latentModel, timedSeeds);
      const started = performance.now();
      const out = await runSeedJobs(jobs, 1, () => {}, { recycleWorkers: setting === 'recycled' });
      sums[setting].list += (performance.now() - started) / 1000;
      sums[setting].bananas += out.slice(-timed).reduce((s, x) => s + x.wallSeconds, 0);
      found[setting] = JSON.stringify(out.map((s) => s.result));
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const perSeed = (setting: 'recycled' | 'kept') => sums[setting].bananas / (rounds * timedSeeds);
  return {
    space: SPACE, workers: 1, rounds, timedSeeds,
    bananasSecondsPerSeedRecycled: perSeed('recycled'), bananasSecondsPerSeedKept: perSeed('kept'), bananasRatio: perSeed('recycled') / perSeed('kept'),
    listSecondsRecycled: sums.recycled.list / rounds, listSecondsKept: sums.kept.list / rounds, listRatio: sums.recycled.list / sums.kept.list,
    identicalResults: found.recycled === found.kept,
  };
}
