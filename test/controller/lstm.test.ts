// Tests of the fused LSTM op on the wasm backend: values and gradients equal the plain-ops
// autodiff reference, tensors do not leak. (lstm-cpu.test.ts repeats the check on cpu.)
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { lstmSequence } from '../../lib/controller/lstm';
import { checkAgainstReference } from './lstm-check';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

describe('lstmSequence (wasm)', () => {
  it('returns [steps·batch, hidden] hidden states', () => {
    const out = tf.tidy(() => lstmSequence(tf.ones([6, 3]), tf.ones([3, 8]), tf.ones([2, 8]), tf.zeros([8]), tf.zeros([3, 2]), tf.zeros([3, 2])));
    expect(out.shape).toEqual([6, 2]);
    out.dispose();
  });

  it('matches the autodiff reference in value and in every gradient', () => {
    // Odd sizes (5 steps, batch 3, hidden 4, input 2) catch layout mix-ups between gates and rows.
    const { fast, reference } = checkAgainstReference({ steps: 5, batch: 3, hidden: 4, inputSize: 2 });
    fast.forEach((values, k) => values.forEach((v, i) => expect(v).toBeCloseTo(reference[k][i], 4)));
  });

  it('returns the mean over steps with output "mean", gradients included', () => {
    const { fast, reference } = checkAgainstReference({ steps: 4, batch: 2, hidden: 3, inputSize: 2, output: 'mean' });
    expect(fast[0]).toHaveLength(2 * 3);
    fast.forEach((values, k) => values.forEach((v, i) => expect(v).toBeCloseTo(reference[k][i], 4)));
  });

  it('gives zeros as the input gradient when inputGradient is false', () => {
    const dx = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(lstmSequence(x as tf.Tensor2D, tf.ones([2, 8]), tf.ones([2, 8]), tf.zeros([8]), tf.zeros([1, 2]), tf.zeros([1, 2]), { inputGradient: false })))(tf.ones([3, 2])));
    expect(Array.from(dx.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    dx.dispose();
  });

  it('leaves no tensor behind after forward and backward passes', () => {
    checkAgainstReference({ steps: 3, batch: 2, hidden: 3, inputSize: 2 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) checkAgainstReference({ steps: 3, batch: 2, hidden: 3, inputSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic: the same inputs give bit-identical outputs', () => {
    const run = () => tf.tidy(() => Array.from(lstmSequence(tf.ones([4, 2]), tf.fill([2, 8], 0.1), tf.fill([2, 8], 0.2), tf.zeros([8]), tf.zeros([2, 2]), tf.zeros([2, 2])).dataSync()));
    expect(run()).toEqual(run());
  });
});
