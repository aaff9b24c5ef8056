// Worker thread of bench/worker-gc.ts: runs one search on the whole NAS-Bench-101 table and says
// how long it took and what it found (so the bench can check both pool settings give the same run).
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../lib/backend';
import { loadProblem } from '../lib/experiments/problems';
import { Rng } from '../lib/random';
import { createAlgorithm } from '../lib/search/algorithms';
import { runSearch } from '../lib/search/search';
import { errorReply, type PoolRequest } from '../lib/worker-pool';

/** One search of the bench. */
export interface GcJob {
  readonly algorithm: string;
  readonly budget: number;
  readonly seed: number;
}

/** Its time and outcome. */
export interface GcJobResult {
  readonly seconds: number;
  readonly bestKey: string;
  readonly bestAccuracy: number;
}

const port = parentPort!;

async function run(job: GcJob): Promise<GcJobResult> {
  await initBackend({ quiet: true });
  const problem = await loadProblem('nb101');
  const started = performance.now();
  const result = await runSearch(createAlgorithm(job.algorithm), { space: problem.space, benchmark: problem.makeBenchmark({ budget: job.budget }), rng: new Rng(`worker-gc-${job.seed}`), budget: job.budget });
  return { seconds: (performance.now() - started) / 1000, bestKey: result.best?.key ?? '', bestAccuracy: result.best?.searchAccuracy ?? NaN };
}

port.on('message', ({ index, job }: PoolRequest<GcJob>) => {
  run(job).then(
    (result) => port.postMessage({ kind: 'done', index, result }),
    (err: unknown) => port.postMessage(errorReply(index, err)),
  );
});
