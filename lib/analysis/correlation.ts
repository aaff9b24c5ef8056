// Rank correlations: Spearman's ρ (ties get their average rank) and Kendall's τ-b, plus one per
// latent factor. Plain number arrays in, a number out; no significance tests, no plotting.

/**
 * Ranks 1..n of the values, tied values sharing the average of their ranks (the "fractional"
 * ranking of scipy.stats.rankdata's default).
 */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/**
 * Spearman's rank correlation: Pearson's r of the average ranks (so ties are handled as
 * scipy.stats.spearmanr does). E.g. x = [1, 2, 3, 4, 5], y = [5, 6, 7, 8, 7] gives 8/√95 ≈ 0.8208.
 * @throws RangeError when the arrays differ in length, have fewer than 2 values, hold a
 *   non-finite value, or one is constant (ρ undefined).
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  checkPair(x, y);
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Kendall's τ-b: (C − D) / √((n₀ − n₁)(n₀ − n₂)) with C concordant and D discordant pairs,
 * n₀ = n(n−1)/2, n₁ / n₂ the pairs tied in x / in y (scipy.stats.kendalltau's default).
 * O(n²) pair loop: fine for the few thousand held-out cells of a notebook.
 * E.g. x = [12, 2, 1, 12, 2], y = [1, 4, 7, 1, 0] gives −4/√72 ≈ −0.4714.
 * @throws RangeError as `spearman`.
 */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  checkPair(x, y);
  const n = x.length;
  let s = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0) tiedX++;
      if (dy === 0) tiedY++;
      s += dx * dy;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  return s / Math.sqrt((pairs - tiedX) * (pairs - tiedY));
}

/**
 * The rank correlation of each latent factor with a target (DNAS Fig 4: which factors have an
 * evident relation with accuracy).
 * @param z [cells, latentDim] latent codes (usually μ). @param y [cells] target, e.g. accuracy.
 * @param method 'spearman' (default) or 'kendall'.
 * @returns [latentDim] correlations.
 * @throws RangeError for ragged or mismatched inputs, and as `spearman` for any factor.
 */
export function factorCorrelations(z: readonly (readonly number[])[], y: readonly number[], method: 'spearman' | 'kendall' = 'spearman'): number[] {
  if (z.length !== y.length) throw new RangeError(`z has ${z.length} rows but y has ${y.length} values`);
  if (z.length === 0) throw new RangeError('factorCorrelations needs at least 2 cells: got 0');
  const dims = z[0].length;
  z.forEach((row, i) => {
    if (row.length !== dims) throw new RangeError(`latent code ${i} has ${row.length} dimensions (expected ${dims})`);
  });
  const corr = method === 'spearman' ? spearman : kendallTau;
  return Array.from({ length: dims }, (_, d) => corr(z.map((row) => row[d]), y));
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

function checkPair(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`x and y must have the same length: got ${x.length} and ${y.length}`);
  if (x.length < 2) throw new RangeError(`a correlation needs at least 2 pairs: got ${x.length}`);
  for (const [name, v] of [['x', x], ['y', y]] as const) {
    v.forEach((value, i) => {
      if (!Number.isFinite(value)) throw new RangeError(`${name}[${i}] is not finite: ${value}`);
    });
    if (v.every((value) => value === v[0])) throw new RangeError(`${name} is constant (${v[0]}): its rank correlation is undefined`);
  }
}
