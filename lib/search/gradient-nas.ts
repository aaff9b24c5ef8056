// Gradient-based NAS on a weight-sharing supernet with one sampled path per step (GDAS; ProxylessNAS's
// sampled single path), and its VAENAS variant (VAENAS Algorithm 3: the path drawn from the VAE,
// Γ(α) = p_θ(α | z), Eq 6). Each step first updates the architecture weights on a validation batch,
// then the supernet's weights on a training batch (VAENAS Eq 3–4, first order). It owns no data.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomically } from '../atomic-file';
import { softmaxCrossEntropy } from '../controller/fast-ops';
import { Rng, type Seed } from '../random';
import { trainVaeSampler, type TrainedVaeSampler } from '../samplers/vae';
import type { EdgeChoiceSpace } from '../spaces/nasbench201/edge-choices';
import { makeBatch, stepIndices, type LabelledImages, type Normalisation } from '../supernet/batches';
import { evaluateSubnet, type EvaluationData } from '../supernet/evaluate';
import type { NormMode } from '../supernet/ops';
import { trainSupernet, type TrainReport } from '../supernet/train';
import type { WeightSharingNet } from '../supernet/weight-sharing';
import { ArchitectureWeights } from './architecture-weights';

/** A supernet whose forward pass scales each cell edge (the architecture weights' straight-through scales). */
export interface EdgeScaledNet<A> extends WeightSharingNet<A> {
  forward(arch: A, x: tf.Tensor4D, mode: NormMode, edgeScales?: tf.Tensor1D): tf.Tensor2D;
}

/** Where each path comes from. */
export type PathSampler =
  /** GDAS: Gumbel-max draw from softmax(α), straight-through Gumbel-softmax gradient. */
  | { readonly kind: 'gumbel' }
  /**
   * VAENAS Algorithm 3: from the VAE p_θ, retrained every `interval` steps on the top `topFraction`
   * of `sampled` uniform cells evaluated on the supernet (lines 5–9). Before its first training there
   * is no VAE: paths are uniform until then (the paper does not say how it starts).
   */
  | { readonly kind: 'vaenas'; readonly interval: number; readonly sampled: number; readonly topFraction: number; readonly vaeSteps: number };

/** Settings; defaults are GDAS's (Dong & Yang 2019) where it has one. */
export interface GradientSearchOptions {
  readonly steps: number;
  readonly seed: Seed;
  readonly sampler: PathSampler;
  /** Images per weight step and per architecture step (default 64). */
  readonly batchSize?: number;
  /** Peak learning rate of the weights' cosine schedule (default 0.05, as the one-shot supernets). */
  readonly learningRate?: number;
  /** Adam learning rate of the architecture weights (default 3e-4, DARTS/GDAS). */
  readonly archLearningRate?: number;
  /** L2 weight decay of the architecture weights (default 1e-3, DARTS/GDAS). */
  readonly archWeightDecay?: number;
  /** Gumbel-softmax temperature, decayed geometrically from `start` to `end` (default 10 → 0.1, GDAS). */
  readonly tau?: { readonly start: number; readonly end: number };
  /** Record softmax(α) every this many steps (default 50), and at the last step. */
  readonly recordEvery?: number;
  /** Folder for checkpoints (weights, momentum, architecture weights and Adam state); resumed when present. */
  readonly checkpointDir?: string;
  /**
   * Checkpoint every this many steps (default 200; VAENAS: its interval, which it must be a multiple
   * of, so a resumed run retrains the VAE where the uninterrupted one did and ends identical).
   */
  readonly checkpointEvery?: number;
  /** A line now and then: progress and VAE retrainings. */
  readonly onProgress?: (line: string) => void;
  /** Called after each step (weights and architecture weights both updated). */
  readonly onStep?: (step: number) => void;
}

/** The data a search reads: weights train on `train`, architecture weights on `validation`. */
export interface GradientSearchData {
  readonly train: LabelledImages;
  readonly validation: LabelledImages;
  readonly norm: Normalisation;
  /** VAENAS only: how the sampled cells are evaluated on the supernet to rank them. */
  readonly ranking?: EvaluationData;
}

/** One record of the architecture distribution. */
export interface ArchitectureSnapshot {
  readonly step: number;
  /** softmax(α) [edges][ops]. */
  readonly probabilities: number[][];
  readonly entropyNats: number;
}

/** What a search found and how it got there. */
export interface GradientSearchResult<A> {
  /** The derived cell: argmax of α on every edge (Algorithm 3, line 12). */
  readonly derived: A;
  readonly derivedChoice: number[];
  /** Share of the derived cell's edges holding a parameter-free operation (1 = collapsed). */
  readonly parameterFreeShare: number;
  readonly final: ArchitectureSnapshot;
  /** softmax(α) over training, every `recordEvery` steps. */
  readonly history: ArchitectureSnapshot[];
  readonly report: TrainReport;
  /** VAENAS only: how often the VAE was trained. */
  readonly vaeTrainings: number;
}

const ADAM_BETAS = [0.5, 0.999] as const;
const ADAM_EPSILON = 1e-8;
const STATE_PREFIX = 'architecture-';

/**
 * Run the search on `supernet` (trained in place) over `space`.
 * @throws RangeError for options out of range; Error when VAENAS has no ranking data, or a checkpoint
 *   holds no architecture state for its step.
 */
export function gradientSearch<A>(supernet: EdgeScaledNet<A>, space: EdgeChoiceSpace<A>, data: GradientSearchData, options: GradientSearchOptions): GradientSearchResult<A> {
  const { steps, seed, sampler } = options;
  const batchSize = options.batchSize ?? 64;
  const tau = options.tau ?? { start: 10, end: 0.1 };
  if (!(tau.start > 0 && tau.end > 0)) throw new RangeError(`Gumbel-softmax temperatures must be > 0: got ${tau.start} → ${tau.end}`);
  const recordEvery = options.recordEvery ?? 50;
  if (!Number.isInteger(recordEvery) || recordEvery < 1) throw new RangeError(`recordEvery must be a positive integer: got ${recordEvery}`);
  if (sampler.kind === 'vaenas' && data.ranking === undefined) throw new Error('VAENAS gradient-based search needs ranking data (validation images) to rank the sampled cells');
  const checkpointEvery = options.checkpointEvery ?? (sampler.kind === 'vaenas' ? sampler.interval : 200);
  if (sampler.kind === 'vaenas' && checkpointEvery % sampler.interval !== 0) {
    throw new RangeError(`VAENAS checkpoints must fall on VAE retrainings: checkpointEvery ${checkpointEvery} is not a multiple of the interval ${sampler.interval}`);
  }
  const alpha = ArchitectureWeights.create(space.edges, space.ops.length, new Rng(seed).fork('alpha').intSeed());
  const adam = { m: new Float64Array(alpha.edges * alpha.ops), v: new Float64Array(alpha.edges * alpha.ops), t: 0 };
  let history: ArchitectureSnapshot[] = [];
  let vae: TrainedVaeSampler<A> | null = null;
  const snapshot = (step: number): ArchitectureSnapshot => ({ step, probabilities: alpha.probabilities(), entropyNats: alpha.entropyNats() });
  const temperature = (step: number) => tau.start * (tau.end / tau.start) ** (steps === 1 ? 1 : step / (steps - 1));

  const archStep = (choice: number[], noise: Float64Array | undefined, step: number): void => {
    const { x, labels } = makeBatch(data.validation, stepIndices(data.validation.count, batchSize, step, `${seed}/arch`), data.norm);
    try {
      const grad = Float64Array.from(tf.tidy(() => {
        const cell = space.cellOf(choice);
        // The scales inside the taped function: their path to α is what the gradient follows. A path
        // whose every edge computes nothing (all none, or skips from an empty node) leaves the loss
        // without α: the zero term keeps the tape connected, and α's gradient is then 0.
        const { grads } = tf.variableGrads(() => {
          const scales = alpha.edgeScales(choice, temperature(step), noise);
          return tf.add(softmaxCrossEntropy(supernet.forward(cell, x, { kind: 'batch' }, scales), labels), tf.mul(tf.sum(scales), 0)) as tf.Scalar;
        }, [alpha.logits]);
        return Float32Array.from(grads[alpha.logits.name].dataSync());
      }));
      const next = adamStep(alpha, grad, adam, options);
      tf.tidy(() => alpha.logits.assign(tf.tensor2d(Float32Array.from(next), [alpha.edges, alpha.ops])));
    } finally {
      x.dispose();
    }
  };

  const maybeRetrainVae = (step: number): void => {
    if (sampler.kind !== 'vaenas') return;
    // Lines 5–9 at multiples of the interval; after a resume past the first interval the VAE is
    // rebuilt at once from the current weights (it is not checkpointed, as in Algorithm 2's runner).
    if (!((step > 0 && step % sampler.interval === 0) || (vae === null && step > sampler.interval))) return;
    const rng = new Rng(seed).fork(`vaenas/rank/${step}`);
    const cells = Array.from({ length: sampler.sampled }, () => supernet.space.sampleUniform(rng));
    const accuracies = cells.map((cell) => evaluateSubnet(supernet, cell, data.ranking!));
    vae?.dispose();
    vae = trainVaeSampler(supernet.space, { cells, accuracies }, { seed: new Rng(seed).fork(`vaenas/vae/${step}`).intSeed(), steps: sampler.vaeSteps, topFraction: sampler.topFraction, batchSize: Math.min(100, Math.max(1, Math.round(sampler.sampled * sampler.topFraction))) });
    options.onProgress?.(`step ${step}: VAE retrained on the top ${vae.selection.indices.length} of ${cells.length} uniform cells`);
  };

  const sample = (step: number, rng: Rng): A => {
    let choice: number[];
    let noise: Float64Array | undefined;
    if (sampler.kind === 'gumbel') {
      noise = alpha.gumbelNoise(rng);
      choice = alpha.choiceOf(noise);
    } else {
      maybeRetrainVae(step);
      const current = vae as TrainedVaeSampler<A> | null;
      choice = space.choiceOf(current === null ? supernet.space.sampleUniform(rng) : current.sampler.draw(1, rng).cells[0]);
    }
    // Algorithm 3 lines 3–4: the architecture weights first (validation batch), then the weights.
    archStep(choice, noise, step);
    if (step % recordEvery === 0) history.push(snapshot(step + 1));
    return space.cellOf(choice);
  };

  // The state of the last checkpoint stays until the next one is written: the weights' checkpoint is
  // written after this state, so a kill between the two resumes from the previous step's pair.
  let lastSaved = -1;
  const alongside = {
    save(dir: string, step: number) {
      writeJsonAtomically(join(dir, `${STATE_PREFIX}${step}.json`), { step, logits: Array.from(alpha.logits.dataSync()), adam: { m: Array.from(adam.m), v: Array.from(adam.v), t: adam.t }, history });
      const keep = new Set([`${STATE_PREFIX}${step}.json`, `${STATE_PREFIX}${lastSaved}.json`]);
      for (const name of readdirSync(dir)) if (name.startsWith(STATE_PREFIX) && !keep.has(name)) rmSync(join(dir, name), { force: true });
      lastSaved = step;
    },
    restore(dir: string, step: number) {
      const file = join(dir, `${STATE_PREFIX}${step}.json`);
      if (!existsSync(file)) throw new Error(`${dir} holds supernet weights at step ${step} but no architecture weights for that step (${file}): remove the folder to start again`);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { logits: number[]; adam: { m: number[]; v: number[]; t: number }; history: ArchitectureSnapshot[] };
      tf.tidy(() => alpha.logits.assign(tf.tensor2d(saved.logits, [alpha.edges, alpha.ops])));
      adam.m.set(saved.adam.m);
      adam.v.set(saved.adam.v);
      adam.t = saved.adam.t;
      history = saved.history;
      lastSaved = step;
    },
  };

  try {
    const report = trainSupernet(supernet, data.train, data.norm, {
      steps, seed, batchSize, learningRate: options.learningRate, sample,
      checkpointDir: options.checkpointDir, checkpointEvery, alongside,
      onStep: ({ step, loss }) => {
        if ((step + 1) % 100 === 0 || step + 1 === steps) options.onProgress?.(`step ${step + 1}/${steps}: loss ${loss.toFixed(3)}, entropy ${alpha.entropyNats().toFixed(3)} nats`);
        options.onStep?.(step);
      },
    });
    const final = snapshot(steps);
    if (history.length === 0 || history[history.length - 1].step !== steps) history.push(final);
    const derivedChoice = alpha.derive();
    const parameterFree = derivedChoice.filter((k) => space.parameterFree.includes(space.ops[k])).length;
    const vaeTrainings = sampler.kind === 'vaenas' ? Math.floor((steps - 1) / sampler.interval) : 0;
    return { derived: space.cellOf(derivedChoice), derivedChoice, parameterFreeShare: parameterFree / space.edges, final, history, report, vaeTrainings };
  } finally {
    (vae as TrainedVaeSampler<A> | null)?.dispose();
    alpha.dispose();
  }
}

/** Adam (DARTS's β = (0.5, 0.999)) with L2 decay on α, in float64; returns the new logits. */
function adamStep(alpha: ArchitectureWeights, grad: Float64Array, state: { m: Float64Array; v: Float64Array; t: number }, options: GradientSearchOptions): Float64Array {
  const lr = options.archLearningRate ?? 3e-4;
  const wd = options.archWeightDecay ?? 1e-3;
  const logits = alpha.logits.dataSync();
  state.t += 1;
  const [b1, b2] = ADAM_BETAS;
  return Float64Array.from(logits, (value, i) => {
    const g = grad[i] + wd * value;
    state.m[i] = b1 * state.m[i] + (1 - b1) * g;
    state.v[i] = b2 * state.v[i] + (1 - b2) * g * g;
    const mHat = state.m[i] / (1 - b1 ** state.t);
    const vHat = state.v[i] / (1 - b2 ** state.t);
    return value - (lr * mHat) / (Math.sqrt(vHat) + ADAM_EPSILON);
  });
}
