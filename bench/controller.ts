// Benchmark: one DNAS controller training step (Eq 5, Adam) in TF.js, variant by variant, timed
// side by side with the same model in PyTorch (bench/controller_torch.py) in the same run.
// Measures only; run with `npx tsx bench/controller.ts [--quick]`, prints one JSON object.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { initBackend } from '../lib/backend';
import type { TokenGrammar } from '../lib/controller/config';
import { resolveConfig } from '../lib/controller/config';
import { createController } from '../lib/controller/controller';
import { matMulFast } from '../lib/controller/fast-ops';
import { lstmSequenceReference } from '../lib/controller/lstm';
import { initWeights, lossTerms, type Batch } from '../lib/controller/model';
import { Rng } from '../lib/random';

/** One measured variant: milliseconds per Adam step and per sequence. */
export interface VariantResult {
  readonly name: string;
  readonly batch: number;
  /** Controllers trained together in one step (1 unless the variant stacks seeds). */
  readonly seeds: number;
  readonly msPerStep: number;
  /** msPerStep / (batch · seeds). */
  readonly msPerSequence: number;
  /** msPerSequence / PyTorch's msPerSequence at 1 thread and batch 100 (goal ≤ 1). */
  readonly ratio: number;
  readonly note?: string;
}

/** The benchmark's answer (`npx dnas bench controller`). */
export interface ControllerBenchResult {
  /** The default (lib/controller) variant at the paper's batch. */
  readonly msPerStep: number;
  readonly batch: number;
  readonly msPerSequence: number;
  /** PyTorch, same model and batch, torch.set_num_threads(1). */
  readonly torchMsPerStep: number;
  /** PyTorch with its default thread count. */
  readonly torchMsPerStepDefaultThreads: number;
  readonly torchDefaultThreads: number;
  /** msPerSequence / PyTorch's (1 thread) per sequence. */
  readonly ratio: number;
  readonly backend: string;
  readonly sequenceLength: number;
  readonly hidden: number;
  readonly variants: VariantResult[];
}

/** Options: `steps` timed per variant (after 3 warm-up steps); `quick` skips the slow variants. */
export interface ControllerBenchOptions {
  readonly batch?: number;
  readonly steps?: number;
  readonly quick?: boolean;
}

const SEQUENCE_LENGTH = 27;
const VOCAB_SIZE = 7;
const HIDDEN = 26;
const WARMUP_STEPS = 3;

/** A grammar of the NAS-Bench-101 shape that allows every token (speed does not depend on it). */
const OPEN_GRAMMAR: TokenGrammar = { sequenceLength: SEQUENCE_LENGTH, vocabSize: VOCAB_SIZE, allowedNextTokens: () => new Array(VOCAB_SIZE).fill(true) };

function randomTokens(rng: Rng, n: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: SEQUENCE_LENGTH }, () => rng.int(VOCAB_SIZE)));
}

/** Milliseconds per call of `step`, after warm-up calls. */
function timePerStep(step: () => void, steps: number): number {
  for (let i = 0; i < WARMUP_STEPS; i++) step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  return (performance.now() - start) / steps;
}

/**
 * The default controller (fused JS-cell LSTM), timed through its public `train`. `adam: 'tf'`
 * swaps its optimizer for TF.js's own Adam (~14 backend ops per weight; the controller's FusedAdam
 * gives the same weights bit for bit in one JS loop per weight), to time what the fusion saves.
 */
function timeDefault(batch: number, steps: number, adam: 'fused' | 'tf' = 'fused'): number {
  const rng = new Rng('bench-controller');
  const n = batch * (steps + WARMUP_STEPS);
  const data = { tokens: randomTokens(rng, n), accuracy: Array.from({ length: n }, () => rng.uniform()), flopsM: Array.from({ length: n }, () => rng.uniformIn(10, 100)) };
  const controller = createController(OPEN_GRAMMAR, { seed: 0 });
  if (adam === 'tf') {
    const fields = controller as unknown as { optimizer: tf.Optimizer };
    fields.optimizer.dispose();
    fields.optimizer = tf.train.adam(controller.config.learningRate);
  }
  controller.train({ tokens: data.tokens.slice(0, batch * WARMUP_STEPS), accuracy: data.accuracy.slice(0, batch * WARMUP_STEPS), flopsM: data.flopsM.slice(0, batch * WARMUP_STEPS) }, { epochs: 1, batchSize: batch, rng });
  const start = performance.now();
  controller.train(data, { epochs: 1, batchSize: batch, rng });
  const ms = (performance.now() - start) / (steps + WARMUP_STEPS);
  controller.dispose();
  return ms;
}

/** The same model and loss with the LSTM written as plain TF.js ops and autodiff (one fused gate matMul per step). */
function timeOpsLstm(batch: number, steps: number): number {
  const rng = new Rng('bench-controller-ops');
  const config = resolveConfig(OPEN_GRAMMAR, { seed: 0 });
  const weights = initWeights(config);
  const optimizer = tf.train.adam(config.learningRate);
  const tokens = randomTokens(rng, batch);
  const ms = timePerStep(() => {
    tf.tidy(() => {
      const batchData: Batch = {
        tokens,
        accuracy: tf.randomNormal([batch]) as tf.Tensor1D,
        flops: tf.randomNormal([batch]) as tf.Tensor1D,
        epsilon: tf.randomNormal([batch, config.latentDim]) as tf.Tensor2D,
      };
      optimizer.minimize(() => lossTerms(weights, config, batchData, lstmSequenceReference).total, false, [...weights.values()]);
    });
  }, steps);
  tf.dispose([...weights.values()]);
  optimizer.dispose();
  return ms;
}

/** The same architecture with tf.layers.lstm for encoder and decoder (what STACK-NOTES measured). */
function timeLayersLstm(batch: number, steps: number): number {
  const rng = new Rng('bench-controller-layers');
  const h = HIDDEN;
  const encoder = tf.layers.lstm({ units: h, returnSequences: true, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }) });
  const decoder = tf.layers.lstm({ units: h, returnSequences: true, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 4 }) });
  const v = (shape: number[], seed: number) => tf.variable(tf.randomUniform(shape, -0.2, 0.2, 'float32', seed));
  const p = {
    encEmb: v([VOCAB_SIZE, h], 5), decEmb: v([VOCAB_SIZE + 1, h], 6), muW: v([h, h], 7), muB: v([h], 8), lvW: v([h, h], 9), lvB: v([h], 10),
    initW: v([h, 2 * h], 11), initB: v([2 * h], 12), outW: v([h, VOCAB_SIZE], 13), outB: v([VOCAB_SIZE], 14),
    a1: v([h, 64], 15), b1: v([64], 16), a2: v([64, 1], 17), b2: v([1], 18), fW: v([h, 1], 19), fB: v([1], 20),
  };
  const tokens = randomTokens(rng, batch);
  const onehot = (seqs: number[][], depth: number) => tf.oneHot(tf.tensor2d(seqs, undefined, 'int32'), depth).toFloat() as tf.Tensor3D;
  const encIn = onehot(tokens, VOCAB_SIZE);
  const decIn = onehot(tokens.map((s) => [VOCAB_SIZE, ...s.slice(0, -1)]), VOCAB_SIZE + 1);
  const lin = (x: tf.Tensor2D, w: tf.Variable, b: tf.Variable) => tf.add(matMulFast(x, w as unknown as tf.Tensor2D), b) as tf.Tensor2D;
  const embed = (x: tf.Tensor3D, e: tf.Variable) => tf.reshape(matMulFast(tf.reshape(x, [-1, x.shape[2]]) as tf.Tensor2D, e as unknown as tf.Tensor2D), [batch, SEQUENCE_LENGTH, h]);
  const loss = (): tf.Scalar => {
    const pooled = tf.mean(encoder.apply(embed(encIn, p.encEmb)) as tf.Tensor3D, 1) as tf.Tensor2D;
    const mu = lin(pooled, p.muW, p.muB);
    const lv = lin(pooled, p.lvW, p.lvB);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(lv, 0.5)), tf.randomNormal(mu.shape))) as tf.Tensor2D;
    const [h0, c0] = tf.split(lin(z, p.initW, p.initB), 2, 1);
    const out = decoder.apply(embed(decIn, p.decEmb), { initialState: [tf.tanh(h0), c0] }) as tf.Tensor3D;
    const logits = lin(tf.reshape(out, [-1, h]) as tf.Tensor2D, p.outW, p.outB);
    const rec = tf.neg(tf.mean(tf.sum(tf.mul(tf.reshape(encIn, [-1, VOCAB_SIZE]), tf.logSoftmax(logits)), 1)));
    const acc = tf.mean(tf.square(tf.sub(lin(tf.relu(lin(z, p.a1, p.b1)), p.a2, p.b2), 0.5)));
    const flops = tf.mean(tf.square(lin(z, p.fW, p.fB)));
    const kl = tf.mean(tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, lv), tf.add(tf.square(mu), tf.exp(lv))), 1)));
    return tf.addN([tf.mul(0.8, acc), tf.mul(0.3, flops), tf.mul(0.2, rec), kl]) as tf.Scalar;
  };
  tf.tidy(() => loss()); // tf.layers create their weights on the first call
  const vars = [...Object.values(p), ...encoder.trainableWeights.map((w) => w.read() as tf.Variable), ...decoder.trainableWeights.map((w) => w.read() as tf.Variable)];
  const optimizer = tf.train.adam(0.001);
  const ms = timePerStep(() => tf.tidy(() => { optimizer.minimize(loss, false, vars); }), steps);
  tf.dispose([...Object.values(p), encIn, decIn]);
  encoder.dispose();
  decoder.dispose();
  optimizer.dispose();
  return ms;
}

/**
 * S controllers' LSTMs stacked into one batched model: per step ONE batched matMul
 * [S, batch, in+hidden] × [S, in+hidden, 4·hidden] instead of S matMuls (encoder and decoder,
 * autodiff). Isolates whether batching seeds amortises per-op cost on this backend; the heads
 * are left out, so it is a lower bound on the full stacked model's time.
 */
function timeStackedSeedLstms(batch: number, seeds: number, steps: number): number {
  const h = HIDDEN;
  const k = VOCAB_SIZE + 1 + h;
  const kernels = [0, 1].map((i) => tf.variable(tf.randomUniform([seeds, k, 4 * h], -0.2, 0.2, 'float32', 30 + i)));
  const bias = [0, 1].map((i) => tf.variable(tf.randomUniform([seeds, 1, 4 * h], -0.2, 0.2, 'float32', 40 + i)));
  const x = tf.oneHot(tf.randomUniform([SEQUENCE_LENGTH, seeds, batch], 0, VOCAB_SIZE + 1, 'int32', 50), VOCAB_SIZE + 1).toFloat();
  const inputs = tf.unstack(x);
  const optimizer = tf.train.adam(0.001);
  const run = (l: number) => {
    let hs = tf.zeros([seeds, batch, h]);
    let cs = tf.zeros([seeds, batch, h]);
    let total: tf.Tensor = tf.scalar(0);
    for (let t = 0; t < SEQUENCE_LENGTH; t++) {
      const gates = tf.add(tf.matMul(tf.concat([inputs[t], hs], 2), kernels[l]), bias[l]);
      const [i, f, g, o] = tf.split(gates, 4, 2);
      cs = tf.add(tf.mul(tf.sigmoid(f), cs), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      hs = tf.mul(tf.sigmoid(o), tf.tanh(cs));
      total = tf.add(total, tf.mean(hs));
    }
    return total;
  };
  const ms = timePerStep(() => tf.tidy(() => { optimizer.minimize(() => tf.add(run(0), run(1)) as tf.Scalar, false, [...kernels, ...bias]); }), steps);
  tf.dispose([...kernels, ...bias, x, ...inputs]);
  optimizer.dispose();
  return ms;
}

/** PyTorch's ms per step from bench/controller_torch.py (threads 0 = PyTorch's default). */
function torchStep(batch: number, threads: number, steps: number): { msPerStep: number; threads: number } {
  const script = join(__dirname, 'controller_torch.py');
  const out = execFileSync('/usr/bin/python3', [script, '--batch', String(batch), '--threads', String(threads), '--steps', String(steps)], { encoding: 'utf8' });
  const parsed = JSON.parse(out.trim().split('\n').pop()!) as { msPerStep: number; threads: number };
  return { msPerStep: parsed.msPerStep, threads: parsed.threads };
}

/**
 * Run every variant and PyTorch in this process's run. PyTorch at 1 thread is timed before and
 * after the TF.js default variant and averaged, so background load hits both alike.
 * @throws Error when /usr/bin/python3 or torch is missing (the message is Python's).
 */
export async function benchController(options: ControllerBenchOptions = {}): Promise<ControllerBenchResult> {
  const batch = options.batch ?? 100;
  const steps = options.steps ?? (options.quick ? 5 : 20);
  const backend = (await initBackend({ quiet: true })).name;
  const torchBefore = torchStep(batch, 1, steps);
  const msDefault = timeDefault(batch, steps);
  const torchAfter = torchStep(batch, 1, steps);
  const torchMs = (torchBefore.msPerStep + torchAfter.msPerStep) / 2;
  const torchDefault = torchStep(batch, 0, steps);
  const torchPerSeq = torchMs / batch;
  const variant = (name: string, b: number, seeds: number, ms: number, note?: string): VariantResult =>
    ({ name, batch: b, seeds, msPerStep: ms, msPerSequence: ms / (b * seeds), ratio: ms / (b * seeds) / torchPerSeq, ...(note ? { note } : {}) });
  const variants: VariantResult[] = [variant('fused-js-lstm (default)', batch, 1, msDefault, 'custom-gradient LSTM: 1 matMul + 1 sigmoid per step on the backend, cell math in JS')];
  // FusedAdam against TF.js's own Adam: alternated, median of each, so JIT warm-up and drift hit both alike.
  const adamRounds = Array.from({ length: options.quick ? 1 : 3 }, () => [timeDefault(batch, steps), timeDefault(batch, steps, 'tf')]);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  variants.push(variant('fused-js-lstm, FusedAdam (alternated with the next, median)', batch, 1, median(adamRounds.map((r) => r[0]))));
  variants.push(variant('fused-js-lstm, tf.train.adam (alternated with the previous, median)', batch, 1, median(adamRounds.map((r) => r[1])), 'TF.js\'s Adam instead of FusedAdam: the same weights, ~14 backend ops per weight'));
  variants.push(variant('fused-js-lstm batch ×10', batch * 10, 1, timeDefault(batch * 10, Math.max(2, Math.round(steps / 4)))));
  if (!options.quick) {
    variants.push(variant('tf-ops-lstm (autodiff)', batch, 1, timeOpsLstm(batch, Math.max(3, Math.round(steps / 4))), 'one fused gate matMul + split per step, TF.js autodiff'));
    variants.push(variant('tf.layers.lstm', batch, 1, timeLayersLstm(batch, Math.max(3, Math.round(steps / 4)))));
    variants.push(variant('stacked seeds ×4, LSTMs only (batched matMul)', batch, 4, timeStackedSeedLstms(batch, 4, Math.max(3, Math.round(steps / 4))), 'encoder+decoder LSTMs of 4 controllers as one batched model; heads omitted (lower bound)'));
    const torchBig = torchStep(batch * 10, 1, Math.max(2, Math.round(steps / 4)));
    variants.push({ name: 'pytorch batch ×10 (1 thread)', batch: batch * 10, seeds: 1, msPerStep: torchBig.msPerStep, msPerSequence: torchBig.msPerStep / (batch * 10), ratio: torchBig.msPerStep / (batch * 10) / torchPerSeq });
  }
  return {
    msPerStep: msDefault, batch, msPerSequence: msDefault / batch, torchMsPerStep: torchMs,
    torchMsPerStepDefaultThreads: torchDefault.msPerStep, torchDefaultThreads: torchDefault.threads,
    ratio: msDefault / torchMs, backend, sequenceLength: SEQUENCE_LENGTH, hidden: HIDDEN, variants,
  };
}

if (require.main === module) {
  benchController({ quick: process.argv.includes('--quick') })
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
