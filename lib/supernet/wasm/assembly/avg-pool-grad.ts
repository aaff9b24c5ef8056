// The gradient of average pooling that averages only real pixels (TensorFlow's 'same', NAS-Bench-201's
// count_include_pad = False), in WebAssembly SIMD (AssemblyScript) on the TF.js wasm backend's heap:
// arguments are byte addresses of tensors there. It must allocate nothing and hold no data of its own.

/**
 * dx for dy of a pool with filter fh×fw, strides sh×sw and padding top/left: each output pixel's
 * gradient, divided by the number of real input pixels its window covered, is added to each of them.
 * dy is [n, outH, outW, c], dx is [n, inH, inW, c] (zeroed here), all float32.
 */
export function avgPoolGrad(dy: usize, dx: usize, n: i32, inH: i32, inW: i32, c: i32, outH: i32, outW: i32, fh: i32, fw: i32, sh: i32, sw: i32, top: i32, left: i32): void {
  const rowBytes = (<usize>c) << 2;
  memory.fill(dx, 0, (<usize>n) * (<usize>inH) * (<usize>inW) * rowBytes);
  const groups = c & ~3;
  let pdy = dy;
  for (let b = 0; b < n; b++) {
    const image = dx + (<usize>b) * (<usize>inH) * (<usize>inW) * rowBytes;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * sh - top;
      const hs = max(h0, 0);
      const he = min(h0 + fh, inH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * sw - left;
        const ws = max(w0, 0);
        const we = min(w0 + fw, inW);
        const share: f32 = 1 / <f32>((he - hs) * (we - ws));
        const shareV = f32x4.splat(share);
        for (let h = hs; h < he; h++) {
          for (let w = ws; w < we; w++) {
            const pdx = image + ((<usize>h) * (<usize>inW) + (<usize>w)) * rowBytes;
            let k = 0;
            for (; k < groups; k += 4) {
              const o = (<usize>k) << 2;
              v128.store(pdx + o, f32x4.add(v128.load(pdx + o), f32x4.mul(v128.load(pdy + o), shareV)));
            }
            for (; k < c; k++) {
              const o = (<usize>k) << 2;
              store<f32>(pdx + o, load<f32>(pdx + o) + load<f32>(pdy + o) * share);
            }
          }
        }
        pdy += rowBytes;
      }
    }
  }
}
