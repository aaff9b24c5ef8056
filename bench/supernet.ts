// Benchmark: the layer-choice supernet's costs timed side by side with references in one run — a
// training step and an inherited-weight evaluation on wasm against the same network in PyTorch
// (bench/supernet_torch.py, one thread; first checked equal: same weights and batch, same loss) and
// against TF.js's cpu backend, and batch norm against tf.moments + tf.batchNorm.
// Measures only, asserts nothing. Usage: npx tsx bench/supernet.ts [--quick] | npm run bench -- supernet
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { softmaxCrossEntropy } from '../lib/controller/fast-ops';
import { initBackend } from '../lib/backend';
import { channelNormalisation, makeBatch, type Normalisation } from '../lib/supernet/batches';
import { firstN, loadFashionMnist, subset, type ImageDataset } from '../lib/supernet/data';
import { evaluateSubnet, type EvaluationData } from '../lib/supernet/evaluate';
import { batchNorm, BN_EPSILON } from '../lib/supernet/ops';
import { FASHION_MNIST_SPACE, LayerChoiceSpace, type Architecture } from '../lib/supernet/space';
import { Supernet } from '../lib/supernet/supernet';
import { trainSupernet } from '../lib/supernet/train';
import { registerWasmConvGradients } from '../lib/supernet/wasm-conv-gradients';

/** A fixed mixed sub-network (test/supernet/cost.test.ts counts it by hand: 45,930 params, 1.103 MFLOPs). */
const ARCH: Architecture = ['xception', 'skip', 'sep5', 'sep7', 'sep7', 'xception', 'skip', 'sep5'];
/** The training batch of lib/supernet/train.ts's default. */
const BATCH = 64;
/** Evaluation as the search uses it at smoke size: 512 calibration images, 1000 validation images. */
const CALIBRATION = 512;
const VALIDATION = 1000;

/** Options: `quick` times fewer steps (for a smoke check of the benchmark itself). */
export interface SupernetBenchOptions {
  readonly quick?: boolean;
}

/** One timed variant and its reference, with their ratio (variant / reference: below 1 is faster). */
interface Pair {
  readonly ms: number;
  readonly referenceMs: number;
  readonly ratio: number;
}

function pair(ms: number, referenceMs: number): Pair {
  return { ms, referenceMs, ratio: ms / referenceMs };
}

/** Median of per-iteration times: robust to other jobs sharing the 2 cores (mean would not be). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds of each of `repeats` calls of `fn`, after one warm-up call. */
function timings(fn: () => void, repeats: number): number[] {
  fn();
  return Array.from({ length: repeats }, () => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  });
}

/**
 * Milliseconds per single-path training step on the current backend: `warmup` steps, then the
 * median over `steps` steps (from onStep to onStep, so batch building is included).
 */
function msPerTrainingStep(data: ImageDataset, norm: Normalisation, warmup: number, steps: number): number {
  const supernet = Supernet.create(FASHION_MNIST_SPACE, 'bench-supernet');
  const stamps: number[] = [];
  try {
    trainSupernet(supernet, data, norm, { steps: warmup + steps, seed: 'bench', batchSize: BATCH, sample: () => ARCH, onStep: () => stamps.push(performance.now()) });
  } finally {
    supernet.dispose();
  }
  return median(stamps.slice(warmup).map((t, i) => t - stamps[warmup - 1 + i]));
}

/** Median milliseconds per evaluateSubnet call of ARCH (after one warm-up call), and its accuracy. */
function msPerEvaluation(data: EvaluationData, repeats: number): { ms: number; accuracy: number } {
  const supernet = Supernet.create(FASHION_MNIST_SPACE, 'bench-supernet');
  try {
    let accuracy = NaN;
    const ms = median(timings(() => (accuracy = evaluateSubnet(supernet, ARCH, data)), repeats));
    return { ms, accuracy };
  } finally {
    supernet.dispose();
  }
}

/** PyTorch's timings of ARCH (bench/supernet_torch.py), with `extra` arguments. */
function torch(extra: string[]): { msPerStep: number; msPerEvaluation: number; loss?: number; threads: number; torch: string } {
  const [height, , channels] = FASHION_MNIST_SPACE.inputShape;
  const stem = { imageChannels: channels, imageSize: height, channels: FASHION_MNIST_SPACE.stemChannels, stride: FASHION_MNIST_SPACE.stemStride, classes: FASHION_MNIST_SPACE.classes };
  const layers = new LayerChoiceSpace(FASHION_MNIST_SPACE).layers;
  const args = [join(__dirname, 'supernet_torch.py'), '--stem', JSON.stringify(stem), '--layers', JSON.stringify(layers), '--arch', ARCH.join('-'), ...extra];
  const out = execFileSync('/usr/bin/python3', args, { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** The workbook's loss on one batch of 16, and PyTorch's on the same weights and batch. */
function equalLoss(data: ImageDataset, norm: Normalisation): { workbook: number; torch: number } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-supernet-'));
  const supernet = Supernet.create(FASHION_MNIST_SPACE, 'bench-equal');
  try {
    supernet.save(dir);
    const { x, labels } = makeBatch(data, Int32Array.from({ length: 16 }, (_, i) => i), norm);
    const workbook = tf.tidy(() => softmaxCrossEntropy(supernet.forward(ARCH, x, { kind: 'batch' }), labels).dataSync()[0]);
    writeFileSync(join(dir, 'batch.json'), JSON.stringify({ shape: x.shape, x: Array.from(x.dataSync()), labels: Array.from(labels) }));
    x.dispose();
    return { workbook, torch: torch(['--weights', dir, '--steps', '1', '--repeats', '1', '--calibration', '128', '--evaluation', '500']).loss! };
  } finally {
    supernet.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onBackend<T>(name: 'cpu' | 'wasm', fn: () => T): Promise<T> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") returned false`);
  try {
    return fn();
  } finally {
    await tf.setBackend('wasm');
  }
}

/**
 * Batch norm forward + backward (dx, dγ, dβ) at one supernet shape, median ms per call: the workbook's
 * JS custom-gradient op (ops.ts batchNorm in 'batch' mode) against tf.moments + tf.batchNorm.
 * Also the largest difference between their outputs and gradients.
 */
function timeBatchNorm(shape: [number, number, number, number], repeats: number): Pair & { shape: number[]; maxAbsDiff: number } {
  const c = shape[3];
  const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1) as tf.Tensor4D;
  const gamma = tf.randomNormal([c], 1, 0.2, 'float32', 2) as tf.Tensor1D;
  const beta = tf.randomNormal([c], 0, 0.2, 'float32', 3) as tf.Tensor1D;
  const r = tf.randomNormal(shape, 0, 1, 'float32', 4);
  const ours = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(batchNorm(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 'bench', { kind: 'batch' }), r));
  const reference = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b, g, BN_EPSILON), r));
  };
  // The gradients leave tf.tidy as tensors and are read after it: tidy walks whatever its function
  // returns looking for tensors, element by element through typed arrays, which cost more than the
  // batch norm itself when the values were read inside it.
  const run = (f: typeof ours): Float32Array[] => {
    const grads = tf.tidy(() => tf.grads(f)([x, gamma, beta]));
    const values = grads.map((t) => t.dataSync() as Float32Array);
    tf.dispose(grads);
    return values;
  };
  const time = (f: typeof ours): number => median(timings(() => run(f), repeats));
  const a = run(ours);
  const b = run(reference);
  let maxAbsDiff = 0;
  a.forEach((values, k) => values.forEach((v, i) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - b[k][i])))));
  const result = { shape, ...pair(time(ours), time(reference)), maxAbsDiff };
  for (const t of [x, gamma, beta, r]) t.dispose();
  return result;
}

/** The three measurements, each as a ratio to its reference in the same process. */
export async function benchSupernet(options: SupernetBenchOptions = {}): Promise<Record<string, unknown>> {
  const quick = options.quick ?? false;
  const loadAverageAtStart = loadavg().map((v) => Math.round(v * 100) / 100);
  const backend = (await initBackend({ quiet: true })).name;
  if (backend !== 'wasm') throw new Error(`bench/supernet.ts compares wasm with cpu: initBackend chose ${backend}`);
  registerWasmConvGradients();
  const all = loadFashionMnist({ split: 'train', limit: CALIBRATION + VALIDATION + 1024 });
  // training images and held-out validation images come from the training split (the test split is for reports)
  const trainPart = firstN(all, CALIBRATION + 1024);
  const validation = subset(all, Array.from({ length: VALIDATION }, (_, i) => CALIBRATION + 1024 + i), 'fashion-mnist/train:bench-validation');
  const norm = channelNormalisation(trainPart);
  const evalData: EvaluationData = { calibration: firstN(trainPart, CALIBRATION), evaluation: validation, norm };

  const wasmSteps = quick ? 3 : 10;
  const cpuSteps = quick ? 1 : 3;
  const wasmStep = msPerTrainingStep(trainPart, norm, 3, wasmSteps);
  const cpuStep = await onBackend('cpu', () => msPerTrainingStep(trainPart, norm, 1, cpuSteps));

  const bnRepeats = quick ? 3 : 15;
  // the supernet's BN shapes at batch 64: the stem and L0's first 1×1 (14×14), stage 1 (7×7), stage 2 (4×4)
  const bn = ([[BATCH, 14, 14, 16], [BATCH, 14, 14, 32], [BATCH, 7, 7, 32], [BATCH, 4, 4, 64]] as [number, number, number, number][]).map((shape) => timeBatchNorm(shape, bnRepeats));

  const evaluation = msPerEvaluation(evalData, quick ? 1 : 5);
  const cpuEvaluation = await onBackend('cpu', () => msPerEvaluation(evalData, quick ? 1 : 2));

  // PyTorch last, alone: its process runs after ours has finished timing.
  const loss = equalLoss(trainPart, norm);
  const reference = torch(['--steps', String(quick ? 3 : 20), '--repeats', String(quick ? 1 : 3), '--calibration', String(CALIBRATION), '--evaluation', String(VALIDATION)]);

  return {
    backend,
    cpuCores: cpus().length,
    loadAverageAtStart,
    loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
    wasmMultithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    wasmSimd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    space: 'FASHION_MNIST_SPACE',
    architecture: ARCH.join('-'),
    equalLoss: { ...loss, absDiff: Math.abs(loss.workbook - loss.torch), note: 'cross-entropy of one batch of 16 with the same weights, train-mode BN' },
    torch: { version: reference.torch, threads: reference.threads },
    trainingStep: {
      batch: BATCH, wasmSteps, cpuSteps,
      vsTorch: { ...pair(wasmStep, reference.msPerStep), note: 'median ms per single-path SGD step; ms = wasm (the workbook), reference = PyTorch, one thread' },
      vsCpuBackend: { ...pair(wasmStep, cpuStep), note: 'ms = wasm + registerWasmConvGradients, reference = TF.js cpu backend' },
    },
    batchNorm: { note: 'forward + backward, median ms per call; ms = ops.ts batchNorm (the wasm heap kernel, batch-norm-kernel.ts), reference = tf.moments + tf.batchNorm, both on wasm', repeats: bnRepeats, shapes: bn },
    evaluation: {
      calibrationImages: CALIBRATION, validationImages: VALIDATION, untrainedAccuracy: evaluation.accuracy,
      vsTorch: { ...pair(evaluation.ms, reference.msPerEvaluation), note: 'median ms per evaluateSubnet (BN recalibration + accuracy); reference = the same in PyTorch, one thread' },
      vsCpuBackend: { ...pair(evaluation.ms, cpuEvaluation.ms), note: 'ms = wasm, reference = cpu backend' },
    },
  };
}

if (require.main === module) {
  benchSupernet({ quick: process.argv.includes('--quick') })
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
