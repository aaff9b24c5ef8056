// Benchmark: the Table 1 grid's heaviest jobs (controller searches at large budgets, and BANANAS; NAS-Bench-101
// whole space) on a pool of 2 worker threads, the pool's young-generation size
// (WORKER_YOUNG_GENERATION_MB) beside V8's default, same seeds in the same run, alternating the two
// settings each round; checks both settings find the same cells. Measures only, asserts nothing.
// Usage: tsx bench/worker-gc.ts [--quick]
import { join } from 'node:path';
import { runOnWorkerPool, WORKER_YOUNG_GENERATION_MB } from '../lib/worker-pool';
import type { GcJob, GcJobResult } from './worker-gc-worker';

/** Options: the searches timed (each on seeds 0 and 1, one per thread) and how many rounds. */
export interface WorkerGcOptions {
  readonly searches?: readonly { readonly algorithm: string; readonly budget: number }[];
  readonly rounds?: number;
}

// BANANAS (no TF.js: its MLPs are plain JS) shows what the setting costs a search that does not churn tensors.
const FULL: WorkerGcOptions = { searches: [{ algorithm: 'semi', budget: 2100 }, { algorithm: 'nao', budget: 2000 }, { algorithm: 'bananas', budget: 300 }], rounds: 2 };
const QUICK: WorkerGcOptions = { searches: [{ algorithm: 'semi', budget: 300 }], rounds: 1 };
const WORKERS = 2;

/** Per search: wall seconds of the 2-seed pool under each setting (summed over rounds), their ratio, and whether the runs agree. */
export async function benchWorkerGc(options: WorkerGcOptions = FULL): Promise<Record<string, unknown>> {
  const { searches = FULL.searches!, rounds = FULL.rounds! } = options;
  const rows = [];
  for (const search of searches) {
    const jobs: GcJob[] = [0, 1].map((seed) => ({ ...search, seed }));
    const wall = { v8Default: 0, pool: 0 };
    const found: Record<string, string> = {};
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['v8Default', 'pool'] as const) : (['pool', 'v8Default'] as const);
      for (const setting of order) {
        const started = performance.now();
        const results = await runOnWorkerPool<GcJob, GcJobResult>(join(__dirname, 'worker-gc-worker.ts'), jobs, WORKERS, {}, { youngGenerationMb: setting === 'pool' ? WORKER_YOUNG_GENERATION_MB : null });
        wall[setting] += (performance.now() - started) / 1000;
        found[setting] = JSON.stringify(results.map((r) => [r.bestKey, r.bestAccuracy]));
      }
    }
    rows.push({ ...search, seeds: jobs.length, rounds, wallSecondsV8Default: wall.v8Default, wallSecondsPool: wall.pool, ratio: wall.pool / wall.v8Default, identicalRuns: found.v8Default === found.pool });
  }
  return { workers: WORKERS, youngGenerationMb: WORKER_YOUNG_GENERATION_MB, searches: rows };
}

if (require.main === module) {
  benchWorkerGc(process.argv.includes('--quick') ? QUICK : FULL).then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
