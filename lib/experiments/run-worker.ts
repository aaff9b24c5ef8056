// Worker thread of runner.ts: runs the seed jobs it is sent, one at a time, and posts each summary
// (or the error) back. No scheduling, progress or resume logic here: runSeed owns all of it.
import { parentPort } from 'node:worker_threads';
import { runSeed, type RunWorkerMessage, type SeedJob } from './runner';

const port = parentPort!;
const post = (msg: RunWorkerMessage): void => port.postMessage(msg);

port.on('message', (job: SeedJob) => {
  runSeed(job).then(
    (summary) => post({ kind: 'done', summary }),
    (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      post({ kind: 'error', seed: job.seed, name: error.name, message: error.message, stack: error.stack });
    },
  );
});
