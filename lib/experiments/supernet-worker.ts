// Worker thread of supernet-pool.ts: loads the job's images once per thread (checking they are the
// caller's), runs each job it is sent with runSupernetJob, and posts progress and the outcome back.
import { parentPort } from 'node:worker_threads';
import { errorReply, type PoolReply, type PoolRequest } from '../worker-pool';
import { loadImageSplits, splitsIdentity, type ImageSplits } from './supernet';
import { runSupernetJob, type JobOutcome } from './supernet-jobs';
import type { SupernetWorkerJob, StepProgress } from './supernet-pool';

const port = parentPort!;
const post = (reply: PoolReply<JobOutcome, StepProgress>): void => port.postMessage(reply);
/** Splits per source, each loaded once per thread with the fingerprint the caller's must match. */
const loaded = new Map<string, Promise<{ splits: ImageSplits; identity: string }>>();

async function splitsFor(job: SupernetWorkerJob): Promise<ImageSplits> {
  const id = JSON.stringify(job.source);
  if (!loaded.has(id)) loaded.set(id, loadImageSplits(job.source.dataset, { ...job.source, quiet: true }).then((splits) => ({ splits, identity: JSON.stringify(splitsIdentity(splits)) })));
  const { splits, identity } = await loaded.get(id)!;
  if (identity !== job.identity) throw new Error(`the worker's images differ from the caller's (${identity} vs ${job.identity}): same loader arguments, different files?`);
  return splits;
}

port.on('message', ({ index, job }: PoolRequest<SupernetWorkerJob>) => {
  let last = 0;
  splitsFor(job)
    .then((splits) =>
      runSupernetJob(splits, job.job, (done, total) => {
        // At most ~2 messages a second: the caller only redraws a progress bar.
        const now = Date.now();
        if (done === total || now - last >= 500) {
          last = now;
          post({ kind: 'progress', index, progress: { done, total } });
        }
      }),
    )
    .then(
      (result) => post({ kind: 'done', index, result }),
      (err: unknown) => post(errorReply(index, err)),
    );
});
