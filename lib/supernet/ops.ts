// The tensor operations the supernet's blocks are made of: pointwise (1×1) convolution as a
// matMul, depthwise and stem convolutions, and batch norm in its three modes. No weights live here.
import * as tf from '@tensorflow/tfjs';
import { matMulFast } from '../controller/fast-ops';
import { batchNormTrain } from './batch-norm-kernel';

/**
 * 1×1 convolution as one matMul over all positions (XNNPACK-fast on wasm, with a gradient every
 * backend has). @param x [N, H, W, cin]; @param w [cin, cout]. @returns [N, H, W, cout].
 */
export function pointwise(x: tf.Tensor4D, w: tf.Tensor2D): tf.Tensor4D {
  const [n, h, width, cin] = x.shape;
  return tf.reshape(matMulFast(tf.reshape(x, [n * h * width, cin]), w), [n, h, width, w.shape[1]]);
}

/** Depthwise k×k convolution, 'same' padding. @param w [k, k, C, 1]. */
export function depthwise(x: tf.Tensor4D, w: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.depthwiseConv2d(x, w, stride, 'same');
}

/** Full k×k convolution, 'same' padding (the stem). @param w [k, k, cin, cout]. */
export function convolution(x: tf.Tensor4D, w: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.conv2d(x, w, stride, 'same');
}

/** Per-channel statistics of one batch-norm site. */
export interface ChannelStats {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
}

/**
 * How batch norm normalises:
 * - 'batch': by the batch's own moments (training; single-path one-shot training does this);
 * - 'collect': by the batch's moments, and records them per site (BN recalibration pass);
 * - 'fixed': by recorded statistics (evaluation after recalibration).
 */
export type NormMode =
  | { readonly kind: 'batch' }
  | { readonly kind: 'collect'; readonly record: (site: string, stats: ChannelStats) => void }
  | { readonly kind: 'fixed'; readonly stats: ReadonlyMap<string, ChannelStats> };

/** Batch norm's ε (PyTorch's default). */
export const BN_EPSILON = 1e-5;

/**
 * Batch norm over N, H, W with learned scale γ and shift β. @param site the site's weight id,
 * the key of recorded statistics. @throws Error in 'fixed' mode when the site has no statistics.
 */
export function batchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, site: string, mode: NormMode): tf.Tensor4D {
  if (mode.kind === 'fixed') {
    const stats = mode.stats.get(site);
    if (stats === undefined) throw new Error(`no recalibrated batch-norm statistics for ${site}: recalibrate this sub-network first`);
    return tf.batchNorm(x, tf.tensor1d(stats.mean), tf.tensor1d(stats.variance), beta, gamma, BN_EPSILON);
  }
  return batchNormByBatch(x, gamma, beta, mode.kind === 'collect' ? (stats) => mode.record(site, stats) : undefined);
}

/**
 * Train-mode batch norm as one differentiable op: on wasm the heap kernel of batch-norm-kernel.ts;
 * elsewhere computed in JS over copies of the tensors: y = γ·(x − μ_B)/√(σ²_B + ε) + β
 * with the closed-form gradient dx = (γ/σ)·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy.
 * Replaces ~12 wasm ops (moments, sub, div, …) that took most of a training step (measured with
 * tf.profile on the full supernet). @param onStats receives the batch's mean and (biased) variance.
 */
function batchNormByBatch(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, onStats?: (stats: ChannelStats) => void): tf.Tensor4D {
  if (tf.getBackend() === 'wasm') {
    const { y, mean, variance } = batchNormTrain(x, gamma, beta, BN_EPSILON);
    if (onStats !== undefined) onStats({ mean: mean.dataSync() as Float32Array, variance: variance.dataSync() as Float32Array });
    tf.dispose([mean, variance]);
    return y;
  }
  const op = tf.customGrad(((xt: tf.Tensor, gt: tf.Tensor, bt: tf.Tensor) => {
    const xs = xt.dataSync() as Float32Array;
    const g = gt.dataSync() as Float32Array;
    const b = bt.dataSync() as Float32Array;
    const c = g.length;
    const m = xs.length / c;
    const mean = new Float32Array(c);
    const variance = new Float32Array(c);
    const sum = new Float64Array(c);
    for (let base = 0; base < xs.length; base += c) for (let k = 0; k < c; k++) sum[k] += xs[base + k];
    for (let k = 0; k < c; k++) mean[k] = sum[k] / m;
    sum.fill(0);
    for (let base = 0; base < xs.length; base += c) {
      for (let k = 0; k < c; k++) {
        const d = xs[base + k] - mean[k];
        sum[k] += d * d;
      }
    }
    const invStd = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      variance[k] = sum[k] / m;
      invStd[k] = 1 / Math.sqrt(variance[k] + BN_EPSILON);
    }
    onStats?.({ mean, variance });
    const xhat = new Float32Array(xs.length);
    const y = new Float32Array(xs.length);
    for (let base = 0; base < xs.length; base += c) {
      for (let k = 0; k < c; k++) {
        const h = (xs[base + k] - mean[k]) * invStd[k];
        xhat[base + k] = h;
        y[base + k] = g[k] * h + b[k];
      }
    }
    return {
      value: tf.tensor(y, xt.shape),
      gradFunc: (dyt: tf.Tensor) => {
        const dy = dyt.dataSync() as Float32Array;
        const dBeta = new Float64Array(c);
        const dGamma = new Float64Array(c);
        for (let base = 0; base < dy.length; base += c) {
          for (let k = 0; k < c; k++) {
            dBeta[k] += dy[base + k];
            dGamma[k] += dy[base + k] * xhat[base + k];
          }
        }
        const dx = new Float32Array(dy.length);
        for (let base = 0; base < dy.length; base += c) {
          for (let k = 0; k < c; k++) dx[base + k] = g[k] * invStd[k] * (dy[base + k] - dBeta[k] / m - (xhat[base + k] * dGamma[k]) / m);
        }
        return [tf.tensor(dx, xt.shape), tf.tensor1d(Float32Array.from(dGamma)), tf.tensor1d(Float32Array.from(dBeta))];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, gamma, beta) as tf.Tensor4D;
}
