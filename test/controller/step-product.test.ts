// StepProduct on wasm (the backend's kernels called directly on tensors refilled in place) against
// ordinary TF.js ops: the same bits at every step of a pass, a bad shape refused, nothing leaked.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { StepProduct } from '../../lib/controller/step-product';
import { Rng } from '../../lib/random';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

const bits = (values: ArrayLike<number>): number[] => Array.from(new Uint32Array(Float32Array.from(values).buffer));

describe('StepProduct (wasm)', () => {
  it.each([true, false])('gives tf.matMul (then σ: %s) bit for bit at every step of a pass', (activate) => {
    const rng = new Rng(`step-product-${activate}`);
    const [rows, cols, n] = [100, 35, 104];
    const weight = tf.tensor2d(Float32Array.from({ length: cols * n }, () => rng.normal() * 0.3), [cols, n]);
    const product = new StepProduct(rows, cols, weight, activate);
    for (let step = 0; step < 4; step++) {
      const operand = Float32Array.from({ length: rows * cols }, () => rng.normal());
      let got: number[] = [];
      product.run((values) => values.set(operand), (out) => (got = bits(out)));
      const expected = tf.tidy(() => {
        const y = tf.matMul(tf.tensor2d(operand, [rows, cols]), weight);
        return bits((activate ? tf.sigmoid(y) : y).dataSync());
      });
      expect(got, `step ${step}`).toEqual(expected);
    }
    product.dispose();
    weight.dispose();
  });

  it('refuses a weight whose rows do not match the operand, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const weight = tf.zeros([4, 8]) as tf.Tensor2D;
    expect(() => new StepProduct(2, 5, weight, true)).toThrow(/weight has 4 rows but the operand has 5 columns/);
    const product = new StepProduct(2, 4, weight, true);
    product.run((v) => v.fill(1), () => undefined);
    product.dispose();
    weight.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
