// Single-path one-shot training of the supernet (SPOS; VAENAS §3.3): each step samples one
// sub-network and updates only its weights with SGD + Nesterov momentum under a cosine learning
// rate. Checkpoints let a killed run resume at the same step with the same batches and momentum.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { softmaxCrossEntropy } from '../controller/fast-ops';
import { Rng, type Seed } from '../random';
import { makeBatch, stepIndices, type LabelledImages, type Normalisation } from './batches';
import { nesterovStep } from './nesterov-step';
import { shareIdentityOnWasm } from './shared-identity';
import { readTensorMap, writeTensorMap } from './tensor-file';
import type { Architecture } from './space';
import type { WeightSharingNet } from './weight-sharing';

/** Training settings; defaults are this workbook's CPU-scale choices (SPOS uses SGD, momentum 0.9, wd 4e-5). */
export interface TrainOptions<A = Architecture> {
  readonly steps: number;
  /** Images per step (default 64). */
  readonly batchSize?: number;
  /** Peak learning rate of the cosine schedule (default 0.05). */
  readonly learningRate?: number;
  /** Nesterov momentum (default 0.9, SPOS). */
  readonly momentum?: number;
  /** L2 weight decay on convolution and dense weights, not on BN (default 4e-5, SPOS). */
  readonly weightDecay?: number;
  /** Seed of the batch order and of `sample`'s generator. */
  readonly seed: Seed;
  /** The sub-network of step `step` (uniform, VAENAS Γ with its ε schedule, or a fixed one for stand-alone training). */
  readonly sample: (step: number, rng: Rng) => A;
  /** Folder for checkpoints; a checkpoint there with the same settings is resumed. */
  readonly checkpointDir?: string;
  /** Save a checkpoint every this many steps (default 200). */
  readonly checkpointEvery?: number;
  /** Called after each step with the step's loss. */
  readonly onStep?: (info: { step: number; steps: number; loss: number; arch: A }) => void;
  /**
   * State trained alongside the weights (gradient-based search's architecture weights), saved into
   * each checkpoint before the weights mark it done (`save(dir, step)`: the state after `step` steps),
   * and restored with them on resume (`restore(dir, step)`), so a resumed run continues both.
   */
  readonly alongside?: { save(dir: string, step: number): void; restore(dir: string, step: number): void };
}

/** What training did. */
export interface TrainReport {
  readonly steps: number;
  /** Step the run started from (> 0 after a resume). */
  readonly resumedAt: number;
  /** Mean loss over the last min(100, steps) steps run; null when a resumed run had none left. */
  readonly finalLoss: number | null;
  /** How often each architecture key was trained (path counts; SPOS fairness check). */
  readonly pathsTrained: number;
  /**
   * Wall seconds of training over every run that led here: this run's, plus what the checkpoint
   * it resumed from had recorded (the steps a crash lost after that checkpoint are not counted).
   */
  readonly seconds: number;
}

const MOMENTUM_FILE = 'momentum';

/**
 * Train `supernet` in place on `data` for `options.steps` single-path steps.
 * @throws RangeError for non-positive steps or batch size; Error when the loss is not finite
 *   (it names the step and the architecture).
 */
export function trainSupernet<A>(supernet: WeightSharingNet<A>, data: LabelledImages, norm: Normalisation, options: TrainOptions<A>): TrainReport {
  const { steps, seed } = options;
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`training steps must be a positive integer: got ${steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer: got ${batchSize}`);
  const peak = options.learningRate ?? 0.05;
  const mu = options.momentum ?? 0.9;
  const wd = options.weightDecay ?? 4e-5;
  const every = options.checkpointEvery ?? 200;
  const settings = { steps, batchSize, learningRate: peak, momentum: mu, weightDecay: wd, seed: String(seed), data: data.name, images: data.count };
  shareIdentityOnWasm();
  const momentum = new Map<string, tf.Variable>();
  const started = Date.now();
  let start = 0;
  let priorSeconds = 0;
  const saved = options.checkpointDir ? supernet.saved(options.checkpointDir) : null;
  if (options.checkpointDir && saved !== null) {
    ({ step: start, seconds: priorSeconds } = resume(supernet, momentum, options.checkpointDir, saved, settings));
    options.alongside?.restore(options.checkpointDir, start);
  }
  const seconds = () => priorSeconds + (Date.now() - started) / 1000;
  const paths = new Set<string>();
  const recent: number[] = [];
  try {
    for (let step = start; step < steps; step++) {
      const rng = new Rng(`${seed}/step/${step}`);
      const arch = options.sample(step, rng);
      paths.add(supernet.space.key(arch));
      const lr = 0.5 * peak * (1 + Math.cos((Math.PI * step) / steps));
      const loss = trainStep(supernet, momentum, data, norm, arch, stepIndices(data.count, batchSize, step, seed), { lr, mu, wd });
      if (!Number.isFinite(loss)) throw new Error(`supernet loss is not finite at step ${step}: got ${loss} (architecture ${supernet.space.key(arch)}, lr ${lr})`);
      recent.push(loss);
      if (recent.length > 100) recent.shift();
      options.onStep?.({ step, steps, loss, arch });
      if (options.checkpointDir && ((step + 1) % every === 0 || step + 1 === steps)) {
        options.alongside?.save(options.checkpointDir, step + 1);
        checkpoint(supernet, momentum, options.checkpointDir, { ...settings, step: step + 1, seconds: seconds() });
      }
    }
  } finally {
    for (const v of momentum.values()) v.dispose();
  }
  return { steps, resumedAt: start, finalLoss: recent.length === 0 ? null : recent.reduce((a, b) => a + b, 0) / recent.length, pathsTrained: paths.size, seconds: seconds() };
}

function trainStep<A>(supernet: WeightSharingNet<A>, momentum: Map<string, tf.Variable>, data: LabelledImages, norm: Normalisation, arch: A, indices: Int32Array, hp: { lr: number; mu: number; wd: number }): number {
  const ids = supernet.pathWeightIds(arch);
  const vars = ids.map((id) => supernet.weights.get(id)!);
  const { x, labels } = makeBatch(data, indices, norm);
  try {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(supernet.forward(arch, x, { kind: 'batch' }), labels), vars);
      ids.forEach((id, i) => {
        const v = vars[i];
        let m = momentum.get(id);
        if (m === undefined) {
          m = tf.variable(tf.zerosLike(v), false);
          momentum.set(id, m);
        }
        const decay = hp.wd > 0 && !id.endsWith('gamma') && !id.endsWith('beta') && !id.endsWith('bias');
        const [vNext, mNext] = nesterovStep(v, grads[v.name], m, { ...hp, decay });
        m.assign(mNext);
        v.assign(vNext);
      });
      return value.dataSync()[0];
    });
  } finally {
    x.dispose();
  }
}

function checkpoint<A>(supernet: WeightSharingNet<A>, momentum: Map<string, tf.Variable>, dir: string, meta: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeTensorMap(dir, MOMENTUM_FILE, momentum);
  supernet.save(dir, { checkpoint: meta });
}

/** Restore a checkpoint; its step, and the training seconds it recorded (0 for a checkpoint that recorded none). */
function resume<A>(supernet: WeightSharingNet<A>, momentum: Map<string, tf.Variable>, dir: string, saved: { config: unknown; meta: Record<string, unknown> }, settings: Record<string, unknown>): { step: number; seconds: number } {
  const previous = saved.meta.checkpoint as Record<string, unknown> | undefined;
  if (previous === undefined) throw new Error(`${dir} holds a saved supernet that is not a training checkpoint: use another checkpointDir (it would be overwritten)`);
  if (JSON.stringify(saved.config) !== JSON.stringify(supernet.config)) {
    throw new Error(`checkpoint in ${dir} is of another supernet config (${JSON.stringify(saved.config)}), this run trains ${JSON.stringify(supernet.config)}`);
  }
  for (const key of Object.keys(settings)) {
    if (String(previous[key]) !== String(settings[key])) {
      throw new Error(`checkpoint in ${dir} was made with ${key} = ${String(previous[key])}, this run has ${String(settings[key])}: remove the folder or use the same settings`);
    }
  }
  supernet.restore(dir);
  for (const [id, t] of readTensorMap(dir, MOMENTUM_FILE).tensors) {
    momentum.set(id, tf.variable(t, false));
    t.dispose();
  }
  return { step: Number(previous.step), seconds: typeof previous.seconds === 'number' ? previous.seconds : 0 };
}
