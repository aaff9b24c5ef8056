// Small TF.js building blocks the controller trains with: a matMul whose gradient avoids the
// transposed-matMul kernels (10× slower on wasm), seeded weight initialisation. No model logic.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random';

/**
 * `a × b` for 2-D tensors, differentiable with gradients computed as `dy × transpose(b)` and
 * `transpose(a) × dy`. Same values as `tf.matMul`; exists because TF.js's own matMul gradient
 * calls matMul with transposeA/transposeB, which on the wasm backend (4.22) takes ~200 µs
 * instead of ~20 µs for a [100,26]×[26,104] product (measured, bench/controller.ts).
 * @param a [m, k]; @param b [k, n]. @returns [m, n].
 */
export const matMulFast = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Run `fn` in a TF.js scope: every tensor it creates and does not return inside a plain object
 * is disposed. Unlike `tf.tidy`, `fn` may return plain data (arrays of numbers).
 */
export function scoped<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}

/**
 * A dense layer `x × kernel + bias` built on `matMulFast`.
 * @param x [batch, in]; @param kernel [in, out]; @param bias [out]. @returns [batch, out].
 */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(matMulFast(x, kernel), bias);
}

/**
 * Values drawn uniformly in [−limit, limit): PyTorch's default for nn.Linear / nn.LSTM
 * (limit = 1/√fanIn), drawn from `rng` so the same seed gives the same weights everywhere.
 * @param size number of values. @param limit half-width of the interval.
 */
export function uniformValues(rng: Rng, size: number, limit: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniformIn(-limit, limit);
  return out;
}

/**
 * Time-major one-hot rows of a batch of token sequences: row `t·batch + b` is token `t` of
 * sequence `b` (the layout the LSTM kernel consumes).
 * @param sequences [batch][length] integers in 0..depth−1 (trusted: checked by the caller).
 * @returns Float32Array [length·batch, depth].
 */
export function oneHotTimeMajor(sequences: readonly (readonly number[])[], length: number, depth: number): Float32Array {
  const batch = sequences.length;
  const out = new Float32Array(length * batch * depth);
  for (let t = 0; t < length; t++) {
    for (let b = 0; b < batch; b++) out[(t * batch + b) * depth + sequences[b][t]] = 1;
  }
  return out;
}

/**
 * Mean token cross-entropy −(1/N)·Σ_n log softmax(logits_n)[target_n] as one differentiable op
 * computed in JS (gradient (softmax − onehot)/N). Replaces logSoftmax + mul + sum + mean, whose
 * forward and backward are several backend ops each (bench/controller.ts).
 * @param logits [N, vocab]; @param targets N integers in 0..vocab−1 (trusted).
 * @param mask optional [N·vocab] 0/1: the softmax of row n runs over its allowed tokens only
 *   (the target must be allowed; masked logits get no gradient).
 * @returns scalar loss.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: Int32Array, mask: Uint8Array | null = null): tf.Scalar {
  const [n, vocab] = logits.shape;
  const op = tf.customGrad(((x: tf.Tensor) => {
    const values = x.dataSync() as Float32Array;
    const probs = new Float32Array(n * vocab);
    let loss = 0;
    for (let r = 0; r < n; r++) {
      let max = -Infinity;
      for (let v = 0; v < vocab; v++) if (mask === null || mask[r * vocab + v] === 1) max = Math.max(max, values[r * vocab + v]);
      let sum = 0;
      for (let v = 0; v < vocab; v++) sum += (probs[r * vocab + v] = mask === null || mask[r * vocab + v] === 1 ? Math.exp(values[r * vocab + v] - max) : 0);
      for (let v = 0; v < vocab; v++) probs[r * vocab + v] /= sum;
      loss -= values[r * vocab + targets[r]] - max - Math.log(sum);
    }
    return {
      value: tf.scalar(loss / n),
      gradFunc: (dy: tf.Tensor) => {
        const scale = (dy.dataSync() as Float32Array)[0] / n;
        const grad = new Float32Array(n * vocab);
        for (let r = 0; r < n; r++) {
          for (let v = 0; v < vocab; v++) grad[r * vocab + v] = (probs[r * vocab + v] - (v === targets[r] ? 1 : 0)) * scale;
          // A masked logit has probability 0 and is never the target: its gradient is 0 already.
        }
        return [tf.tensor2d(grad, [n, vocab])];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits) as tf.Scalar;
}

/**
 * Token indices in time-major order (index t·batch + b), the targets of `softmaxCrossEntropy`.
 * @param sequences [batch][length] integers.
 */
export function tokensTimeMajor(sequences: readonly (readonly number[])[], length: number): Int32Array {
  const batch = sequences.length;
  const out = new Int32Array(length * batch);
  for (let t = 0; t < length; t++) {
    for (let b = 0; b < batch; b++) out[t * batch + b] = sequences[b][t];
  }
  return out;
}
