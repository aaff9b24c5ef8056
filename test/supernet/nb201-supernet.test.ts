// Tests of the NAS-Bench-201 supernet (lib/supernet/nb201-supernet.ts, nb201-network.ts) on a real
// CIFAR-10 slice shrunk to 16×16: its path weights are exactly what the benchmark network holds and
// what a loss depends on; pooling and degenerate cells as NAS-Bench-201 has them; training,
// inherited-weight evaluation, save → load → identical evaluation, crash and resume, no leaks.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { softmaxCrossEntropy } from '../../lib/controller/fast-ops';
import { Rng } from '../../lib/random';
import { isDegenerateNb201Cell, parseNb201Cell, type Nb201Cell } from '../../lib/spaces/nasbench201/cell';
import { networkParams } from '../../lib/spaces/nasbench201/cost';
import { channelNormalisation, makeBatch, type Normalisation } from '../../lib/supernet/batches';
import { downsample, firstN, loadCifar10, splitValidation, type ImageDataset } from '../../lib/supernet/data';
import { evaluateSubnet, type EvaluationData } from '../../lib/supernet/evaluate';
import { liveNodes } from '../../lib/supernet/nb201-network';
import { NB201_BENCHMARK_NETWORK, Nb201Supernet, nb201WeightShapes, type Nb201SupernetConfig } from '../../lib/supernet/nb201-supernet';
import { trainSupernet, type TrainOptions } from '../../lib/supernet/train';
import { registerWasmConvGradients } from '../../lib/supernet/wasm-conv-gradients';

const TINY: Nb201SupernetConfig = { imageSize: 16, imageChannels: 3, classes: 10, channels: 4, cellsPerStage: 1 };
const ALL_3X3 = parseNb201Cell('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|');
const MIXED = parseNb201Cell('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|');
/** Node 1 is fed but feeds nothing (its only way out is `none`): its conv must not train. */
const DEAD_NODE = parseNb201Cell('|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|');
/** No path from input to output, but node 2's conv (on an all-zero node 1) still outputs β into node 3. */
const DEGENERATE = parseNb201Cell('|none~0|+|none~0|nor_conv_3x3~1|+|none~0|none~1|nor_conv_1x1~2|');

let train: ImageDataset;
let norm: Normalisation;
let evalData: EvaluationData;
const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dnas-nb201-supernet-'));
  made.push(dir);
  return dir;
}

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  registerWasmConvGradients();
  const split = splitValidation(downsample(loadCifar10({ split: 'train', limit: 600 }), 2), 200, 'nb201-supernet-test');
  train = split.train;
  norm = channelNormalisation(train);
  evalData = { calibration: firstN(train, 128), evaluation: split.validation, norm, calibrationBatch: 64 };
});
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function options(extra: Partial<TrainOptions<Nb201Cell>> = {}): TrainOptions<Nb201Cell> {
  return { steps: 6, seed: 3, batchSize: 16, sample: (_step, rng) => TINY_SPACE.sampleUniform(rng), ...extra };
}
const TINY_SPACE = Nb201Supernet.create(TINY, 0).space;

function maxWeightDiff(a: Nb201Supernet, b: Nb201Supernet): number {
  expect([...b.weights.keys()]).toEqual([...a.weights.keys()]);
  let diff = 0;
  for (const [id, va] of a.weights) {
    const x = va.dataSync();
    const y = b.weights.get(id)!.dataSync();
    for (let i = 0; i < x.length; i++) diff = Math.max(diff, Math.abs(x[i] - y[i]));
  }
  return diff;
}

describe('Nb201Supernet weights', () => {
  it("holds, on a cell's path at NAS-Bench-201's own shape (C = 16, N = 5), exactly the benchmark network's parameters", () => {
    const net = Nb201Supernet.create(NB201_BENCHMARK_NETWORK, 0);
    // every edge of these cells feeds the output, so the path holds every weight the network builds
    for (const cell of [ALL_3X3, MIXED]) {
      const onPath = net.pathWeightIds(cell).reduce((n, id) => n + net.weights.get(id)!.size, 0);
      expect(onPath).toBe(networkParams(cell, 'cifar10'));
    }
    net.dispose();
  });

  it('names each weight once, with the shapes of the macro network (stem, reductions C→2C→4C, head)', () => {
    const shapes = new Map(nb201WeightShapes(TINY));
    expect(shapes.size).toBe(nb201WeightShapes(TINY).length);
    expect(shapes.get('stem.conv')).toEqual([3, 3, 3, 4]);
    expect(shapes.get('r1.a.w')).toEqual([3, 3, 4, 8]);
    expect(shapes.get('r2.short.w')).toEqual([8, 16]);
    expect(shapes.get('s2c0.e5.conv3.w')).toEqual([3, 3, 16, 16]);
    expect(shapes.get('s0c0.e0.conv1.w')).toEqual([4, 4]);
    expect(shapes.get('head.kernel')).toEqual([16, 10]);
  });

  it('refuses a shape that cannot build, naming the field and value', () => {
    expect(() => nb201WeightShapes({ ...TINY, imageSize: 18 })).toThrow('NAS-Bench-201 supernet imageSize must be divisible by 4 (two reductions halve it): got 18');
    expect(() => nb201WeightShapes({ ...TINY, channels: 0 })).toThrow('NAS-Bench-201 supernet channels must be a positive integer: got 0');
  });
});

describe('Nb201Supernet forward', () => {
  it("trains exactly the path's weights: the loss has a gradient for those and no other, for every kind of cell", () => {
    const net = Nb201Supernet.create(TINY, 1);
    const { x, labels } = makeBatch(train, Int32Array.from({ length: 8 }, (_, i) => i), norm);
    const rng = new Rng('paths');
    const cells = [ALL_3X3, MIXED, DEAD_NODE, DEGENERATE, ...Array.from({ length: 12 }, () => net.space.sampleUniform(rng))];
    for (const cell of cells) {
      const all = [...net.weights.values()];
      const { grads } = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(net.forward(cell, x, { kind: 'batch' }), labels), all);
        value.dispose();
        return { grads: Object.keys(grads) };
      });
      const byName = new Map([...net.weights].map(([id, v]) => [v.name, id]));
      expect(grads.map((name) => byName.get(name)).sort(), net.space.key(cell)).toEqual(net.pathWeightIds(cell).sort());
    }
    expect(net.pathWeightIds(DEAD_NODE).some((id) => id.includes('.e0.'))).toBe(false);
    expect(liveNodes(DEAD_NODE)).toEqual([true, false, true, true]);
    expect(isDegenerateNb201Cell(DEGENERATE)).toBe(true);
    expect(net.pathWeightIds(DEGENERATE).some((id) => id.startsWith('stem.'))).toBe(false);
    x.dispose();
    net.dispose();
  });

  it("pools 3×3 over real pixels only (NAS-Bench-201's count_include_pad = False)", () => {
    const x = tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
    const pooled = tf.avgPool(x, 3, 1, 'same').dataSync();
    // corner (0, 0): mean of pixels 1, 2, 5, 6; edge (0, 1): mean of 1, 2, 3, 5, 6, 7
    expect(pooled[0]).toBeCloseTo((1 + 2 + 5 + 6) / 4, 6);
    expect(pooled[1]).toBeCloseTo((1 + 2 + 3 + 5 + 6 + 7) / 6, 6);
    x.dispose();
  });

  it('gives [N, classes] logits, the same for the same seed, and refuses images of another size, naming both', () => {
    const a = Nb201Supernet.create(TINY, 5);
    const b = Nb201Supernet.create(TINY, 5);
    const { x } = makeBatch(train, Int32Array.from([0, 1, 2]), norm);
    const [ya, yb] = [a, b].map((net) => tf.tidy(() => net.forward(MIXED, x, { kind: 'batch' }).arraySync()));
    expect(ya).toEqual(yb);
    expect([ya.length, (ya as number[][])[0].length]).toEqual([3, 10]);
    const wrong = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    expect(() => a.forward(MIXED, wrong, { kind: 'batch' })).toThrow(/supernet input must be \[N, 16, 16, 3\]: got \[1,32,32,3\]/);
    for (const t of [x, wrong]) t.dispose();
    a.dispose();
    b.dispose();
  });
});

describe('Nb201Supernet training and evaluation', () => {
  it('trains, evaluates with recalibrated batch norm, and after save → load evaluates identically; no tensor leaks', () => {
    const before = tf.memory().numTensors;
    const net = Nb201Supernet.create(TINY, 2);
    const report = trainSupernet(net, train, norm, options());
    expect(report.finalLoss).not.toBeNull();
    expect(Number.isFinite(report.finalLoss!)).toBe(true);
    const cells = [ALL_3X3, MIXED, DEGENERATE];
    const accuracies = cells.map((cell) => evaluateSubnet(net, cell, evalData));
    accuracies.forEach((a) => expect(a).toBeGreaterThanOrEqual(0));
    const dir = tempDir();
    net.save(dir, { note: 'test' });
    const { supernet: loaded, meta } = Nb201Supernet.load(dir, TINY);
    expect(meta).toEqual({ note: 'test' });
    expect(maxWeightDiff(net, loaded)).toBe(0);
    expect(cells.map((cell) => evaluateSubnet(loaded, cell, evalData))).toEqual(accuracies);
    net.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to load weights saved with another config, naming the folder and both configs, and changes nothing', () => {
    const dir = tempDir();
    const net = Nb201Supernet.create(TINY, 2);
    net.save(dir);
    const other = Nb201Supernet.create({ ...TINY, channels: 8 }, 2);
    const kept = other.weights.get('stem.conv')!.dataSync().slice();
    expect(() => other.restore(dir)).toThrow(new RegExp(`${dir} holds a supernet of another config .*"channels":4.*this one is .*"channels":8`));
    expect(other.weights.get('stem.conv')!.dataSync()).toEqual(kept);
    expect(() => Nb201Supernet.load(tempDir(), TINY)).toThrow(/nb201-supernet\.json/);
    net.dispose();
    other.dispose();
  });

  it('resumes a crashed training at its last checkpoint and ends with the weights of an uninterrupted run', () => {
    const straight = Nb201Supernet.create(TINY, 4);
    trainSupernet(straight, train, norm, options());
    const dir = tempDir();
    const crashed = Nb201Supernet.create(TINY, 4);
    const crash = options({ checkpointDir: dir, checkpointEvery: 3, onStep: ({ step }) => {
      if (step === 4) throw new Error('simulated crash');
    } });
    expect(() => trainSupernet(crashed, train, norm, crash)).toThrow('simulated crash');
    crashed.dispose();
    const resumed = Nb201Supernet.create(TINY, 99);
    const steps: number[] = [];
    const report = trainSupernet(resumed, train, norm, options({ checkpointDir: dir, checkpointEvery: 3, onStep: ({ step }) => steps.push(step) }));
    expect(report.resumedAt).toBe(3);
    expect(steps).toEqual([3, 4, 5]);
    expect(maxWeightDiff(straight, resumed)).toBe(0);
    straight.dispose();
    resumed.dispose();
  });
});
