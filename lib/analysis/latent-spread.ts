// Each latent factor's spread over a set of cells: the std of the aggregate posterior
// q(z_i) = mean over cells of N(μ_i, σ_i²), the unit traversals are measured in ("±2σ").

/**
 * √(Var_cells(μ_i) + mean_cells(σ_i²)) per factor: the standard deviation of the aggregate
 * posterior (law of total variance); about 1 for a factor that matches the N(0, 1) prior, near
 * the posterior's own σ for a collapsed one. Without log σ² (a deterministic encoder) it is the
 * std of μ_i alone.
 * @param mu [cells, latentDim]. @param logVar [cells, latentDim] or null.
 * @throws RangeError for fewer than 2 cells, ragged rows or non-finite values.
 */
export function latentSpread(mu: readonly (readonly number[])[], logVar: readonly (readonly number[])[] | null): number[] {
  if (mu.length < 2) throw new RangeError(`latentSpread needs at least 2 cells: got ${mu.length}`);
  const dims = mu[0].length;
  if (logVar !== null && logVar.length !== mu.length) throw new RangeError(`logVar has ${logVar.length} rows but mu has ${mu.length}`);
  return Array.from({ length: dims }, (_, d) => {
    let sum = 0;
    let squares = 0;
    let variance = 0;
    mu.forEach((row, i) => {
      const v = row[d];
      const lv = logVar === null ? null : logVar[i][d];
      if (row.length !== dims || !Number.isFinite(v) || (lv !== null && !Number.isFinite(lv))) throw new RangeError(`cell ${i}, factor ${d}: need ${dims} finite values`);
      sum += v;
      squares += v * v;
      variance += lv === null ? 0 : Math.exp(lv);
    });
    const n = mu.length;
    const mean = sum / n;
    return Math.sqrt(Math.max(0, squares / n - mean * mean) + variance / n);
  });
}
