// Shared by the LSTM tests: the fused op against the autodiff reference on the same seeded inputs,
// and the whole suite, run once per backend by lstm.test.ts (wasm) and lstm-cpu.test.ts (cpu).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { lstmSequence, lstmSequenceReference } from '../../lib/controller/lstm';
import { Rng } from '../../lib/random';

/** Values of [output, dX, dWx, dWh, db, dh0, dc0] for the fast op and for the reference. */
export function checkAgainstReference(size: { steps: number; batch: number; hidden: number; inputSize: number; output?: 'mean' }): { fast: number[][]; reference: number[][] } {
  const { steps, batch, hidden, inputSize } = size;
  const rows = size.output === 'mean' ? batch : steps * batch;
  const rng = new Rng('lstm-check');
  const t = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 0.7)), shape);
  return tf.tidy(() => {
    const inputs = [t([steps * batch, inputSize]), t([inputSize, 4 * hidden]), t([hidden, 4 * hidden]), t([4 * hidden]), t([batch, hidden]), t([batch, hidden])];
    const weight = t([rows, hidden]);
    const run = (fn: typeof lstmSequence): number[][] => {
      const f = (...xs: tf.Tensor[]) => fn(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, xs[2] as tf.Tensor2D, xs[3] as tf.Tensor1D, xs[4] as tf.Tensor2D, xs[5] as tf.Tensor2D, { output: size.output });
      const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), weight)))(inputs);
      return [f(...inputs), ...grads].map((g) => Array.from(g.dataSync()));
    };
    return { fast: run(lstmSequence), reference: run(lstmSequenceReference) };
  });
}

/**
 * The fused LSTM op's test suite on one backend: shape, values and gradients against the
 * autodiff reference, the "mean" output, inputGradient off, no leaks, determinism. Each test
 * file calls it once (vitest gives each file its own process, and the backend is chosen once).
 */
export function lstmSuite(backend: 'wasm' | 'cpu'): void {
  beforeAll(async () => {
    await initBackend({ force: backend, quiet: true });
  });

  describe(`lstmSequence (${backend})`, () => {
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
}
