// Train-mode batch norm as a kernel of TF.js's wasm backend, computed in TypeScript straight on the
// backend's heap: no copies out of it and back, no per-call arrays for the garbage collector, and one
// kernel for the three gradients. The forward pass also returns the batch's mean and (biased)
// variance, which recalibration records and the gradient reuses. NHWC, normalised over N, H, W.
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs, WasmHeapBackend } from './wasm-conv-gradients';

/** Kernel names (prefixed: they are this workbook's, not TF.js's). */
export const BATCH_NORM_TRAIN = 'DnasBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'DnasBatchNormTrainGrad';

let registered = false;

/** Register both kernels and the gradient on 'wasm' (idempotent). */
export function registerWasmBatchNorm(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: BATCH_NORM_TRAIN_GRAD, backendName: 'wasm', kernelFunc: backward as unknown as tf.KernelFunc });
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      // Only y carries a gradient: the statistics are read, never differentiated.
      const dyY = Array.isArray(dy) ? dy[0] : dy;
      const [x, gamma, mean, variance] = saved;
      // Computed here, not in the closures: the engine runs each closure in its own tidy, which
      // would dispose the other two results of a shared kernel call.
      const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { dy: dyY, x, gamma, mean, variance }, attrs) as tf.Tensor[];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  });
}

/**
 * y = γ·(x − μ_B)/√(σ²_B + ε) + β with the batch's own statistics, as a differentiable op of the wasm
 * backend. @returns y, and the batch's per-channel mean and biased variance (not differentiable).
 */
export function batchNormTrain(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  registerWasmBatchNorm();
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
  return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
}

function forward({ inputs, backend, attrs = {} }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as WasmHeapBackend;
  const { x, gamma, beta } = inputs;
  const epsilon = attrs.epsilon as number;
  const c = gamma.shape[0];
  const yInfo = wasm.makeOutput(x.shape, 'float32');
  const meanInfo = wasm.makeOutput([c], 'float32');
  const varianceInfo = wasm.makeOutput([c], 'float32');
  // Views after every makeOutput: allocating may grow the heap and detach earlier views.
  const xs = wasm.typedArrayFromHeap(x);
  const g = wasm.typedArrayFromHeap(gamma);
  const b = wasm.typedArrayFromHeap(beta);
  const y = wasm.typedArrayFromHeap(yInfo);
  const mean = wasm.typedArrayFromHeap(meanInfo);
  const variance = wasm.typedArrayFromHeap(varianceInfo);
  const n = xs.length;
  const m = n / c;
  // Sums in float64: a float32 running sum over 10^5 values loses digits the variance needs.
  const sum = new Float64Array(c);
  for (let base = 0; base < n; base += c) for (let k = 0; k < c; k++) sum[k] += xs[base + k];
  for (let k = 0; k < c; k++) mean[k] = sum[k] / m;
  sum.fill(0);
  for (let base = 0; base < n; base += c) {
    for (let k = 0; k < c; k++) {
      const d = xs[base + k] - mean[k];
      sum[k] += d * d;
    }
  }
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    variance[k] = sum[k] / m;
    scale[k] = g[k] / Math.sqrt(variance[k] + epsilon);
    shift[k] = b[k] - mean[k] * scale[k];
  }
  for (let base = 0; base < n; base += c) for (let k = 0; k < c; k++) y[base + k] = xs[base + k] * scale[k] + shift[k];
  return [yInfo, meanInfo, varianceInfo];
}

/**
 * dx = (γ/σ)·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy, with x̂ = (x − μ)/σ recomputed
 * from x and the saved statistics (cheaper than keeping x̂ alive between the passes).
 */
function backward({ inputs, backend, attrs = {} }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as WasmHeapBackend;
  const { dy, x, gamma, mean, variance } = inputs;
  const epsilon = attrs.epsilon as number;
  const c = gamma.shape[0];
  const dxInfo = wasm.makeOutput(x.shape, 'float32');
  const dGammaInfo = wasm.makeOutput([c], 'float32');
  const dBetaInfo = wasm.makeOutput([c], 'float32');
  const dys = wasm.typedArrayFromHeap(dy);
  const xs = wasm.typedArrayFromHeap(x);
  const g = wasm.typedArrayFromHeap(gamma);
  const mu = wasm.typedArrayFromHeap(mean);
  const v = wasm.typedArrayFromHeap(variance);
  const dx = wasm.typedArrayFromHeap(dxInfo);
  const dGamma = wasm.typedArrayFromHeap(dGammaInfo);
  const dBeta = wasm.typedArrayFromHeap(dBetaInfo);
  const n = xs.length;
  const m = n / c;
  const invStd = new Float32Array(c);
  for (let k = 0; k < c; k++) invStd[k] = 1 / Math.sqrt(v[k] + epsilon);
  const sumDy = new Float64Array(c);
  const sumDyXhat = new Float64Array(c);
  for (let base = 0; base < n; base += c) {
    for (let k = 0; k < c; k++) {
      const d = dys[base + k];
      sumDy[k] += d;
      sumDyXhat[k] += d * (xs[base + k] - mu[k]) * invStd[k];
    }
  }
  // dx = a·dy − t·(x − μ) + d per channel, the constants of each channel computed once.
  const a = new Float32Array(c);
  const t = new Float32Array(c);
  const d0 = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    dGamma[k] = sumDyXhat[k];
    dBeta[k] = sumDy[k];
    a[k] = g[k] * invStd[k];
    t[k] = (a[k] * invStd[k] * sumDyXhat[k]) / m;
    d0[k] = (-a[k] * sumDy[k]) / m;
  }
  for (let base = 0; base < n; base += c) for (let k = 0; k < c; k++) dx[base + k] = a[k] * dys[base + k] - t[k] * (xs[base + k] - mu[k]) + d0[k];
  return [dxInfo, dGammaInfo, dBetaInfo];
}
