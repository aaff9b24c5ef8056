// Tests of the convolution-gradient kernels registered on wasm (lib/supernet/wasm-conv-gradients.ts):
// gradients of conv2d and depthwiseConv2d equal TF.js's cpu backend (the reference) on the same
// inputs, across strides, paddings, odd/even/non-square maps; registration; the unsupported case.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { registerWasmConvGradients } from '../../lib/supernet/wasm-conv-gradients';
import { onCpu, relativeError } from './cpu-reference';

// vitest runs each file in its own process: this one chooses wasm once, then switches to 'cpu'
// only inside `onCpu` to compute the reference, and back.
beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  registerWasmConvGradients();
});
afterAll(async () => {
  await tf.setBackend('wasm');
});


/** Seeded values, so the cpu and wasm runs see the very same inputs. */
function values(label: string, shape: number[]): { values: Float32Array; shape: number[] } {
  const rng = new Rng(label);
  return { values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape };
}

type Conv = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
type Shape4 = [number, number, number, number];

/**
 * [dL/dx, dL/dw] with L = Σ conv(x, w) ⊙ r: a random r makes dy random, so a mixed-up index in a
 * kernel cannot hide behind a constant upstream gradient.
 */
function gradients(conv: Conv, xShape: Shape4, wShape: Shape4, label: string): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor(values(`${label}/x`, xShape).values, xShape) as tf.Tensor4D;
    const w = tf.tensor(values(`${label}/w`, wShape).values, wShape) as tf.Tensor4D;
    const yShape = conv(x, w).shape;
    const r = tf.tensor(values(`${label}/r`, yShape).values, yShape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]);
    return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array];
  });
}


interface Case {
  readonly name: string;
  readonly x: Shape4;
  readonly w: Shape4;
  readonly conv: Conv;
}

const CONV_CASES: Case[] = [
  { name: '3×3 stride 1 same', x: [2, 9, 9, 3], w: [3, 3, 3, 4], conv: (x, w) => tf.conv2d(x, w, 1, 'same') },
  // odd map at stride 2: 'same' pads one each side
  { name: '3×3 stride 2 same, odd map', x: [2, 9, 9, 3], w: [3, 3, 3, 4], conv: (x, w) => tf.conv2d(x, w, 2, 'same') },
  // even map at stride 2: 'same' pads only bottom/right (asymmetric), the case a wrong `top` breaks
  { name: '3×3 stride 2 same, even map', x: [2, 8, 8, 3], w: [3, 3, 3, 4], conv: (x, w) => tf.conv2d(x, w, 2, 'same') },
  { name: '3×3 stride 1 valid', x: [2, 9, 9, 3], w: [3, 3, 3, 4], conv: (x, w) => tf.conv2d(x, w, 1, 'valid') },
  { name: '3×3 stride 2 valid', x: [2, 10, 10, 3], w: [3, 3, 3, 4], conv: (x, w) => tf.conv2d(x, w, 2, 'valid') },
  // non-square map and kernel: catches height/width swaps
  { name: '3×5 stride 2 same, 7×10 map', x: [2, 7, 10, 3], w: [3, 5, 3, 2], conv: (x, w) => tf.conv2d(x, w, 2, 'same') },
  // the supernet's stem on Fashion-MNIST: one input channel, 28 → 14
  { name: 'stem 3×3 stride 2, 1 → 16 channels', x: [4, 28, 28, 1], w: [3, 3, 1, 16], conv: (x, w) => tf.conv2d(x, w, 2, 'same') },
];

const DEPTHWISE_CASES: Case[] = [3, 5, 7].flatMap((k) =>
  ([1, 2] as const).flatMap((stride): Case[] => [
    { name: `${k}×${k} stride ${stride} same, odd map`, x: [2, 9, 9, 5], w: [k, k, 5, 1], conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.depthwiseConv2d(x, w, stride, 'same') },
    { name: `${k}×${k} stride ${stride} same, even map`, x: [2, 8, 8, 5], w: [k, k, 5, 1], conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.depthwiseConv2d(x, w, stride, 'same') },
  ]),
).concat([
  { name: '3×3 stride 2 valid', x: [2, 9, 9, 5], w: [3, 3, 5, 1], conv: (x, w) => tf.depthwiseConv2d(x, w, 2, 'valid') },
  { name: '3×5 stride 1 same, 6×11 map', x: [3, 6, 11, 4], w: [3, 5, 4, 1], conv: (x, w) => tf.depthwiseConv2d(x, w, 1, 'same') },
  // a 4×4 map under a 7×7 kernel: every window is clipped by the padding (the supernet's last stage)
  { name: '7×7 stride 1 same, 4×4 map', x: [2, 4, 4, 6], w: [7, 7, 6, 1], conv: (x, w) => tf.depthwiseConv2d(x, w, 1, 'same') },
]);

const TOLERANCE = 1e-4;

describe('registerWasmConvGradients', () => {
  it('registers the three missing kernels on wasm and is idempotent', () => {
    for (const name of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
    }
    expect(() => registerWasmConvGradients()).not.toThrow();
    expect(tf.getBackend()).toBe('wasm');
  });

  for (const [op, cases] of [['conv2d', CONV_CASES], ['depthwiseConv2d', DEPTHWISE_CASES]] as const) {
    for (const c of cases) {
      it(`gives ${op} ${c.name} the cpu backend's gradients (dx and dW, relative error < 1e-4)`, async () => {
        const label = `${op}/${c.name}`;
        const reference = await onCpu(() => gradients(c.conv, c.x, c.w, label));
        expect(tf.getBackend()).toBe('wasm');
        const wasm = gradients(c.conv, c.x, c.w, label);
        expect(relativeError(reference[0], wasm[0]), 'dx').toBeLessThan(TOLERANCE);
        expect(relativeError(reference[1], wasm[1]), 'dW').toBeLessThan(TOLERANCE);
      });
    }
  }

  it('leaves no tensor behind after gradient passes', () => {
    gradients(DEPTHWISE_CASES[0].conv, DEPTHWISE_CASES[0].x, DEPTHWISE_CASES[0].w, 'leak');
    const before = tf.memory().numTensors;
    for (const c of [CONV_CASES[1], DEPTHWISE_CASES[3]]) gradients(c.conv, c.x, c.w, 'leak');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic: the same inputs give bit-identical gradients', () => {
    const c = DEPTHWISE_CASES[5];
    expect(gradients(c.conv, c.x, c.w, 'det')).toEqual(gradients(c.conv, c.x, c.w, 'det'));
  });

  it('throws for a depthwise channel multiplier other than 1, naming it', () => {
    const x = tf.ones([1, 5, 5, 2]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 2, 2]) as tf.Tensor4D;
    expect(() => tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')))([x, w]))).toThrow(
      /channel multiplier 1 only: got 2/,
    );
    x.dispose();
    w.dispose();
  });
});
