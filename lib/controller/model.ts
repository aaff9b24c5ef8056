// The controller's weights and differentiable forward pass (DNAS §Framework, NAO without
// attention): encoder f_e, decoder f_d with teacher forcing, predictors f_acc / f_flops, Eq 1–5.
// No training loop, decoding or I/O here (controller.ts); no search space is named.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import type { ControllerConfig } from './config';
import { dense, matMulFast, oneHotTimeMajor, softmaxCrossEntropy, tokensTimeMajor, uniformValues } from './fast-ops';
import { lstmSequence } from './lstm';

/** The LSTM implementation a forward pass uses (`lstmSequence` unless a benchmark swaps it). */
export type LstmFn = typeof lstmSequence;

/** Named trainable weights, in a fixed creation order (the order save files use). */
export type Weights = Map<string, tf.Variable>;

/** [name, shape, fanIn] of every weight for a configuration, in creation order. */
export function weightShapes(config: ControllerConfig): [string, number[], number][] {
  const { vocabSize: v, hidden: h, embedding: e, latentDim: d, decoderLayers: layers, accuracyHidden: a } = config;
  const shapes: [string, number[], number][] = [
    ['encoder/embedding', [v, e], 1],
    ['encoder/lstm/wx', [e, 4 * h], h],
    ['encoder/lstm/wh', [h, 4 * h], h],
    ['encoder/lstm/b', [4 * h], h],
    ['encoder/mu/w', [h, d], h],
    ['encoder/mu/b', [d], h],
  ];
  if (config.disentangle) shapes.push(['encoder/logvar/w', [h, d], h], ['encoder/logvar/b', [d], h]);
  for (let l = 0; l < layers; l++) {
    shapes.push([`decoder/init${l}/h/w`, [d, h], d], [`decoder/init${l}/h/b`, [h], d], [`decoder/init${l}/c/w`, [d, h], d], [`decoder/init${l}/c/b`, [h], d]);
  }
  // Index v of the decoder embedding is the start-of-sequence token (not in the space's vocabulary).
  shapes.push(['decoder/embedding', [v + 1, e], 1]);
  if (config.latentEveryStep) shapes.push(['decoder/latent/w', [d, 4 * h], h]);
  for (let l = 0; l < layers; l++) {
    shapes.push([`decoder/lstm${l}/wx`, [l === 0 ? e : h, 4 * h], h], [`decoder/lstm${l}/wh`, [h, 4 * h], h], [`decoder/lstm${l}/b`, [4 * h], h]);
  }
  shapes.push(['decoder/out/w', [h, v], h], ['decoder/out/b', [v], h]);
  shapes.push(['predictor/acc/w1', [d, a], d], ['predictor/acc/b1', [a], d], ['predictor/acc/w2', [a, 1], a], ['predictor/acc/b2', [1], a]);
  if (config.flopsPredictor) shapes.push(['predictor/flops/w', [d, 1], d], ['predictor/flops/b', [1], d]);
  return shapes;
}

/**
 * Fresh weights: U(±1/√fanIn) as PyTorch's nn.Linear / nn.LSTM, embeddings N(0, 1) as
 * nn.Embedding, all drawn from `Rng(config.seed)` (same seed → same weights). Each LSTM has one
 * bias vector where PyTorch keeps two (b_ih + b_hh: the same function).
 */
export function initWeights(config: ControllerConfig): Weights {
  const rng = new Rng(config.seed).fork('weights');
  const weights: Weights = new Map();
  for (const [name, shape, fanIn] of weightShapes(config)) {
    const size = shape.reduce((x, y) => x * y, 1);
    const values = name.endsWith('embedding') ? Float32Array.from({ length: size }, () => rng.normal()) : uniformValues(rng, size, 1 / Math.sqrt(fanIn));
    weights.set(name, toVariable(values, shape));
  }
  return weights;
}

/**
 * A trainable variable holding `values`. Unnamed: TF.js variable names are process-global, and
 * several controllers live side by side (one per seed).
 */
export function toVariable(values: Float32Array, shape: number[]): tf.Variable {
  const initial = tf.tensor(values, shape);
  const variable = tf.variable(initial, true);
  initial.dispose();
  return variable;
}

/** A weight by name as a 2-D / 1-D tensor (names come from `weightShapes`). */
export function w2(weights: Weights, name: string): tf.Tensor2D {
  return weights.get(name) as unknown as tf.Tensor2D;
}
export function w1(weights: Weights, name: string): tf.Tensor1D {
  return weights.get(name) as unknown as tf.Tensor1D;
}

/** Encoder output for a batch: μ and (β-VAE only) log σ², each [batch, latentDim]. */
export interface Posterior {
  readonly mu: tf.Tensor2D;
  readonly logVar: tf.Tensor2D | null;
}

/**
 * f_e: embedding → single-layer LSTM → mean over the T encoder outputs (NAO's arch_emb) or the
 * last one (`config.encoderOutput`) → linear heads μ and log σ². The embedding is folded into the LSTM input kernel
 * (one-hot·E·Wx = one-hot·(E·Wx)), which is the same function with one matMul less per step.
 * @param tokens [batch][sequenceLength], validated by the caller.
 */
export function encodePosterior(weights: Weights, config: ControllerConfig, tokens: readonly (readonly number[])[], lstm: LstmFn = lstmSequence): Posterior {
  const batch = tokens.length;
  const { sequenceLength: steps, vocabSize, hidden } = config;
  const onehot = tf.tensor2d(oneHotTimeMajor(tokens, steps, vocabSize), [steps * batch, vocabSize]);
  const kernel = matMulFast(w2(weights, 'encoder/embedding'), w2(weights, 'encoder/lstm/wx'));
  const zeros = tf.zeros([batch, hidden]) as tf.Tensor2D;
  const pooled = config.encoderOutput === 'mean'
    ? lstm(onehot, kernel, w2(weights, 'encoder/lstm/wh'), w1(weights, 'encoder/lstm/b'), zeros, zeros, { inputGradient: false, output: 'mean' })
    : tf.slice(lstm(onehot, kernel, w2(weights, 'encoder/lstm/wh'), w1(weights, 'encoder/lstm/b'), zeros, zeros, { inputGradient: false }), [(steps - 1) * batch, 0], [batch, hidden]) as tf.Tensor2D;
  const mu = dense(pooled, w2(weights, 'encoder/mu/w'), w1(weights, 'encoder/mu/b'));
  const logVar = config.disentangle ? dense(pooled, w2(weights, 'encoder/logvar/w'), w1(weights, 'encoder/logvar/b')) : null;
  return { mu, logVar };
}

/**
 * Initial decoder state from z, per layer l: h0 = tanh(z·W_h + b_h), c0 = z·W_c + b_c. NAO/SemiNAS start the decoder from the encoder's
 * pooled output directly; a learnt map lets latentDim differ from hidden.
 * @param z [batch, latentDim]. @returns per layer [h0, c0], each [batch, hidden].
 */
export function decoderInitialState(weights: Weights, config: ControllerConfig, z: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D][] {
  return Array.from({ length: config.decoderLayers }, (_, l): [tf.Tensor2D, tf.Tensor2D] => [
    tf.tanh(dense(z, w2(weights, `decoder/init${l}/h/w`), w1(weights, `decoder/init${l}/h/b`))),
    dense(z, w2(weights, `decoder/init${l}/c/w`), w1(weights, `decoder/init${l}/c/b`)),
  ]);
}

/**
 * The decoder's layer-0 input kernel: the start-or-token embedding folded into Wx, with the
 * rows of z stacked below when z is fed at every step. [vocab+1 (+latentDim), 4·hidden].
 */
export function decoderInputKernel(weights: Weights, config: ControllerConfig): tf.Tensor2D {
  const folded = matMulFast(w2(weights, 'decoder/embedding'), w2(weights, 'decoder/lstm0/wx'));
  return config.latentEveryStep ? tf.concat([folded, w2(weights, 'decoder/latent/w')], 0) : folded;
}

/**
 * f_d with teacher forcing: inputs are [start, x_0 … x_{T−2}] (or the caller's `inputs`, e.g.
 * with word dropout applied), outputs logits for x_0 … x_{T−1}. With `latentEveryStep`, z is
 * appended to every step's input.
 * @param inputs [batch][sequenceLength] decoder input tokens, index vocabSize = start; default the shifted targets.
 * @returns logits [sequenceLength·batch, vocabSize], time-major.
 */
export function decoderLogits(weights: Weights, config: ControllerConfig, z: tf.Tensor2D, tokens: readonly (readonly number[])[], lstm: LstmFn = lstmSequence, inputs?: readonly (readonly number[])[]): tf.Tensor2D {
  const batch = tokens.length;
  const { sequenceLength: steps, vocabSize } = config;
  const shifted = inputs ?? shiftedInputs(tokens, vocabSize);
  const onehot = tf.tensor2d(oneHotTimeMajor(shifted, steps, vocabSize + 1), [steps * batch, vocabSize + 1]);
  let layerInputs: tf.Tensor2D = config.latentEveryStep ? tf.concat([onehot, tf.tile(z, [steps, 1])], 1) : onehot;
  const states = decoderInitialState(weights, config, z);
  for (let l = 0; l < config.decoderLayers; l++) {
    const kernel = l === 0 ? decoderInputKernel(weights, config) : w2(weights, `decoder/lstm${l}/wx`);
    layerInputs = lstm(layerInputs, kernel, w2(weights, `decoder/lstm${l}/wh`), w1(weights, `decoder/lstm${l}/b`), states[l][0], states[l][1], { inputGradient: l > 0 || config.latentEveryStep });
  }
  return dense(layerInputs, w2(weights, 'decoder/out/w'), w1(weights, 'decoder/out/b'));
}

/** Teacher-forcing inputs [start, x_0 … x_{T−2}] of each sequence (start = token index `vocabSize`). */
export function shiftedInputs(tokens: readonly (readonly number[])[], vocabSize: number): number[][] {
  return tokens.map((seq) => [vocabSize, ...seq.slice(0, seq.length - 1)]);
}

/** f_acc: z → 64 → 1 with ReLU (DNAS §Experiments "26, 64, 1"). @returns [batch] normalised accuracy. */
export function predictAccuracy(weights: Weights, z: tf.Tensor2D): tf.Tensor1D {
  const hiddenUnits = tf.relu(dense(z, w2(weights, 'predictor/acc/w1'), w1(weights, 'predictor/acc/b1')));
  return tf.reshape(dense(hiddenUnits, w2(weights, 'predictor/acc/w2'), w1(weights, 'predictor/acc/b2')), [-1]);
}

/** f_flops: z → 1, linear (DNAS §Experiments "26, 1"). @returns [batch] normalised FLOPs. */
export function predictFlops(weights: Weights, z: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(dense(z, w2(weights, 'predictor/flops/w'), w1(weights, 'predictor/flops/b')), [-1]);
}

/** One training batch: tokens and normalised targets. */
export interface Batch {
  readonly tokens: readonly (readonly number[])[];
  /** [batch] normalised accuracies; null when the batch is unlabelled (pretraining: L_acc = 0). */
  readonly accuracy: tf.Tensor1D | null;
  /** [batch] normalised FLOPs, when the FLOPs predictor is on and the batch is labelled. */
  readonly flops: tf.Tensor1D | null;
  /** [batch, latentDim] standard normal draws for the reparameterisation (β-VAE only). */
  readonly epsilon: tf.Tensor2D | null;
  /** Decoder inputs after word dropout ([batch][sequenceLength]); default the shifted tokens. */
  readonly decoderInputs?: readonly (readonly number[])[];
  /** Valid-token masks, time-major [sequenceLength·batch·vocabSize] 0/1; null = every token allowed. */
  readonly masks?: Uint8Array | null;
  /** Multiplier of β this step (KL warm-up; default 1). */
  readonly klScale?: number;
  /** Capacity C this step in nats when capacity annealing is on. */
  readonly capacityNats?: number;
  /** Only the predictor terms (encoder frozen): skips the decoder. */
  readonly predictorsOnly?: boolean;
}

/** The four terms of Eq 5 and their weighted sum, as scalars. */
export interface LossTerms {
  readonly total: tf.Scalar;
  readonly acc: tf.Scalar;
  readonly flops: tf.Scalar;
  readonly rec: tf.Scalar;
  /** KL(q(z|x) || N(0, I)) in nats, SUMMED over latent units and averaged over the batch (standard units, whatever the loss's reduction). */
  readonly kl: tf.Scalar;
}

/**
 * KL(N(μ, σ²) || N(0, I)) per latent unit, averaged over the batch: [latentDim] nats.
 * Analytic: ½·(μ² + σ² − 1 − log σ²).
 */
export function klPerUnit(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.mean(tf.mul(0.5, tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(1, logVar))), 0) as tf.Tensor1D;
}

/**
 * Eq 5: L = α·L_acc + λ·L_flops + μ·L_rec + β·L_kl with
 * L_acc, L_flops = mean squared error of the predictors on z (Eq 2–3, averaged, not summed, so
 * the weights do not depend on the batch size); L_rec = −log p(x|z), the token cross-entropy
 * SUMMED over the positions of a sequence (padding included: it says where the cell ends) and
 * averaged over the batch, the softmax normalised over the valid tokens when `batch.masks` is
 * given; L_kl = KL(N(μ, σ²) || N(0, I)) averaged over the batch and reduced over latent units as
 * `config.klReduction` says, each unit floored at `freeBitsNats`; with capacity annealing the
 * KL term is |KL_summed − C|. β is scaled by `batch.klScale` (warm-up).
 * z = μ + σ·ε in β-VAE mode, z = μ otherwise (then L_kl = 0); predictors and decoder both see
 * this z during training (at inference callers pass μ from `encode`). `lstm` swaps the LSTM kernel
 * (benchmarks compare `lstmSequenceReference`).
 */
export function lossTerms(weights: Weights, config: ControllerConfig, batch: Batch, lstm: LstmFn = lstmSequence): LossTerms {
  const { mu, logVar } = encodePosterior(weights, config, batch.tokens, lstm);
  const z = logVar !== null && batch.epsilon !== null ? tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), batch.epsilon)) as tf.Tensor2D : mu;
  const zero = tf.scalar(0);
  const rec = batch.predictorsOnly
    ? zero
    : tf.mul(softmaxCrossEntropy(decoderLogits(weights, config, z, batch.tokens, lstm, batch.decoderInputs), tokensTimeMajor(batch.tokens, config.sequenceLength), batch.masks ?? null), config.sequenceLength) as tf.Scalar;
  const acc = batch.accuracy !== null ? tf.mean(tf.squaredDifference(predictAccuracy(weights, z), batch.accuracy)) as tf.Scalar : zero;
  const flops = batch.flops !== null ? tf.mean(tf.squaredDifference(predictFlops(weights, z), batch.flops)) as tf.Scalar : zero;
  const units = logVar !== null ? klPerUnit(mu, logVar) : null;
  const kl = units !== null ? tf.sum(units) as tf.Scalar : zero;
  const { alpha, lambda, mu: muWeight, beta } = config.lossWeights;
  const terms = [tf.mul(alpha, acc), tf.mul(lambda, flops)];
  if (!batch.predictorsOnly) {
    terms.push(tf.mul(muWeight, rec));
    if (units !== null) terms.push(tf.mul(beta * (batch.klScale ?? 1), klObjective(config, units, batch.capacityNats)));
  }
  const total = tf.addN(terms) as tf.Scalar;
  return { total, acc, flops, rec, kl };
}

/** The KL term of the loss from per-unit KL: free-bits floor, then the reduction, or |KL − C| under capacity annealing. */
function klObjective(config: ControllerConfig, units: tf.Tensor1D, capacityNats: number | undefined): tf.Scalar {
  const floored = config.freeBitsNats > 0 ? tf.maximum(units, config.freeBitsNats) : units;
  if (config.capacity !== null) return tf.abs(tf.sub(tf.sum(floored), capacityNats ?? config.capacity.targetNats)) as tf.Scalar;
  return (config.klReduction === 'mean' ? tf.mean(floored) : tf.sum(floored)) as tf.Scalar;
}
