// The Mann–Whitney U test (two-sided, normal approximation with tie correction), used to say
// whether two search configurations differ (DNAS Table 3 reports means ± std without a test).

/** U statistic, z score and two-sided p-value of a Mann–Whitney U test. */
export interface MannWhitneyResult {
  readonly u: number;
  readonly z: number;
  readonly p: number;
}

/**
 * Two-sided Mann–Whitney U test of "a and b come from the same distribution", with the normal
 * approximation (tie-corrected variance, continuity correction 0.5). Adequate for n ≥ 8 per
 * group (the ablation uses 20 runs each); exact tables are not used.
 * @throws RangeError when a group has fewer than 2 values or a value is not finite.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  for (const [name, group] of [['a', a], ['b', b]] as const) {
    if (group.length < 2) throw new RangeError(`group ${name} needs at least 2 values: got ${group.length}`);
    group.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new RangeError(`group ${name} value ${i} is not finite: ${v}`);
    });
  }
  const n1 = a.length;
  const n2 = b.length;
  const pooled = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(pooled.length);
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i;
    while (j + 1 < pooled.length && pooled[j + 1].v === pooled[i].v) j++;
    const t = j - i + 1;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  const rankSumA = pooled.reduce((sum, item, k) => sum + (item.g === 0 ? ranks[k] : 0), 0);
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const diff = u - (n1 * n2) / 2;
  const z = variance === 0 ? 0 : (diff - Math.sign(diff) * 0.5) / Math.sqrt(variance);
  return { u, z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
