// Worker thread of latent-pool.ts: pretrains (or finds cached) the latent space of each job it is
// sent and posts back its cache key; the caller then loads the model from the cache.
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../backend';
import { errorReply, type PoolReply, type PoolRequest } from '../worker-pool';
import { pretrainedLatentSpace, type PretrainedLatentOptions } from './pretrained-latent';

const port = parentPort!;
const post = (reply: PoolReply<{ key: string; cached: boolean; seconds: number }, never>): void => port.postMessage(reply);

port.on('message', ({ index, job }: PoolRequest<PretrainedLatentOptions>) => {
  initBackend({ quiet: true })
    .then(() => pretrainedLatentSpace({ ...job, progress: false }))
    .then(
      (latent) => {
        latent.controller.dispose();
        post({ kind: 'done', index, result: { key: latent.key, cached: latent.cached, seconds: latent.seconds } });
      },
      (err: unknown) => post(errorReply(index, err)),
    );
});
