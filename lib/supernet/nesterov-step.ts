// One SGD update with Nesterov momentum and L2 weight decay of one weight tensor (the supernet
// trainer's optimiser step). On wasm it is one SIMD kernel (wasm/assembly/nesterov-step.ts) instead of
// seven TF.js ops; it gives the same bits. It computes new values and never assigns them.
import * as tf from '@tensorflow/tfjs';
import { heapAddress, heapModule, type WasmHeap } from './heap-module';
import type { KernelArgs } from './wasm-conv-gradients';

/** Kernel name on wasm (prefixed: it is this workbook's, not TF.js's). */
export const NESTEROV_STEP = 'DnasNesterovStep';

/** Step settings: learning rate, momentum μ, weight decay wd, and whether this weight decays. */
export interface NesterovSettings {
  readonly lr: number;
  readonly mu: number;
  readonly wd: number;
  readonly decay: boolean;
}

/** The export of wasm/nesterov-step.wasm: byte addresses, the count, then the settings. */
interface NesterovModule {
  nesterovStep(v: number, g: number, m: number, vOut: number, mOut: number, n: number, lr: number, mu: number, wd: number, decay: boolean): void;
}

let registered = false;

/**
 * g′ = g + wd·v (when `decay`), m′ = μ·m + g′, v′ = v − lr·(g′ + μ·m′) (Nesterov, as PyTorch's SGD).
 * @param v the weight, @param g its gradient, @param m its momentum (same shape). @returns [v′, m′].
 */
export function nesterovStep(v: tf.Tensor, g: tf.Tensor, m: tf.Tensor, settings: NesterovSettings): [tf.Tensor, tf.Tensor] {
  if (tf.getBackend() === 'wasm') {
    registerWasmNesterovStep();
    const [vNext, mNext] = tf.engine().runKernel(NESTEROV_STEP, { v, g, m }, { ...settings }) as tf.Tensor[];
    return [vNext, mNext];
  }
  return nesterovByOps(v, g, m, settings);
}

/** The same update as TF.js ops (every backend; the reference the kernel's bits are tested against). */
export function nesterovByOps(v: tf.Tensor, g: tf.Tensor, m: tf.Tensor, { lr, mu, wd, decay }: NesterovSettings): [tf.Tensor, tf.Tensor] {
  const gd = decay ? tf.add(g, tf.mul(v, wd)) : g;
  const next = tf.add(tf.mul(m, mu), gd);
  return [tf.sub(v, tf.mul(tf.add(gd, tf.mul(next, mu)), lr)), next];
}

function registerWasmNesterovStep(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: NESTEROV_STEP, backendName: 'wasm', kernelFunc: wasmNesterovStep as unknown as tf.KernelFunc });
}

function wasmNesterovStep({ inputs, backend, attrs = {} }: KernelArgs): tf.TensorInfo[] {
  const heap = backend as WasmHeap;
  const { v, g, m } = inputs;
  const s = attrs as unknown as NesterovSettings;
  const vOut = heap.makeOutput(v.shape, 'float32');
  const mOut = heap.makeOutput(v.shape, 'float32');
  const at = (info: tf.TensorInfo) => heapAddress(heap, info);
  heapModule<NesterovModule>(heap, 'nesterov-step').nesterovStep(at(v), at(g), at(m), at(vOut), at(mOut), tf.util.sizeFromShape(v.shape), s.lr, s.mu, s.decay ? s.wd : 0, s.decay);
  return [vOut, mOut];
}
