// Several pretrained latent spaces (a β sweep over seeds) trained side by side on worker threads,
// one model per thread at a time, then loaded from the cache in the caller's thread.
import { join } from 'node:path';
import { startProgress } from '../report/progress';
import { runOnWorkerPool } from '../worker-pool';
import { pretrainedLatentSpace, type PretrainedLatent, type PretrainedLatentOptions } from './pretrained-latent';

/**
 * The latent space of every job, in job order. Jobs whose model is not cached are trained on
 * `workers` threads (0: one after the other in this thread); each result is then a cache hit here.
 * A progress bar counts finished models.
 * @throws the first job's error, prefixed with its index.
 */
export async function pretrainedLatentSpaces(jobs: readonly PretrainedLatentOptions[], workers: number, options: { progress?: boolean; label?: string } = {}): Promise<PretrainedLatent[]> {
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be an integer ≥ 0: got ${workers}`);
  const bar = options.progress === false ? null : startProgress(options.label ?? 'pretrained latent spaces', jobs.length);
  let done = 0;
  try {
    if (workers > 0) {
      await runOnWorkerPool<PretrainedLatentOptions, { key: string }>(join(__dirname, 'latent-worker.ts'), jobs, workers, {
        onDone: (index, result) => bar?.tick(++done, `job ${index}: ${result.key}`),
      });
    }
    const out: PretrainedLatent[] = [];
    for (const job of jobs) {
      out.push(await pretrainedLatentSpace({ ...job, progress: false }));
      if (workers === 0) bar?.tick(++done, `${out[out.length - 1].key}`);
    }
    bar?.finish();
    return out;
  } catch (err) {
    bar?.finish(`failed: ${(err as Error).message}`);
    throw err;
  }
}
