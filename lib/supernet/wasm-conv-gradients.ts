// The three convolution-gradient kernels TF.js's wasm backend (4.22) lacks, registered for it in
// plain TypeScript so that conv2d and depthwiseConv2d train on wasm: Conv2DBackpropFilter,
// DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput. NHWC, dilation 1.
// Without them, tf.grad of any convolution fails on wasm ("Kernel 'Conv2DBackpropFilter' not
// registered"), and the cpu backend trains the same nets 10–40× slower (../shared/STACK-NOTES.md).
import * as tf from '@tensorflow/tfjs';

/** The slice of the wasm backend the workbook's kernels use (its public methods). */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** What TF.js passes a kernel function. */
export interface KernelArgs {
  readonly inputs: Record<string, tf.TensorInfo>;
  readonly backend: unknown;
  readonly attrs?: Record<string, unknown>;
}

let registered = false;

/**
 * Register the kernels on 'wasm' (idempotent; a no-op for kernels that already exist there, so
 * a later TF.js that ships its own keeps them). Call after the wasm backend is loaded.
 */
export function registerWasmConvGradients(): void {
  if (registered) return;
  registered = true;
  const kernels: [string, (args: KernelArgs) => tf.TensorInfo][] = [
    ['Conv2DBackpropFilter', conv2dBackpropFilter],
    ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter],
    ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput],
  ];
  for (const [kernelName, kernelFunc] of kernels) {
    if (tf.getKernel(kernelName, 'wasm') !== undefined) continue;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}

function convInfo(xShape: number[], filterShape: number[], attrs: Record<string, unknown>, depthwise: boolean): ConvInfo {
  const format = attrs.dataFormat ?? 'NHWC';
  if (format !== 'NHWC' && format !== 'channelsLast') throw new Error(`wasm conv gradients support NHWC only: got dataFormat ${String(format)}`);
  const dilations = (attrs.dilations ?? 1) as number | [number, number];
  if (dilations !== 1 && !(Array.isArray(dilations) && dilations[0] === 1 && dilations[1] === 1)) {
    throw new Error(`wasm conv gradients support dilation 1 only: got ${JSON.stringify(dilations)}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
  );
  if (depthwise && filterShape[3] !== 1) throw new Error(`wasm depthwise gradients support channel multiplier 1 only: got ${filterShape[3]}`);
  return info;
}

/** dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−top, ow·s+kw−left, ci] · dy[n,oh,ow,co]. */
function conv2dBackpropFilter({ inputs, backend, attrs = {} }: KernelArgs): tf.TensorInfo {
  const wasm = backend as WasmHeapBackend;
  const { x, dy } = inputs;
  const filterShape = attrs.filterShape as number[];
  const c = convInfo(x.shape, filterShape, attrs, false);
  const out = wasm.makeOutput(filterShape, 'float32');
  // Views after makeOutput: allocating may grow the heap and detach earlier views.
  const dw = wasm.typedArrayFromHeap(out);
  const xs = wasm.typedArrayFromHeap(x);
  const dys = wasm.typedArrayFromHeap(dy);
  dw.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight, filterWidth, strideHeight, strideWidth } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * co;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((n * inHeight + ih) * inWidth + iw) * ci;
            const wBase = (kh * filterWidth + kw) * ci * co;
            for (let i = 0; i < ci; i++) {
              const xv = xs[xBase + i];
              if (xv === 0) continue;
              const row = wBase + i * co;
              for (let o = 0; o < co; o++) dw[row + o] += xv * dys[dyBase + o];
            }
          }
        }
      }
    }
  }
  return out;
}

/** dW[kh,kw,ch,0] = Σ_{n,oh,ow} x[n, oh·s+kh−top, ow·s+kw−left, ch] · dy[n,oh,ow,ch]. */
function depthwiseBackpropFilter({ inputs, backend, attrs = {} }: KernelArgs): tf.TensorInfo {
  const wasm = backend as WasmHeapBackend;
  const { x, dy } = inputs;
  const filterShape = attrs.filterShape as number[];
  const c = convInfo(x.shape, filterShape, attrs, true);
  const out = wasm.makeOutput(filterShape, 'float32');
  const dw = wasm.typedArrayFromHeap(out);
  const xs = wasm.typedArrayFromHeap(x);
  const dys = wasm.typedArrayFromHeap(dy);
  dw.fill(0);
  const ch = c.inChannels;
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  // Valid kh/kw ranges per output row/column, so the hot loop has no bounds checks. The two
  // depthwise kernels repeat this traversal on purpose: one shared traversal taking the inner
  // loop as a callback measured 19% slower (dw7 gradients 116 → 138 ms, .scratch/convgrad.ts).
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const ih0 = oh * strideHeight - top;
      const khStart = Math.max(0, -ih0);
      const khEnd = Math.min(filterHeight, inHeight - ih0);
      for (let ow = 0; ow < outWidth; ow++) {
        const iw0 = ow * strideWidth - left;
        const kwStart = Math.max(0, -iw0);
        const kwEnd = Math.min(filterWidth, inWidth - iw0);
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * ch;
        for (let kh = khStart; kh < khEnd; kh++) {
          const rowBase = (n * inHeight + ih0 + kh) * inWidth + iw0;
          for (let kw = kwStart; kw < kwEnd; kw++) {
            const xBase = (rowBase + kw) * ch;
            const wBase = (kh * filterWidth + kw) * ch;
            for (let k = 0; k < ch; k++) dw[wBase + k] += xs[xBase + k] * dys[dyBase + k];
          }
        }
      }
    }
  }
  return out;
}

/** dx[n,ih,iw,ch] = Σ over (oh,ow,kh,kw) with ih = oh·s+kh−top, iw = ow·s+kw−left of dy[n,oh,ow,ch] · W[kh,kw,ch,0]. */
function depthwiseBackpropInput({ inputs, backend, attrs = {} }: KernelArgs): tf.TensorInfo {
  const wasm = backend as WasmHeapBackend;
  const { dy, filter } = inputs;
  const inputShape = attrs.inputShape as number[];
  const c = convInfo(inputShape, filter.shape, attrs, true);
  const out = wasm.makeOutput(inputShape, 'float32');
  const dx = wasm.typedArrayFromHeap(out);
  const ws = wasm.typedArrayFromHeap(filter);
  const dys = wasm.typedArrayFromHeap(dy);
  dx.fill(0);
  const ch = c.inChannels;
  const { batchSize, inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  // Same traversal as depthwiseBackpropFilter (inlined for speed, see there).
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const ih0 = oh * strideHeight - top;
      const khStart = Math.max(0, -ih0);
      const khEnd = Math.min(filterHeight, inHeight - ih0);
      for (let ow = 0; ow < outWidth; ow++) {
        const iw0 = ow * strideWidth - left;
        const kwStart = Math.max(0, -iw0);
        const kwEnd = Math.min(filterWidth, inWidth - iw0);
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * ch;
        for (let kh = khStart; kh < khEnd; kh++) {
          const rowBase = (n * inHeight + ih0 + kh) * inWidth + iw0;
          for (let kw = kwStart; kw < kwEnd; kw++) {
            const xBase = (rowBase + kw) * ch;
            const wBase = (kh * filterWidth + kw) * ch;
            for (let k = 0; k < ch; k++) dx[xBase + k] += dys[dyBase + k] * ws[wBase + k];
          }
        }
      }
    }
  }
  return out;
}

