// Tests of train-mode batch norm on the wasm backend (lib/supernet/batch-norm-kernel.ts, used by
// ops.ts batchNorm): output, the batch statistics and all three gradients equal tf.moments +
// tf.batchNorm on TF.js's cpu backend (the reference) to float32 rounding, on odd shapes and on inputs
// far from zero mean; recalibration records the same statistics; no tensor leaks; reruns are identical.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { batchNormTrain } from '../../lib/supernet/batch-norm-kernel';
import { batchNorm, BN_EPSILON, type ChannelStats } from '../../lib/supernet/ops';
import { onCpu, relativeError } from './cpu-reference';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

/** Inputs of one case as plain arrays (so both backends build their own tensors). */
function inputs(shape: [number, number, number, number], mean: number, std: number, seed: number) {
  const c = shape[3];
  const draw = (s: number[], m: number, sd: number, k: number) => tf.tidy(() => tf.randomNormal(s, m, sd, 'float32', seed + k).dataSync() as Float32Array);
  return { shape, x: draw(shape, mean, std, 0), gamma: draw([c], 1, 0.3, 1), beta: draw([c], 0, 0.3, 2), upstream: draw(shape, 0, 1, 3) };
}

type Case = ReturnType<typeof inputs>;

/** y, then dL/dx, dL/dγ, dL/dβ for L = Σ y·upstream, with `norm` as the batch norm. */
function run(c: Case, norm: (x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor4D): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(c.x, c.shape);
    const g = tf.tensor1d(c.gamma);
    const b = tf.tensor1d(c.beta);
    const r = tf.tensor4d(c.upstream, c.shape);
    const y = norm(x, g, b).dataSync() as Float32Array;
    const grads = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(norm(a as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D), r)))([x, g, b]);
    return [Float32Array.from(y), ...grads.map((t) => Float32Array.from(t.dataSync() as Float32Array))];
  });
}

const reference = (x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor4D => {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, b, g, BN_EPSILON) as tf.Tensor4D;
};
const ours = (x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D) => batchNorm(x, g, b, 'test', { kind: 'batch' });

const CASES: [string, Case][] = [
  ['a supernet shape [64, 16, 16, 16]', inputs([64, 16, 16, 16], 0.5, 2, 10)],
  ['odd sizes and 3 channels [5, 7, 3, 3]', inputs([5, 7, 3, 3], -1, 0.5, 20)],
  ['one channel [8, 4, 4, 1]', inputs([8, 4, 4, 1], 0, 1, 30)],
  ['a mean far from zero [16, 6, 6, 8] (mean 20, std 0.1)', inputs([16, 6, 6, 8], 20, 0.1, 40)],
];

describe('train-mode batch norm on wasm', () => {
  for (const [name, c] of CASES) {
    it(`equals tf.moments + tf.batchNorm on cpu, output and three gradients, for ${name}`, async () => {
      expect(tf.getBackend()).toBe('wasm');
      const got = run(c, ours);
      const want = await onCpu(() => run(c, reference));
      const labels = ['y', 'dx', 'dgamma', 'dbeta'];
      got.forEach((values, i) => expect(relativeError(want[i], values), labels[i]).toBeLessThan(2e-5));
    });
  }

  it('returns the batch mean and biased variance, records them in collect mode, and leaks no tensor', async () => {
    const c = CASES[1][1];
    const before = tf.memory().numTensors;
    const seen = new Map<string, ChannelStats>();
    const [mean, variance] = tf.tidy(() => {
      const x = tf.tensor4d(c.x, c.shape);
      const out = batchNormTrain(x, tf.tensor1d(c.gamma), tf.tensor1d(c.beta), BN_EPSILON);
      batchNorm(x, tf.tensor1d(c.gamma), tf.tensor1d(c.beta), 'site', { kind: 'collect', record: (site, stats) => seen.set(site, stats) });
      return [out.mean, out.variance];
    }).map((t) => {
      const values = t.dataSync() as Float32Array;
      t.dispose();
      return values;
    });
    const recorded = seen.get('site')!;
    const moments = await onCpu(() => {
      const x = tf.tensor4d(c.x, c.shape);
      const m = tf.moments(x, [0, 1, 2]);
      const out = { mean: m.mean.dataSync() as Float32Array, variance: m.variance.dataSync() as Float32Array };
      tf.dispose([x, m.mean, m.variance]);
      return out;
    });
    expect(relativeError(moments.mean, mean)).toBeLessThan(1e-6);
    expect(relativeError(moments.variance, variance)).toBeLessThan(1e-5);
    expect(recorded.mean).toEqual(mean);
    expect(recorded.variance).toEqual(variance);
    expect(tf.memory().numTensors).toBe(before);
    // a training-style gradient leaves nothing behind either
    run(c, ours);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives bit-identical results on a rerun', () => {
    const c = CASES[0][1];
    expect(run(c, ours)).toEqual(run(c, ours));
  });
});
