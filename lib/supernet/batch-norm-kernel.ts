// Train-mode batch norm as a kernel of TF.js's wasm backend, computed by WebAssembly SIMD code
// (wasm/assembly/batch-norm.ts) straight on the backend's heap: no copies out and back, one kernel for
// the three gradients. The forward pass also returns the batch's mean and (biased) variance, which
// recalibration records and the gradient reuses. NHWC, normalised over N, H, W.
import * as tf from '@tensorflow/tfjs';
import { heapAddress, heapModule, type WasmHeap } from './heap-module';
import type { KernelArgs } from './wasm-conv-gradients';

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

/** The exports of wasm/batch-norm.wasm (wasm/assembly/batch-norm.ts): byte addresses, counts, ε. */
interface BatchNormModule {
  batchNormTrain(x: number, gamma: number, beta: number, y: number, mean: number, variance: number, m: number, c: number, epsilon: number): void;
  batchNormTrainGrad(dy: number, x: number, gamma: number, mean: number, variance: number, dx: number, dGamma: number, dBeta: number, m: number, c: number, epsilon: number): void;
}

function forward({ inputs, backend, attrs = {} }: KernelArgs): tf.TensorInfo[] {
  const heap = backend as WasmHeap;
  const { x, gamma, beta } = inputs;
  const c = gamma.shape[0];
  const y = heap.makeOutput(x.shape, 'float32');
  const mean = heap.makeOutput([c], 'float32');
  const variance = heap.makeOutput([c], 'float32');
  const at = (info: tf.TensorInfo) => heapAddress(heap, info);
  heapModule<BatchNormModule>(heap, 'batch-norm').batchNormTrain(at(x), at(gamma), at(beta), at(y), at(mean), at(variance), tf.util.sizeFromShape(x.shape) / c, c, attrs.epsilon as number);
  return [y, mean, variance];
}

/** dx, dγ and dβ from dy, x and the saved statistics (x̂ is recomputed, not kept alive between the passes). */
function backward({ inputs, backend, attrs = {} }: KernelArgs): tf.TensorInfo[] {
  const heap = backend as WasmHeap;
  const { dy, x, gamma, mean, variance } = inputs;
  const c = gamma.shape[0];
  const dx = heap.makeOutput(x.shape, 'float32');
  const dGamma = heap.makeOutput([c], 'float32');
  const dBeta = heap.makeOutput([c], 'float32');
  const at = (info: tf.TensorInfo) => heapAddress(heap, info);
  heapModule<BatchNormModule>(heap, 'batch-norm').batchNormTrainGrad(at(dy), at(x), at(gamma), at(mean), at(variance), at(dx), at(dGamma), at(dBeta), tf.util.sizeFromShape(x.shape) / c, c, attrs.epsilon as number);
  return [dx, dGamma, dBeta];
}
