// Tests of the fused LSTM op on the wasm backend: values and gradients equal the plain-ops
// autodiff reference, tensors do not leak. (lstm-cpu.test.ts repeats the check on cpu.)
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { lstmSuite } from './lstm-check';

lstmSuite('wasm');

describe('the weight gradient as dGᵀ·rows (wasm)', () => {
  // backward() computes dKᵀ = dGᵀ·rows instead of dK = rowsᵀ·dG, relying on the backend summing
  // the same products in the same order either way; these are the controllers' shapes.
  it.each([[2700, 34, 104], [2700, 35, 104], [3456, 74, 256], [640, 61, 128]])('n %i, width %i, gates %i: bit-identical to rowsᵀ·dG', (n, width, gates) => {
    const rng = new Rng(`dk-${n}-${width}`);
    const rows = Float32Array.from({ length: n * width }, () => rng.normal());
    const dG = Float32Array.from({ length: n * gates }, () => rng.normal() * 1e-3);
    const [direct, viaTranspose] = tf.tidy(() => {
      const r = tf.tensor2d(rows, [n, width]);
      const g = tf.tensor2d(dG, [n, gates]);
      return [tf.matMul(tf.transpose(r), g).dataSync(), tf.transpose(tf.matMul(tf.transpose(g), r)).dataSync()];
    });
    expect(Array.from(new Uint32Array(Float32Array.from(viaTranspose).buffer))).toEqual(Array.from(new Uint32Array(Float32Array.from(direct).buffer)));
  });
});
