// Average pooling that averages only the real pixels a window covers (TensorFlow's 'same';
// NAS-Bench-201's count_include_pad = False), with the gradient of that function. TF.js's own
// AvgPoolGrad divides every window by its full size, so at the borders of a 'same' pool its
// gradient is not the gradient of its forward pass. No weights live here.
import * as tf from '@tensorflow/tfjs';
import { heapAddress, heapModule, type WasmHeap } from './heap-module';
import type { KernelArgs } from './wasm-conv-gradients';

/** Kernel name of the wasm gradient (prefixed: it is this workbook's, not TF.js's). */
export const AVG_POOL_GRAD = 'DnasAvgPoolGrad';

/** The export of wasm/avg-pool-grad.wasm (wasm/assembly/avg-pool-grad.ts): byte addresses and sizes. */
interface AvgPoolGradModule {
  avgPoolGrad(dy: number, dx: number, n: number, inH: number, inW: number, c: number, outH: number, outW: number, fh: number, fw: number, sh: number, sw: number, top: number, left: number): void;
}

type PoolInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

let registered = false;

/**
 * tf.avgPool(x, size, stride, padding) with its true gradient: on wasm a SIMD kernel, elsewhere
 * TF.js's gradient of dy divided by each window's real-pixel count, times the window size.
 * @param x [N, H, W, C]. @returns [N, outH, outW, C].
 */
export function avgPool(x: tf.Tensor4D, size: number, stride: number, padding: 'same' | 'valid'): tf.Tensor4D {
  const op = tf.customGrad(((xt: tf.Tensor4D, save: (tensors: tf.Tensor[]) => void) => {
    save([xt]);
    return {
      value: tf.avgPool(xt, size, stride, padding),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => avgPoolGrad(dy, saved[0] as tf.Tensor4D, size, stride, padding),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor4D;
}

/** dL/dx of `avgPool` for upstream dy. */
function avgPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, size: number, stride: number, padding: 'same' | 'valid'): tf.Tensor4D {
  const attrs = { filterSize: size, strides: stride, pad: padding };
  if (tf.getBackend() === 'wasm') {
    registerWasmAvgPoolGrad();
    return tf.engine().runKernel(AVG_POOL_GRAD, { dy, input: x }, attrs) as tf.Tensor4D;
  }
  const info = poolInfo(x.shape, attrs);
  return tf.tidy(() => {
    const counts = tf.tensor4d(realPixelCounts(info), [1, info.outHeight, info.outWidth, 1]);
    const full = info.filterHeight * info.filterWidth;
    return tf.mul(tf.engine().runKernel('AvgPoolGrad', { dy: tf.div(dy, counts), input: x }, attrs) as tf.Tensor4D, full);
  });
}

function poolInfo(shape: number[], attrs: { filterSize: number; strides: number; pad: 'same' | 'valid' }): PoolInfo {
  return tf.backend_util.computePool2DInfo(shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad);
}

/** How many real input pixels each output window covers, [outH·outW]. */
function realPixelCounts(info: PoolInfo): Float32Array {
  const counts = new Float32Array(info.outHeight * info.outWidth);
  const span = (start: number, size: number, limit: number) => Math.min(start + size, limit) - Math.max(start, 0);
  for (let oh = 0; oh < info.outHeight; oh++) {
    for (let ow = 0; ow < info.outWidth; ow++) {
      const h = span(oh * info.strideHeight - info.padInfo.top, info.filterHeight, info.inHeight);
      const w = span(ow * info.strideWidth - info.padInfo.left, info.filterWidth, info.inWidth);
      counts[oh * info.outWidth + ow] = h * w;
    }
  }
  return counts;
}

function registerWasmAvgPoolGrad(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: AVG_POOL_GRAD, backendName: 'wasm', kernelFunc: wasmAvgPoolGrad as unknown as tf.KernelFunc });
}

function wasmAvgPoolGrad({ inputs, backend, attrs = {} }: KernelArgs): tf.TensorInfo {
  const heap = backend as WasmHeap;
  const { dy, input } = inputs;
  const info = poolInfo(input.shape, attrs as { filterSize: number; strides: number; pad: 'same' | 'valid' });
  const dx = heap.makeOutput(input.shape, 'float32');
  heapModule<AvgPoolGradModule>(heap, 'avg-pool-grad').avgPoolGrad(
    heapAddress(heap, dy), heapAddress(heap, dx), info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.outHeight, info.outWidth, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
  );
  return dx;
}
