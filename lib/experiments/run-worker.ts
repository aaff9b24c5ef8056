// Worker thread of runner.ts: runs the seed jobs it is sent, one at a time, and posts each summary
// (or the error) back. No scheduling, progress or resume logic here: runSeed owns all of it.
import { parentPort } from 'node:worker_threads';
import { errorReply, type PoolReply, type PoolRequest } from '../worker-pool';
import { runSeed, type SeedJob, type SeedSummary } from './runner';

const port = parentPort!;
const post = (reply: PoolReply<SeedSummary, never>): void => port.postMessage(reply);

port.on('message', ({ index, job }: PoolRequest<SeedJob>) => {
  runSeed(job).then(
    (summary) => post({ kind: 'done', index, result: summary }),
    (err: unknown) => post(errorReply(index, err)),
  );
});
