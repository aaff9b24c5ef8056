// Measurement: what each capacity and objective choice of the NAS-Bench-101 latent space costs
// (ms per step) and buys (held-out exact reconstruction, KL, MIG) at one short, equal budget. Each
// variant changes one thing of the default preset. Run with `npm run bench -- latent-capacity`
// (about 20 minutes on 2 cores; variants run two at a time on worker threads).
import { join } from 'node:path';
import type { ControllerOptions } from '../lib/controller/config';
import { PRETRAIN_PRESETS } from '../lib/experiments/pretrained-latent';
import { runOnWorkerPool } from '../lib/worker-pool';

/** One variant: a name and the controller options that differ from the preset. */
export interface CapacityVariant {
  readonly name: string;
  readonly options: ControllerOptions;
}

/** The variants measured, each one change away from the default. */
export const CAPACITY_VARIANTS: readonly CapacityVariant[] = [
  { name: 'default (hidden 64, z 26, z at every step, mean encoder output)', options: {} },
  { name: 'z only sets the initial state (NAO)', options: { latentEveryStep: false } },
  { name: 'encoder output h_T instead of the mean', options: { encoderOutput: 'last' } },
  { name: 'word dropout 0.25', options: { wordDropout: 0.25 } },
  { name: 'hidden 26 (the paper)', options: { hidden: 26 } },
  { name: 'hidden 128', options: { hidden: 128 } },
  { name: 'z 16', options: { latentDim: 16 } },
  { name: '2 decoder layers', options: { decoderLayers: 2 } },
];

/** Result of one variant. */
export interface CapacityResult {
  readonly name: string;
  readonly steps: number;
  readonly msPerStep: number;
  readonly heldOutExactReconstruction: number;
  readonly heldOutTokenAccuracy: number;
  readonly klNats: number;
  readonly activeFactors: number;
  readonly mig: number | null;
  readonly migShuffled: number | null;
  readonly finalRec: number;
}

/** Train every variant for `steps` steps (default 1,000) on 2 worker threads and score 3,000 held-out cells each. */
export async function benchLatentCapacity(options: { steps?: number; workers?: number } = {}): Promise<Record<string, unknown>> {
  const steps = options.steps ?? 1000;
  const results = await runOnWorkerPool<{ variant: CapacityVariant; steps: number }, CapacityResult>(join(__dirname, 'latent-capacity-worker.ts'),
    CAPACITY_VARIANTS.map((variant) => ({ variant, steps })), options.workers ?? 2);
  return { steps, batchSize: PRETRAIN_PRESETS.nb101.full.batchSize, scoredCells: 3000, note: 'two variants train at a time, so ms per step includes sharing 2 cores', results };
}

if (require.main === module) {
  benchLatentCapacity()
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
