// Benchmark: one pretraining step of the latent space (the NAS-Bench-101 preset: LSTM 64, z at every
// decoder step, validity-masked softmax, batch 128) through `Controller.pretrainStep`, side by side
// with the same model in PyTorch (bench/controller_torch.py --pretrain-hidden) in the same run, and
// the pretraining wall time that step time implies. Measures only: `npm run bench -- pretrain`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { initBackend } from '../lib/backend';
import { createController } from '../lib/controller/controller';
import { PRETRAIN_PRESETS } from '../lib/experiments/pretrained-latent';
import { Rng } from '../lib/random';
import { allowedNextTokens, SEQUENCE_LENGTH, VOCAB_SIZE } from '../lib/spaces/nasbench101/encoding';
import { validNextTokens, validTokenMasks } from '../lib/spaces/nasbench101/valid-mask';

const GRAMMAR = { sequenceLength: SEQUENCE_LENGTH, vocabSize: VOCAB_SIZE, allowedNextTokens, validNextTokens, validTokenMasks };
const WARMUP_STEPS = 5;

/** Valid NAS-Bench-101 sequences drawn through the validity mask (speed does not depend on which cells). */
function sequences(n: number): number[][] {
  const rng = new Rng('bench-pretrain');
  return Array.from({ length: n }, () => {
    const prefix: number[] = [];
    while (prefix.length < SEQUENCE_LENGTH) prefix.push(rng.choice(validNextTokens(prefix).flatMap((ok, t) => (ok ? [t] : []))));
    return prefix;
  });
}

function torchPretrainStep(batch: number, hidden: number, steps: number): number {
  const out = execFileSync('/usr/bin/python3', [join(__dirname, 'controller_torch.py'), '--batch', String(batch), '--threads', '1', '--steps', String(steps), '--pretrain-hidden', String(hidden)], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
  return (JSON.parse(out.trim().split('\n').pop()!) as { msPerStep: number }).msPerStep;
}

/** ms per step of the workbook (wasm) and PyTorch (1 thread, timed before and after), their ratio, and the implied wall time of the default pretraining. */
export async function benchPretrain(options: { steps?: number } = {}): Promise<Record<string, unknown>> {
  const steps = options.steps ?? 40;
  const preset = PRETRAIN_PRESETS.nb101.full;
  const backend = (await initBackend({ quiet: true })).name;
  const controller = createController(GRAMMAR, preset.controller);
  const data = sequences(preset.batchSize * (steps + WARMUP_STEPS));
  const rng = new Rng('bench-pretrain-steps');
  const batchAt = (k: number) => data.slice(k * preset.batchSize, (k + 1) * preset.batchSize);
  const torchBefore = torchPretrainStep(preset.batchSize, controller.config.hidden, steps);
  for (let k = 0; k < WARMUP_STEPS; k++) controller.pretrainStep(batchAt(k), rng);
  const start = performance.now();
  for (let k = 0; k < steps; k++) controller.pretrainStep(batchAt(WARMUP_STEPS + k), rng);
  const msPerStep = (performance.now() - start) / steps;
  const torchAfter = torchPretrainStep(preset.batchSize, controller.config.hidden, steps);
  controller.dispose();
  const torchMsPerStep = (torchBefore + torchAfter) / 2;
  return {
    backend, batch: preset.batchSize, hidden: controller.config.hidden, latentDim: controller.config.latentDim, latentEveryStep: controller.config.latentEveryStep,
    msPerStep, torchMsPerStep, ratio: msPerStep / torchMsPerStep,
    presetSteps: preset.steps, impliedTrainingMinutes: (msPerStep * preset.steps) / 60_000, impliedTorchTrainingMinutes: (torchMsPerStep * preset.steps) / 60_000,
  };
}

if (require.main === module) {
  benchPretrain()
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
