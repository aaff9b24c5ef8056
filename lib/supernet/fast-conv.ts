// A k×k convolution whose two gradients are themselves forward convolutions, so training runs on
// the wasm backend's XNNPACK convolution instead of loop kernels: dL/dx is the convolution of
// (stride-dilated) dL/dy with the flipped, transposed filter; dL/dW is the convolution of the
// input, batch moved to channels, with dL/dy as the filter (dilated by the stride).
import * as tf from '@tensorflow/tfjs';
import type { WasmHeap } from './heap-module';
import type { KernelArgs } from './wasm-conv-gradients';

/**
 * conv2d(x, w) with stride `stride` and symmetric zero padding `pad` (PyTorch's convention), NHWC,
 * dilation 1. Values equal tf.conv2d's; gradients equal the reference's to float32 rounding (their
 * sums run in another order). @param x [N, H, W, cin]; @param w [k, k, cin, cout].
 * @throws RangeError for a non-square filter, stride < 1 or pad outside 0..k−1.
 */
export function conv2dFast(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  const [k, k2] = w.shape;
  if (k !== k2) throw new RangeError(`conv2dFast needs a square filter: got ${k}×${k2}`);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`conv2dFast stride must be an integer ≥ 1: got ${stride}`);
  if (!Number.isInteger(pad) || pad < 0 || pad >= k) throw new RangeError(`conv2dFast pad must be an integer in 0..${k - 1}: got ${pad}`);
  const op = tf.customGrad(((xt: tf.Tensor4D, wt: tf.Tensor4D, save: (tensors: tf.Tensor[]) => void) => {
    save([xt, wt]);
    return {
      value: tf.conv2d(xt, wt, stride, pad),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [inputGradient(dy, ws, xs.shape, stride, pad), filterGradient(xs, dy, k, stride, pad)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, w) as tf.Tensor4D;
}

/** dL/dx[ih] = Σ_kh dyd[ih + pad − kh]·w[kh], where dyd holds dy[oh] at s·oh and zeros between. */
function inputGradient(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: number[], stride: number, pad: number): tf.Tensor4D {
  const k = w.shape[0];
  const [n, outH, outW, cout] = dy.shape;
  const [, inH, inW] = xShape;
  let dilated: tf.Tensor4D = dy;
  if (stride > 1) {
    const spread = tf.reshape(dy, [n, outH, 1, outW, 1, cout]);
    dilated = tf.reshape(tf.pad(spread, [[0, 0], [0, 0], [0, stride - 1], [0, 0], [0, stride - 1], [0, 0]]), [n, outH * stride, outW * stride, cout]);
  }
  const before = k - 1 - pad;
  const fit = (length: number, target: number): [number, number] => [before, target - length - before + k - 1];
  const [top, bottom] = fit(dilated.shape[1], inH);
  const [left, right] = fit(dilated.shape[2], inW);
  if (bottom < 0 || right < 0) dilated = tf.slice(dilated, [0, 0, 0, 0], [n, dilated.shape[1] + Math.min(0, bottom), dilated.shape[2] + Math.min(0, right), cout]);
  const padded = tf.pad(dilated, [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]]);
  return tf.conv2d(padded, flippedFilter(w), 1, 'valid');
}

/**
 * dL/dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, s·oh + kh − pad, s·ow + kw − pad, ci]·dy[n, oh, ow, co]:
 * a 'valid' convolution of the padded x as [cin, H, W, N] with dy as a [outH, outW, N, cout]
 * filter dilated by s. (The padding is explicit: TF.js sizes a numerically padded convolution by
 * the filter's height alone, wrong for the non-square filter dy is on non-square images.)
 */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, stride: number, pad: number): tf.Tensor4D {
  const cin = x.shape[3];
  const cout = dy.shape[3];
  const images = tf.pad(tf.transpose(x, [3, 1, 2, 0]), [[0, 0], [pad, pad], [pad, pad], [0, 0]]) as tf.Tensor4D;
  const full = tf.conv2d(images, tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D, 1, 'valid', 'NHWC', stride);
  const cropped = full.shape[1] === k && full.shape[2] === k ? full : tf.slice(full, [0, 0, 0, 0], [cin, k, k, cout]);
  return tf.transpose(cropped, [1, 2, 0, 3]);
}

/** Kernel name of the filter flip on wasm (prefixed: it is this workbook's, not TF.js's). */
export const FLIPPED_FILTER = 'DnasFlippedFilter';

let registered = false;

/**
 * The input gradient's filter: w′[kh, kw, co, ci] = w[k−1−kh, k−1−kw, ci, co] (rotated 180°, in and
 * out channels swapped). On wasm one pass over the heap instead of TF.js's reverse then transpose;
 * the same values either way. @param w [k, k, cin, cout]. @returns [k, k, cout, cin].
 */
export function flippedFilter(w: tf.Tensor4D): tf.Tensor4D {
  if (tf.getBackend() !== 'wasm') return tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: FLIPPED_FILTER, backendName: 'wasm', kernelFunc: wasmFlippedFilter as unknown as tf.KernelFunc });
  }
  return tf.engine().runKernel(FLIPPED_FILTER, { w }) as tf.Tensor4D;
}

function wasmFlippedFilter({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const heap = backend as WasmHeap & { typedArrayFromHeap(info: tf.TensorInfo): Float32Array };
  const [kh, kw, ci, co] = inputs.w.shape;
  const out = heap.makeOutput([kh, kw, co, ci], 'float32');
  // Views after makeOutput: allocating may grow the heap and detach earlier views.
  const src = heap.typedArrayFromHeap(inputs.w);
  const dst = heap.typedArrayFromHeap(out);
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      const from = ((kh - 1 - h) * kw + (kw - 1 - w)) * ci * co;
      const to = (h * kw + w) * co * ci;
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) dst[to + o * ci + i] = src[from + i * co + o];
    }
  }
  return out;
}
