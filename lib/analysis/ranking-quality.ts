// How well one score ranks a set of architectures against their true accuracy: Kendall's τ-b,
// Spearman's ρ and top-k precision, each with a percentile-bootstrap 95% interval over the
// architectures. Numbers in, numbers out; which scores and which truth is the caller's choice.
import { Rng } from '../random';
import { kendallTau, spearman } from './correlation';

/** A statistic on all architectures with its bootstrap 95% interval (null where undefined). */
export interface Estimate {
  readonly value: number | null;
  readonly low: number | null;
  readonly high: number | null;
}

/** Precision of the score's top k against the truth's top k. */
export interface TopKPrecision extends Estimate {
  /** The fraction of the set it was asked for (k = max(1, round(fraction · n))). */
  readonly fraction: number;
  readonly k: number;
}

/** Rank agreement of a score with the truth over one set of architectures. */
export interface RankingQuality {
  readonly architectures: number;
  readonly kendall: Estimate;
  readonly spearman: Estimate;
  readonly topK: readonly TopKPrecision[];
  /** Bootstrap resamples drawn (a resample where either side is constant is dropped from τ and ρ). */
  readonly resamples: number;
}

/** Options of `rankingQuality`. */
export interface RankingQualityOptions {
  /** Top-k fractions of the set (default 0.05 and 0.1). */
  readonly topFractions?: readonly number[];
  /** Bootstrap resamples (default 1000). */
  readonly resamples?: number;
  /** Seed of the resampling (default 0): `Rng(seed).fork('ranking-bootstrap')`. */
  readonly seed?: number;
}

/**
 * τ-b, ρ and top-k precision of `score` against `truth` (index-aligned), with 95% percentile
 * intervals from resampling architectures with replacement. Top-k precision is |top_k(score) ∩
 * top_k(truth)| / k, ties broken by index (so it is defined whatever the ties).
 * @throws RangeError for different lengths, fewer than 3 architectures, a non-finite value, a
 *   top fraction outside (0, 1], or resamples < 100.
 */
export function rankingQuality(score: readonly number[], truth: readonly number[], options: RankingQualityOptions = {}): RankingQuality {
  if (score.length !== truth.length) throw new RangeError(`score and truth differ in length: ${score.length} vs ${truth.length}`);
  const n = score.length;
  if (n < 3) throw new RangeError(`ranking quality needs at least 3 architectures: got ${n}`);
  [...score, ...truth].forEach((v) => {
    if (!Number.isFinite(v)) throw new RangeError(`ranking quality: value is not finite: ${v}`);
  });
  const fractions = options.topFractions ?? [0.05, 0.1];
  fractions.forEach((f) => {
    if (!(f > 0 && f <= 1)) throw new RangeError(`top-k fraction must be in (0, 1]: got ${f}`);
  });
  const resamples = options.resamples ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 100) throw new RangeError(`bootstrap resamples must be an integer ≥ 100: got ${resamples}`);
  const ks = fractions.map((f) => Math.max(1, Math.round(f * n)));
  const statistics = (s: readonly number[], t: readonly number[]): (number | null)[] => {
    const defined = !isConstant(s) && !isConstant(t);
    return [defined ? kendallTau(s, t) : null, defined ? spearman(s, t) : null, ...ks.map((k) => topKPrecision(s, t, k))];
  };
  const full = statistics(score, truth);
  const rng = new Rng(options.seed ?? 0).fork('ranking-bootstrap');
  const draws: number[][] = full.map(() => []);
  for (let r = 0; r < resamples; r++) {
    const idx = Array.from({ length: n }, () => rng.int(n));
    statistics(idx.map((i) => score[i]), idx.map((i) => truth[i])).forEach((v, j) => {
      if (v !== null) draws[j].push(v);
    });
  }
  const estimate = (j: number): Estimate => {
    const sorted = draws[j].sort((a, b) => a - b);
    const usable = sorted.length >= resamples / 2;
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { value: full[j], low: usable ? at(0.025) : null, high: usable ? at(0.975) : null };
  };
  return {
    architectures: n,
    kendall: estimate(0),
    spearman: estimate(1),
    topK: fractions.map((fraction, i) => ({ ...estimate(2 + i), fraction, k: ks[i] })),
    resamples,
  };
}

/** The mean τ difference of paired scores, with each pair's own difference. */
export interface PairedTauDifference extends Estimate {
  /** τ(b_i, truth) − τ(a_i, truth) for each pair i (null where a side is constant). */
  readonly perPair: readonly (number | null)[];
}

/**
 * Does score set b rank better than a? For pairs (a_i, b_i) of scores of the same architectures
 * (e.g. a uniform and a Γ supernet trained with seed i), the mean over pairs of τ(b_i) − τ(a_i)
 * against `truth`, with a 95% percentile interval from resampling architectures (the same indices
 * for every score). The interval covers which architectures were measured, not which seeds were
 * run: `perPair` shows the spread over seeds. Seeds: `Rng(seed).fork('paired-tau')`.
 * @throws RangeError for no pairs, lengths that differ from truth's, fewer than 3 architectures.
 */
export function pairedTauDifference(a: readonly (readonly number[])[], b: readonly (readonly number[])[], truth: readonly number[], options: { resamples?: number; seed?: number } = {}): PairedTauDifference {
  if (a.length === 0 || a.length !== b.length) throw new RangeError(`paired τ difference needs the same number (≥ 1) of scores on each side: got ${a.length} and ${b.length}`);
  [...a, ...b].forEach((s) => {
    if (s.length !== truth.length) throw new RangeError(`a score has ${s.length} values, truth has ${truth.length}`);
  });
  if (truth.length < 3) throw new RangeError(`paired τ difference needs at least 3 architectures: got ${truth.length}`);
  const tau = (x: readonly number[], y: readonly number[]) => (isConstant(x) || isConstant(y) ? null : kendallTau(x, y));
  const differences = (idx: readonly number[] | null): (number | null)[] => {
    const pick = (v: readonly number[]) => (idx === null ? v : idx.map((i) => v[i]));
    const y = pick(truth);
    return a.map((ai, i) => {
      const ta = tau(pick(ai), y);
      const tb = tau(pick(b[i]), y);
      return ta === null || tb === null ? null : tb - ta;
    });
  };
  const mean = (d: readonly (number | null)[]) => (d.some((v) => v === null) ? null : (d as number[]).reduce((x, y) => x + y, 0) / d.length);
  const perPair = differences(null);
  const resamples = options.resamples ?? 1000;
  const rng = new Rng(options.seed ?? 0).fork('paired-tau');
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const m = mean(differences(Array.from({ length: truth.length }, () => rng.int(truth.length))));
    if (m !== null) draws.push(m);
  }
  draws.sort((x, y) => x - y);
  const usable = draws.length >= resamples / 2;
  const at = (q: number) => draws[Math.min(draws.length - 1, Math.floor(q * draws.length))];
  return { value: mean(perPair), low: usable ? at(0.025) : null, high: usable ? at(0.975) : null, perPair };
}

/** |top_k(score) ∩ top_k(truth)| / k, the top by descending value, ties by lower index. */
export function topKPrecision(score: readonly number[], truth: readonly number[], k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > score.length) throw new RangeError(`top-k needs an integer k in 1..${score.length}: got ${k}`);
  const top = (values: readonly number[]) => values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map(([, i]) => i);
  const truthTop = new Set(top(truth));
  return top(score).filter((i) => truthTop.has(i)).length / k;
}

/**
 * A flat table row of a ranking quality: `kendall`, `kendallLow`, `kendallHigh`, the same for
 * `spearman`, and `top<p>pct` (+ Low/High) per top-k fraction (e.g. `top10pct` for 0.1).
 */
export function rankingQualityRow(q: RankingQuality): Record<string, number | null> {
  const row: Record<string, number | null> = { architectures: q.architectures };
  const put = (name: string, e: Estimate) => {
    row[name] = e.value;
    row[`${name}Low`] = e.low;
    row[`${name}High`] = e.high;
  };
  put('kendall', q.kendall);
  put('spearman', q.spearman);
  for (const t of q.topK) put(`top${+(100 * t.fraction).toFixed(2)}pct`, t);
  return row;
}

/** "0.412 [0.35, 0.47]": a value with its interval, for tables. */
export function formatEstimate(e: Estimate, digits = 3): string {
  if (e.value === null) return 'undefined';
  const interval = e.low === null || e.high === null ? '' : ` [${e.low.toFixed(2)}, ${e.high.toFixed(2)}]`;
  return `${e.value.toFixed(digits)}${interval}`;
}

function isConstant(values: readonly number[]): boolean {
  return values.every((v) => v === values[0]);
}
