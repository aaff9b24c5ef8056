// Benchmark: the NAS-Bench-201 supernet's training step and inherited-weight evaluation, timed side
// by side with the same network in PyTorch (bench/nb201_supernet_torch.py, one thread) in one run.
// The two models are first checked equal: the same weights and batch give the same loss.
// Measures only, asserts nothing. Usage: npx tsx bench/nb201-supernet.ts [--quick] | npm run bench -- nb201-supernet
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../lib/backend';
import { softmaxCrossEntropy } from '../lib/controller/fast-ops';
import { NB201_ONESHOT_SCHEDULES } from '../lib/experiments/nb201-oneshot';
import { Rng } from '../lib/random';
import { parseNb201Cell } from '../lib/spaces/nasbench201/cell';
import { makeBatch, type LabelledImages, type Normalisation } from '../lib/supernet/batches';
import { evaluateSubnet } from '../lib/supernet/evaluate';
import { Nb201Supernet, type Nb201SupernetConfig } from '../lib/supernet/nb201-supernet';
import { trainSupernet } from '../lib/supernet/train';
import { conv2dFast } from '../lib/supernet/fast-conv';
import { registerWasmConvGradients } from '../lib/supernet/wasm-conv-gradients';

/** Cells timed: a typical one (two 3×3 convs, two 1×1, a pool, a skip) and the heaviest (six 3×3 convs). */
const CELLS = {
  typical: '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|',
  heaviest: '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
} as const;
const BATCH = 64;
const CALIBRATION = 512;
const EVALUATION = 1000;

/** Options: `quick` times fewer steps (a smoke check of the benchmark itself). */
export interface Nb201SupernetBenchOptions {
  readonly quick?: boolean;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Random images of the config's shape (timings do not depend on pixel values). */
function randomImages(config: Nb201SupernetConfig, count: number): LabelledImages {
  const rng = new Rng('bench-nb201-images');
  const size = config.imageSize;
  return {
    name: 'random', count, height: size, width: size, channels: config.imageChannels,
    images: Float32Array.from({ length: count * size * size * config.imageChannels }, () => rng.uniform()),
    labels: Int32Array.from({ length: count }, () => rng.int(config.classes)),
  };
}

function torch(config: Nb201SupernetConfig, cell: string, extra: string[]): { msPerStep: number; msPerEvaluation: number; loss?: number; threads: number; torch: string } {
  const script = join(__dirname, 'nb201_supernet_torch.py');
  const out = execFileSync('/usr/bin/python3', [script, '--config', JSON.stringify(config), '--cell', cell, ...extra], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** The workbook's loss on one batch, and PyTorch's on the same weights and batch. */
function equalLoss(config: Nb201SupernetConfig, cellText: string, data: LabelledImages, norm: Normalisation): { workbook: number; torch: number } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-nb201-'));
  const net = Nb201Supernet.create(config, 'bench-equal');
  try {
    net.save(dir);
    const { x, labels } = makeBatch(data, Int32Array.from({ length: 16 }, (_, i) => i), norm);
    const workbook = tf.tidy(() => softmaxCrossEntropy(net.forward(parseNb201Cell(cellText), x, { kind: 'batch' }), labels).dataSync()[0]);
    writeFileSync(join(dir, 'batch.json'), JSON.stringify({ shape: x.shape, x: Array.from(x.dataSync()), labels: Array.from(labels) }));
    x.dispose();
    const reference = torch(config, cellText, ['--weights', dir, '--steps', '1', '--repeats', '1', '--calibration', '128', '--evaluation', '500']);
    return { workbook, torch: reference.loss! };
  } finally {
    net.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median ms per training step of `cell` (from onStep to onStep, batch building included). */
function msPerStep(config: Nb201SupernetConfig, cellText: string, data: LabelledImages, norm: Normalisation, warmup: number, steps: number): number {
  const net = Nb201Supernet.create(config, 'bench-step');
  const cell = parseNb201Cell(cellText);
  const stamps: number[] = [];
  try {
    trainSupernet(net, data, norm, { steps: warmup + steps, seed: 'bench', batchSize: BATCH, sample: () => cell, onStep: () => stamps.push(performance.now()) });
  } finally {
    net.dispose();
  }
  return median(stamps.slice(warmup).map((t, i) => t - stamps[warmup - 1 + i]));
}

/**
 * Where one training step's kernel time goes (tf.profile of a forward pass, the gradients and the
 * optimiser step, after warm-up): ms and share per kernel, largest first, and the convolutions' share.
 */
async function profileStep(config: Nb201SupernetConfig, cellText: string, data: LabelledImages, norm: Normalisation): Promise<Record<string, unknown>> {
  const net = Nb201Supernet.create(config, 'bench-profile');
  const cell = parseNb201Cell(cellText);
  const step = (steps: number) => trainSupernet(net, data, norm, { steps, seed: 'bench', batchSize: BATCH, sample: () => cell });
  try {
    step(3);
    const profile = await tf.profile(() => {
      step(1);
    });
    const byKernel = new Map<string, number>();
    for (const k of profile.kernels) {
      // Only registered kernels: a customGrad's forward or a tidy scope also shows, holding kernels counted already.
      if (tf.getKernel(k.name, tf.getBackend()) === undefined || typeof k.kernelTimeMs !== 'number') continue;
      byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + k.kernelTimeMs);
    }
    const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
    const kernels = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).map(([kernel, ms]) => ({ kernel, ms, share: ms / total }));
    return { cell: 'typical', kernelMs: total, convolutionShare: (byKernel.get('Conv2D') ?? 0) / total, kernels: kernels.slice(0, 12) };
  } finally {
    net.dispose();
  }
}

/** Median ms per inherited-weight evaluation (BN recalibration on 512 images, accuracy on 1,000). */
function msPerEvaluation(config: Nb201SupernetConfig, cellText: string, data: LabelledImages, norm: Normalisation, repeats: number): number {
  const net = Nb201Supernet.create(config, 'bench-eval');
  const cell = parseNb201Cell(cellText);
  const first = (n: number): LabelledImages => ({ ...data, count: n, images: data.images.subarray(0, n * data.height * data.width * data.channels), labels: data.labels.subarray(0, n) });
  const evalData = { calibration: first(CALIBRATION), evaluation: first(EVALUATION), norm, calibrationBatch: 128, evaluationBatch: 500 };
  try {
    evaluateSubnet(net, cell, evalData);
    return median(Array.from({ length: repeats }, () => {
      const start = performance.now();
      evaluateSubnet(net, cell, evalData);
      return performance.now() - start;
    }));
  } finally {
    net.dispose();
  }
}

/**
 * Forward + both gradients of one 3×3 convolution (pad 1), median ms: conv2dFast (gradients as
 * XNNPACK convolutions) against tf.conv2d, whose wasm gradients are the JavaScript-loop filter
 * kernel of wasm-conv-gradients.ts and the backend's own input-gradient loop, and against PyTorch
 * (timed before and after, averaged): the part of the step's ratio that convolutions alone set.
 * Shapes of the proxy network.
 */
function convGradientRows(repeats: number): Record<string, unknown>[] {
  const shapes: [[number, number, number, number], number, number][] = [[[BATCH, 16, 16, 16], 16, 1], [[BATCH, 8, 8, 32], 32, 1], [[BATCH, 4, 4, 64], 64, 1], [[BATCH, 16, 16, 16], 32, 2], [[BATCH, 8, 8, 32], 64, 2]];
  const torchMs = () => torchConvolutions(shapes, repeats);
  const before = torchMs();
  const rows = shapes.map(([xShape, cout, stride]) => {
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, xShape[3], cout], 0, 0.1, 'float32', 2) as tf.Tensor4D;
    const time = (conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D): number => {
      const run = () => {
        const grads = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv(a as tf.Tensor4D, b as tf.Tensor4D)))([x, w]));
        grads.forEach((g) => g.dataSync());
        tf.dispose(grads);
      };
      run();
      return median(Array.from({ length: repeats }, () => {
        const start = performance.now();
        run();
        return performance.now() - start;
      }));
    };
    const fast = time((a, b) => conv2dFast(a, b, stride, 1));
    const loops = time((a, b) => tf.conv2d(a, b, stride as 1, 1));
    tf.dispose([x, w]);
    return { x: xShape, cout, stride, msConv2dFast: fast, msLoopKernels: loops, ratio: fast / loops };
  });
  const after = torchMs();
  return rows.map((row, i) => {
    const torchConv = (before[i] + after[i]) / 2;
    return { ...row, msTorch: torchConv, ratioToTorch: row.msConv2dFast / torchConv };
  });
}

/** PyTorch's median ms for the same convolutions, forward and both gradients (bench/conv_torch.py, one thread). */
function torchConvolutions(shapes: [number[], number, number][], repeats: number): number[] {
  const script = join(__dirname, 'conv_torch.py');
  const out = execFileSync('/usr/bin/python3', [script, '--shapes', JSON.stringify(shapes), '--repeats', String(repeats)], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  return (JSON.parse(out.trim().split('\n').pop()!) as { ms: number[] }).ms;
}

/** Run the benchmark: for each cell, equal losses first, then PyTorch, the workbook, PyTorch again (averaged). */
export async function benchNb201Supernet(options: Nb201SupernetBenchOptions = {}): Promise<Record<string, unknown>> {
  const backend = (await initBackend({ quiet: true })).name;
  registerWasmConvGradients();
  const config = NB201_ONESHOT_SCHEDULES.full.config;
  const steps = options.quick ? 4 : 20;
  const repeats = options.quick ? 1 : 3;
  const data = randomImages(config, 4096);
  const norm = { mean: [0.5, 0.5, 0.5], std: [0.29, 0.29, 0.29] };
  const rows = Object.entries(CELLS).map(([name, cell]) => {
    const loss = equalLoss(config, cell, data, norm);
    const torchArgs = ['--steps', String(steps), '--repeats', String(repeats), '--calibration', String(CALIBRATION), '--evaluation', String(EVALUATION), '--batch', String(BATCH)];
    const before = torch(config, cell, torchArgs);
    const step = msPerStep(config, cell, data, norm, 3, steps);
    const evaluation = msPerEvaluation(config, cell, data, norm, repeats);
    const after = torch(config, cell, torchArgs);
    const torchStep = (before.msPerStep + after.msPerStep) / 2;
    const torchEvaluation = (before.msPerEvaluation + after.msPerEvaluation) / 2;
    return {
      cell: name, arch: cell, lossWorkbook: loss.workbook, lossTorch: loss.torch, lossAbsDiff: Math.abs(loss.workbook - loss.torch),
      msPerStep: step, torchMsPerStep: torchStep, stepRatio: step / torchStep, stepGoal: 1.5,
      msPerEvaluation: evaluation, torchMsPerEvaluation: torchEvaluation, evaluationRatio: evaluation / torchEvaluation, evaluationGoal: 2,
      torch: before.torch, torchThreads: before.threads,
    };
  });
  const stepProfile = await profileStep(config, CELLS.typical, data, norm);
  const convGradients = convGradientRows(options.quick ? 2 : 7);
  return { backend, config, batch: BATCH, calibration: CALIBRATION, evaluation: EVALUATION, cpus: cpus().length, loadavg: loadavg(), rows, stepProfile, convGradients };
}

if (require.main === module) {
  benchNb201Supernet({ quick: process.argv.includes('--quick') }).then((r) => console.log(JSON.stringify(r, null, 2)));
}
