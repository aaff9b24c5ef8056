// Benchmark: the supernet notebooks' job pool. The same stand-alone trainings (full space, real
// Fashion-MNIST) run one after another in this thread (the reference) and on 2 worker threads, in
// one run; reports both wall times, their ratio, and whether the results agree.
// Measures only, asserts nothing. Usage: npx tsx bench/supernet-pool.ts [--quick] | npm run bench -- supernet-pool
import { availableParallelism, loadavg } from 'node:os';
import { loadImageSplits, spaceFor, SUPERNET_SCHEDULES } from '../lib/experiments/supernet';
import { standaloneJob } from '../lib/experiments/supernet-jobs';
import { runSupernetJobs } from '../lib/experiments/supernet-pool';
import { Rng } from '../lib/random';
import { LayerChoiceSpace } from '../lib/supernet/space';

/** Options: `quick` trains fewer, shorter jobs (a smoke check of the benchmark itself). */
export interface SupernetPoolBenchOptions {
  readonly quick?: boolean;
}

/** Wall seconds of the jobs in this thread and on 2 worker threads; ratio = threads / inline (below 1 is faster). */
export async function benchSupernetPool(options: SupernetPoolBenchOptions = {}): Promise<Record<string, unknown>> {
  const jobsCount = options.quick ? 2 : 4;
  const steps = options.quick ? 10 : 100;
  const splits = await loadImageSplits('fashion-mnist', { validation: 1000, seed: 0, trainLimit: 11_000, testLimit: 2000, quiet: true });
  const config = spaceFor('fashion-mnist', SUPERNET_SCHEDULES.full);
  const space = new LayerChoiceSpace(config);
  const rng = new Rng('bench-pool');
  const jobs = Array.from({ length: jobsCount }, () => standaloneJob(config, space.sampleUniform(rng), { steps, batchSize: 64, learningRate: 0.05, seed: 0, cache: false }));
  const wall = async (workers: number) => {
    const start = performance.now();
    const results = await runSupernetJobs(splits, jobs, { workers });
    return { seconds: (performance.now() - start) / 1000, results };
  };
  const inline = await wall(0);
  const threaded = await wall(2);
  const accuracies = (rs: typeof inline.results) => rs.map((r) => [r.valAccuracy, r.testAccuracy]);
  return {
    what: `${jobsCount} stand-alone trainings of ${steps} steps (batch 64, full space, 10,000 training images) plus their evaluation`,
    cores: availableParallelism(),
    loadAverageBefore: loadavg()[0],
    inlineSeconds: inline.seconds,
    twoWorkersSeconds: threaded.seconds,
    ratio: threaded.seconds / inline.seconds,
    speedup: inline.seconds / threaded.seconds,
    sameResults: JSON.stringify(accuracies(inline.results)) === JSON.stringify(accuracies(threaded.results)),
  };
}

if (require.main === module) {
  benchSupernetPool({ quick: process.argv.includes('--quick') }).then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
