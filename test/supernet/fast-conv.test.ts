// Tests of conv2dFast (lib/supernet/fast-conv.ts), the convolution whose gradients are forward
// convolutions: value and both gradients against TF.js's cpu backend (the reference) across
// strides, paddings, kernel sizes, odd/even/non-square maps; no leaks; bad arguments.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { conv2dFast, flippedFilter } from '../../lib/supernet/fast-conv';
import { registerWasmConvGradients } from '../../lib/supernet/wasm-conv-gradients';
import { onCpu, relativeError } from './cpu-reference';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  registerWasmConvGradients();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

type Shape4 = [number, number, number, number];

function seeded(label: string, shape: number[]): tf.Tensor {
  const rng = new Rng(label);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

/** [y, dL/dx, dL/dW] with L = Σ conv(x, w) ⊙ r (r random, so every output position matters). */
function run(conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D, xShape: Shape4, wShape: Shape4, label: string): Float32Array[] {
  return tf.tidy(() => {
    const x = seeded(`${label}/x`, xShape) as tf.Tensor4D;
    const w = seeded(`${label}/w`, wShape) as tf.Tensor4D;
    const y = conv(x, w);
    const r = seeded(`${label}/r`, y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]);
    return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array, dw.dataSync() as Float32Array];
  });
}



const CASES: { name: string; x: Shape4; w: Shape4; stride: number; pad: number }[] = [
  { name: '3×3 stride 1 pad 1', x: [3, 8, 8, 4], w: [3, 3, 4, 5], stride: 1, pad: 1 },
  { name: '3×3 stride 2 pad 1, even map (NAS-Bench-201 reduction)', x: [3, 8, 8, 4], w: [3, 3, 4, 6], stride: 2, pad: 1 },
  { name: '3×3 stride 2 pad 1, odd map', x: [2, 9, 9, 3], w: [3, 3, 3, 4], stride: 2, pad: 1 },
  // non-square maps give a non-square dL/dy filter: TF.js mis-sizes numeric padding for those
  { name: '3×3 stride 2 pad 1, 7×9 map', x: [2, 7, 9, 3], w: [3, 3, 3, 4], stride: 2, pad: 1 },
  { name: '3×3 stride 1 pad 1, 6×11 map', x: [2, 6, 11, 3], w: [3, 3, 3, 2], stride: 1, pad: 1 },
  { name: '3×3 stride 1 pad 0', x: [2, 7, 7, 3], w: [3, 3, 3, 4], stride: 1, pad: 0 },
  { name: '1×1 stride 1 pad 0', x: [2, 6, 6, 2], w: [1, 1, 2, 3], stride: 1, pad: 0 },
  { name: '5×5 stride 2 pad 2', x: [2, 9, 9, 2], w: [5, 5, 2, 3], stride: 2, pad: 2 },
  { name: '3×3 stride 3 pad 1', x: [2, 9, 9, 2], w: [3, 3, 2, 3], stride: 3, pad: 1 },
  // the stem of the proxy supernet at a realistic batch: a long reduction over 16·16·16 terms
  { name: '3×3 stride 1 pad 1, stem at batch 16 on 16×16', x: [16, 16, 16, 3], w: [3, 3, 3, 16], stride: 1, pad: 1 },
];

describe('conv2dFast', () => {
  for (const c of CASES) {
    it(`equals the cpu backend for ${c.name}: value exactly as tf.conv2d on wasm, gradients to float32 rounding`, async () => {
      const label = c.name;
      const reference = await onCpu(() => run((x, w) => tf.conv2d(x, w, c.stride as 1, c.pad), c.x, c.w, label));
      const wasmPlain = run((x, w) => tf.conv2d(x, w, c.stride as 1, c.pad), c.x, c.w, label);
      const fast = run((x, w) => conv2dFast(x, w, c.stride, c.pad), c.x, c.w, label);
      expect(fast[0]).toEqual(wasmPlain[0]);
      expect(relativeError(reference[0], fast[0]), 'y').toBeLessThan(1e-5);
      expect(relativeError(reference[1], fast[1]), 'dx').toBeLessThan(1e-5);
      expect(relativeError(reference[2], fast[2]), 'dW').toBeLessThan(1e-5);
    });
  }

  it('leaves no tensor behind and gives bit-identical gradients on a rerun', () => {
    const c = CASES[1];
    const first = run((x, w) => conv2dFast(x, w, c.stride, c.pad), c.x, c.w, 'leak');
    const before = tf.memory().numTensors;
    const second = run((x, w) => conv2dFast(x, w, c.stride, c.pad), c.x, c.w, 'leak');
    expect(tf.memory().numTensors).toBe(before);
    expect(second).toEqual(first);
  });

  it("flips a filter on wasm exactly as TF.js's reverse then transpose, for square and 1×1 filters with unequal channels", () => {
    for (const shape of [[3, 3, 5, 7], [1, 1, 2, 3], [5, 5, 4, 1]] as Shape4[]) {
      const [ours, theirs] = tf.tidy(() => {
        const w = seeded(`flip/${shape}`, shape) as tf.Tensor4D;
        const flipped = flippedFilter(w);
        expect(flipped.shape).toEqual([shape[0], shape[1], shape[3], shape[2]]);
        return [flipped.dataSync(), tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]).dataSync()].map((a) => Array.from(a));
      });
      expect(ours).toEqual(theirs);
    }
  });

  it('refuses a non-square filter, a stride below 1 and a pad outside 0..k−1, naming the value', () => {
    const x = tf.ones([1, 5, 5, 2]) as tf.Tensor4D;
    expect(() => conv2dFast(x, tf.ones([3, 5, 2, 2]) as tf.Tensor4D, 1, 1)).toThrow('conv2dFast needs a square filter: got 3×5');
    expect(() => conv2dFast(x, tf.ones([3, 3, 2, 2]) as tf.Tensor4D, 0, 1)).toThrow('conv2dFast stride must be an integer ≥ 1: got 0');
    expect(() => conv2dFast(x, tf.ones([3, 3, 2, 2]) as tf.Tensor4D, 1, 3)).toThrow('conv2dFast pad must be an integer in 0..2: got 3');
  });
});
