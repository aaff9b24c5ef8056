// Worker thread of bench/latent-capacity.ts: pretrains one variant on every NAS-Bench-101 cell but
// the held-out split for the given steps (no cache: a measurement) and scores it.
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../lib/backend';
import { resolveConfig } from '../lib/controller/config';
import { packSequences, pretrainController } from '../lib/controller/pretrain';
import { heldOutSplit, PRETRAIN_PRESETS } from '../lib/experiments/pretrained-latent';
import { scoreLatentSpace } from '../lib/experiments/latent-scores';
import { cellAttributes } from '../lib/spaces/nasbench101/attributes';
import { nasbench101SearchSpace } from '../lib/spaces/nasbench101/search-space';
import { loadNasbench101Space } from '../lib/spaces/nasbench101/space';
import { errorReply, type PoolRequest } from '../lib/worker-pool';
import type { CapacityResult, CapacityVariant } from './latent-capacity';

const port = parentPort!;

async function run(variant: CapacityVariant, steps: number): Promise<CapacityResult> {
  await initBackend({ quiet: true });
  const preset = PRETRAIN_PRESETS.nb101.full;
  const packed = await loadNasbench101Space({ quiet: true });
  const space = nasbench101SearchSpace(packed);
  const split = heldOutSplit(packed.size, preset.heldOut);
  const tokens = packSequences(split.train.map((i) => space.encode(packed.cellAt(i))));
  // β warms up over the same share of this shorter run as of the default pretraining.
  const warmup = Math.round((steps * preset.controller.klWarmupSteps!) / preset.steps);
  const config = resolveConfig(space, { ...preset.controller, klWarmupSteps: warmup, ...variant.options });
  const started = Date.now();
  const result = await pretrainController({ grammar: space, config, tokens, schedule: { steps, batchSize: preset.batchSize, seed: 0, logEvery: 100, learningRateDecay: 'cosine' }, checkpointDir: null });
  const msPerStep = (Date.now() - started) / steps;
  const cells = split.heldOut.slice(0, 3000).map((i) => packed.cellAt(i));
  const scores = scoreLatentSpace(result.controller, space, cells, (c) => cellAttributes(c), { priorDraws: 1000 });
  result.controller.dispose();
  return { name: variant.name, steps, msPerStep, heldOutExactReconstruction: scores.heldOutExactReconstruction, heldOutTokenAccuracy: scores.heldOutTokenAccuracy,
    klNats: scores.klNats, activeFactors: scores.activeFactors, mig: scores.mig, migShuffled: scores.migShuffled, finalRec: result.curve[result.curve.length - 1].rec };
}

port.on('message', ({ index, job }: PoolRequest<{ variant: CapacityVariant; steps: number }>) => {
  run(job.variant, job.steps).then(
    (result) => port.postMessage({ kind: 'done', index, result }),
    (err: unknown) => port.postMessage(errorReply(index, err)),
  );
});
