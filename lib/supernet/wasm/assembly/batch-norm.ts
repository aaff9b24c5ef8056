// Train-mode batch norm over NHWC rows in WebAssembly SIMD (AssemblyScript), run on the TF.js wasm
// backend's own heap: every argument is a byte address of a tensor there. It must allocate
// nothing and hold no data of its own, because the heap it works on belongs to TF.js.

/** Rows summed in float32 before a float64 total takes them: short blocks keep the sums exact enough. */
const BLOCK: i32 = 64;

/**
 * Per lane, the mean over `m` rows of x (as shift + mean(x − shift)), or of (x − shift)² when
 * `square`, for the four channels at `k` of rows `c` channels wide; float32 blocks, float64 totals.
 * Summing x − shift with shift near the mean keeps float32 block sums exact enough even when the
 * mean is far larger than the spread.
 */
@inline
function groupMean(x: usize, m: i32, c: i32, k: i32, shift: v128, square: bool): v128 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  const stride = (<usize>c) << 2;
  let p = x + ((<usize>k) << 2);
  for (let start = 0; start < m; start += BLOCK) {
    const end = min(start + BLOCK, m);
    let acc = f32x4.splat(0);
    for (let i = start; i < end; i++) {
      let d = f32x4.sub(v128.load(p), shift);
      if (square) d = f32x4.mul(d, d);
      acc = f32x4.add(acc, d);
      p += stride;
    }
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(acc));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(acc, acc, 2, 3, 0, 1)));
  }
  const rows = f64x2.splat(<f64>m);
  lo = f64x2.div(lo, rows);
  hi = f64x2.div(hi, rows);
  if (!square) {
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(shift));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(shift, shift, 2, 3, 0, 1)));
  }
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** The same mean for the single channel `k` (the channels after the last full group of four). */
@inline
function channelMean(x: usize, m: i32, c: i32, k: i32, shift: f32, square: bool): f32 {
  let total: f64 = 0;
  const stride = (<usize>c) << 2;
  let p = x + ((<usize>k) << 2);
  for (let i = 0; i < m; i++) {
    let d = <f64>(load<f32>(p) - shift);
    total += square ? d * d : d;
    p += stride;
  }
  return <f32>(total / <f64>m);
}

/**
 * y = γ·(x − μ)/√(σ² + ε) + β with the batch's statistics; writes μ and the biased σ² per channel.
 * x and y are [m, c] float32; gamma, beta, mean, variance are [c].
 */
export function batchNormTrain(x: usize, gamma: usize, beta: usize, y: usize, mean: usize, variance: usize, m: i32, c: i32, epsilon: f32): void {
  const stride = (<usize>c) << 2;
  const eps = f32x4.splat(epsilon);
  let k = 0;
  for (; k + 4 <= c; k += 4) {
    const offset = (<usize>k) << 2;
    // Row 0 as the shift: its values lie within the spread of the mean.
    const mu = groupMean(x, m, c, k, v128.load(x + offset), false);
    const v = groupMean(x, m, c, k, mu, true);
    v128.store(mean + offset, mu);
    v128.store(variance + offset, v);
    const scale = f32x4.div(v128.load(gamma + offset), f32x4.sqrt(f32x4.add(v, eps)));
    const shift = f32x4.sub(v128.load(beta + offset), f32x4.mul(mu, scale));
    let px = x + offset;
    let py = y + offset;
    for (let i = 0; i < m; i++) {
      v128.store(py, f32x4.add(f32x4.mul(v128.load(px), scale), shift));
      px += stride;
      py += stride;
    }
  }
  for (; k < c; k++) {
    const offset = (<usize>k) << 2;
    const mu = channelMean(x, m, c, k, 0, false);
    const v = channelMean(x, m, c, k, mu, true);
    store<f32>(mean + offset, mu);
    store<f32>(variance + offset, v);
    const scale = load<f32>(gamma + offset) / sqrt<f32>(v + epsilon);
    const shift = load<f32>(beta + offset) - mu * scale;
    let px = x + offset;
    let py = y + offset;
    for (let i = 0; i < m; i++) {
      store<f32>(py, load<f32>(px) * scale + shift);
      px += stride;
      py += stride;
    }
  }
}

/**
 * The three gradients of `batchNormTrain` from dy and the saved statistics, x̂ = (x − μ)/σ:
 * dx = (γ/σ)·(dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy (σ = √(σ² + ε)).
 */
export function batchNormTrainGrad(dy: usize, x: usize, gamma: usize, mean: usize, variance: usize, dx: usize, dGamma: usize, dBeta: usize, m: i32, c: i32, epsilon: f32): void {
  const stride = (<usize>c) << 2;
  const rows = f32x4.splat(<f32>m);
  let k = 0;
  for (; k + 4 <= c; k += 4) {
    const offset = (<usize>k) << 2;
    const mu = v128.load(mean + offset);
    const invStd = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(v128.load(variance + offset), f32x4.splat(epsilon))));
    let dyLo = f64x2.splat(0);
    let dyHi = f64x2.splat(0);
    let dxcLo = f64x2.splat(0);
    let dxcHi = f64x2.splat(0);
    let pdy = dy + offset;
    let px = x + offset;
    for (let start = 0; start < m; start += BLOCK) {
      const end = min(start + BLOCK, m);
      let sumDy = f32x4.splat(0);
      let sumDyXc = f32x4.splat(0);
      for (let i = start; i < end; i++) {
        const d = v128.load(pdy);
        sumDy = f32x4.add(sumDy, d);
        sumDyXc = f32x4.add(sumDyXc, f32x4.mul(d, f32x4.sub(v128.load(px), mu)));
        pdy += stride;
        px += stride;
      }
      dyLo = f64x2.add(dyLo, f64x2.promote_low_f32x4(sumDy));
      dyHi = f64x2.add(dyHi, f64x2.promote_low_f32x4(v128.shuffle<f32>(sumDy, sumDy, 2, 3, 0, 1)));
      dxcLo = f64x2.add(dxcLo, f64x2.promote_low_f32x4(sumDyXc));
      dxcHi = f64x2.add(dxcHi, f64x2.promote_low_f32x4(v128.shuffle<f32>(sumDyXc, sumDyXc, 2, 3, 0, 1)));
    }
    const sumDy = v128.shuffle<f32>(f32x4.demote_f64x2_zero(dyLo), f32x4.demote_f64x2_zero(dyHi), 0, 1, 4, 5);
    const sumDyXhat = f32x4.mul(v128.shuffle<f32>(f32x4.demote_f64x2_zero(dxcLo), f32x4.demote_f64x2_zero(dxcHi), 0, 1, 4, 5), invStd);
    v128.store(dGamma + offset, sumDyXhat);
    v128.store(dBeta + offset, sumDy);
    // dx = a·dy − t·(x − μ) + d0 per channel.
    const a = f32x4.mul(v128.load(gamma + offset), invStd);
    const t = f32x4.div(f32x4.mul(f32x4.mul(a, invStd), sumDyXhat), rows);
    const d0 = f32x4.div(f32x4.mul(f32x4.neg(a), sumDy), rows);
    pdy = dy + offset;
    px = x + offset;
    let pdx = dx + offset;
    for (let i = 0; i < m; i++) {
      const xc = f32x4.sub(v128.load(px), mu);
      v128.store(pdx, f32x4.add(f32x4.sub(f32x4.mul(a, v128.load(pdy)), f32x4.mul(t, xc)), d0));
      pdy += stride;
      px += stride;
      pdx += stride;
    }
  }
  for (; k < c; k++) {
    const offset = (<usize>k) << 2;
    const mu = load<f32>(mean + offset);
    const invStd: f32 = 1 / sqrt<f32>(load<f32>(variance + offset) + epsilon);
    let sumDy: f64 = 0;
    let sumDyXc: f64 = 0;
    let pdy = dy + offset;
    let px = x + offset;
    for (let i = 0; i < m; i++) {
      const d = load<f32>(pdy);
      sumDy += d;
      sumDyXc += <f64>(d * (load<f32>(px) - mu));
      pdy += stride;
      px += stride;
    }
    const sumDyXhat = <f32>sumDyXc * invStd;
    store<f32>(dGamma + offset, sumDyXhat);
    store<f32>(dBeta + offset, <f32>sumDy);
    const a = load<f32>(gamma + offset) * invStd;
    const t = (a * invStd * sumDyXhat) / <f32>m;
    const d0 = (-a * <f32>sumDy) / <f32>m;
    pdy = dy + offset;
    px = x + offset;
    let pdx = dx + offset;
    for (let i = 0; i < m; i++) {
      store<f32>(pdx, a * load<f32>(pdy) - t * (load<f32>(px) - mu) + d0);
      pdy += stride;
      px += stride;
      pdx += stride;
    }
  }
}
