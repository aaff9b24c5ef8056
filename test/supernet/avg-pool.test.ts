// Tests of average pooling over real pixels (lib/supernet/avg-pool.ts): its gradient is the gradient of
// TF.js's own forward pass, found column by column from forward passes on one-hot inputs (the pool is
// linear), on wasm (the SIMD kernel) and on cpu (TF.js's gradient rescaled); TF.js's own gradient is
// not, which is why the op exists; no tensor leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { avgPool } from '../../lib/supernet/avg-pool';
import { onCpu, relativeError } from './cpu-reference';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

interface PoolCase {
  readonly name: string;
  readonly shape: [number, number, number, number];
  readonly size: number;
  readonly stride: number;
  readonly padding: 'same' | 'valid';
}

const CASES: PoolCase[] = [
  { name: "3×3, stride 1, 'same' (NAS-Bench-201's avg_pool_3x3), 8 channels", shape: [2, 5, 4, 8], size: 3, stride: 1, padding: 'same' },
  { name: "3×3, stride 1, 'same', 6 channels (a group of four and two single channels)", shape: [1, 4, 5, 6], size: 3, stride: 1, padding: 'same' },
  { name: "2×2, stride 2, 'valid' (the reduction's shortcut), 3 channels", shape: [2, 6, 4, 3], size: 2, stride: 2, padding: 'valid' },
  { name: "3×3, stride 2, 'same' on odd sizes (padding on one side only)", shape: [1, 5, 7, 4], size: 3, stride: 2, padding: 'same' },
];

/** Deterministic values of a shape. */
function values(count: number, seed: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 2);
}

/**
 * dL/dx of L = Σ upstream·tf.avgPool(x), column by column: the pool is linear, so dL/dx_i is L of the
 * one-hot input e_i (all one-hots pooled at once, as a batch).
 */
function oneHotGradient(c: PoolCase, upstream: Float32Array): Float32Array {
  const [n, h, w, ch] = c.shape;
  const per = h * w * ch;
  return tf.tidy(() => {
    const eye = tf.reshape(tf.eye(per), [per, h, w, ch]) as tf.Tensor4D;
    const pooled = tf.avgPool(eye, c.size, c.stride, c.padding);
    const outPer = pooled.shape[1] * pooled.shape[2] * ch;
    const columns = tf.reshape(pooled, [per, outPer]);
    // upstream is [n, outH, outW, ch]: each image's gradient is columns · its upstream.
    const up = tf.reshape(tf.tensor1d(upstream), [n, outPer]);
    return Float32Array.from(tf.matMul(up, columns, false, true).dataSync() as Float32Array);
  });
}

function ourGradient(c: PoolCase, x: Float32Array, upstream: Float32Array, pool: (t: tf.Tensor4D) => tf.Tensor4D): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.shape);
    const out = pool(xt);
    const r = tf.tensor(upstream, out.shape);
    return Float32Array.from(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D), r)))(xt).dataSync() as Float32Array);
  });
}

function outputCount(c: PoolCase): number {
  return tf.tidy(() => tf.avgPool(tf.zeros(c.shape) as tf.Tensor4D, c.size, c.stride, c.padding).size);
}

describe('average pooling over real pixels', () => {
  for (const c of CASES) {
    it(`has the gradient of its forward pass on wasm and on cpu: ${c.name}`, async () => {
      expect(tf.getBackend()).toBe('wasm');
      const x = values(c.shape.reduce((a, b) => a * b, 1), 1);
      const upstream = values(outputCount(c), 2);
      const pool = (t: tf.Tensor4D) => avgPool(t, c.size, c.stride, c.padding);
      const want = oneHotGradient(c, upstream);
      expect(relativeError(want, ourGradient(c, x, upstream, pool))).toBeLessThan(1e-6);
      const onCpuBackend = await onCpu(() => ourGradient(c, x, upstream, pool));
      expect(relativeError(want, onCpuBackend)).toBeLessThan(1e-6);
      // The forward pass is TF.js's own.
      const forward = tf.tidy(() => [pool(tf.tensor4d(x, c.shape)).dataSync(), tf.avgPool(tf.tensor4d(x, c.shape), c.size, c.stride, c.padding).dataSync()]);
      expect(Array.from(forward[0])).toEqual(Array.from(forward[1]));
    });
  }

  it("differs from TF.js's own gradient where a 'same' window covers padding, and only there", () => {
    const c = CASES[0];
    const x = values(c.shape.reduce((a, b) => a * b, 1), 3);
    const upstream = values(outputCount(c), 4);
    const want = oneHotGradient(c, upstream);
    const tfjs = ourGradient(c, x, upstream, (t) => tf.avgPool(t, c.size, c.stride, c.padding));
    expect(relativeError(want, tfjs)).toBeGreaterThan(0.1);
    // A 'valid' pool never covers padding: there TF.js's gradient is right and equals ours.
    const valid = CASES[2];
    const up2 = values(outputCount(valid), 5);
    const x2 = values(valid.shape.reduce((a, b) => a * b, 1), 6);
    const ours = ourGradient(valid, x2, up2, (t) => avgPool(t, valid.size, valid.stride, valid.padding));
    expect(relativeError(ours, ourGradient(valid, x2, up2, (t) => tf.avgPool(t, valid.size, valid.stride, valid.padding)))).toBeLessThan(1e-6);
  });

  it('leaks no tensor, forward or backward', () => {
    const c = CASES[0];
    const x = tf.tensor4d(values(c.shape.reduce((a, b) => a * b, 1), 7), c.shape);
    const before = tf.memory().numTensors;
    tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(avgPool(a as tf.Tensor4D, 3, 1, 'same')))(x).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
