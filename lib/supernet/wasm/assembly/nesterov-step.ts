// One SGD step with Nesterov momentum and L2 weight decay over a weight tensor, in WebAssembly SIMD
// (AssemblyScript) on the TF.js wasm backend's heap: arguments are byte addresses of tensors there.
// It must allocate nothing and hold no data of its own. It rounds exactly as TF.js's op-by-op update
// (mul, add, sub in float32, in the same order, no fused multiply-add), so both give the same bits.

/**
 * g′ = g + v·wd, m′ = m·μ + g′, v′ = v − (g′ + m′·μ)·lr over n floats; writes v′ to `vOut` and m′ to
 * `mOut`. A weight without decay passes wd = 0 and `decay` false (g′ = g, no product added).
 */
export function nesterovStep(v: usize, g: usize, m: usize, vOut: usize, mOut: usize, n: i32, lr: f32, mu: f32, wd: f32, decay: bool): void {
  const lrV = f32x4.splat(lr);
  const muV = f32x4.splat(mu);
  const wdV = f32x4.splat(wd);
  const groups = n & ~3;
  let i = 0;
  for (; i < groups; i += 4) {
    const o = (<usize>i) << 2;
    const vi = v128.load(v + o);
    let gi = v128.load(g + o);
    if (decay) gi = f32x4.add(gi, f32x4.mul(vi, wdV));
    const next = f32x4.add(f32x4.mul(v128.load(m + o), muV), gi);
    v128.store(mOut + o, next);
    v128.store(vOut + o, f32x4.sub(vi, f32x4.mul(f32x4.add(gi, f32x4.mul(next, muV)), lrV)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const vi = load<f32>(v + o);
    let gi = load<f32>(g + o);
    if (decay) gi = gi + vi * wd;
    const next = load<f32>(m + o) * mu + gi;
    store<f32>(mOut + o, next);
    store<f32>(vOut + o, vi - (gi + next * mu) * lr);
  }
}
