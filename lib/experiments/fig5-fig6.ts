// DNAS Fig 5 and Fig 6 on the uniform supernet: a labelled set of uniform sub-networks with a DNAS
// controller trained on it (the factor most tied to accuracy, its promising region, decodes from it),
// FLOPs limits that span the space, and DNAS vs SemiNAS searched under each limit. No figures here.
import { createController, type Controller, type ControllerOptions, type EpochLoss } from '../controller/index';
import { kendallTau, spearman } from '../analysis/correlation';
import { summarize } from '../analysis/stats';
import { Rng } from '../random';
import { promisingRegion, sampleFromRegion, type PromisingRegion } from '../samplers/promising-region';
import type { ControllerSearchOptions } from '../search/controller-search';
import type { FlopsLimit, FlopsLimitStats } from '../search/flops-limit';
import type { SearchResult } from '../search/search';
import type { SubnetEvaluator } from '../supernet/oneshot-benchmark';
import type { SearchSpace } from '../spaces/search-space';
import { flopsLimitedAlgorithm, oneShotSearchRuns, type OneShotRuns, type Table2Method } from './flops-bands';
import { SMOKE_CONTROLLER_OPTIONS } from './grid';

/**
 * The notebook's own sizes on top of SUPERNET_SCHEDULES (which fixes the supernet, the evaluation
 * data, the search budget and the seeds). Full scale is sized to finish in ≤ 60 min on 2 cores
 * with an inherited-weight evaluation ≈ 0.5 s; smoke only checks the pipeline.
 */
export const FLOPS_FIGURE_SCHEDULES = {
  smoke: {
    /** Distinct uniform sub-networks labelled with inherited-weight accuracy (Fig 5's dots). */
    labelled: 60,
    /** Adam steps of the Fig 5 controller on them. */
    controllerSteps: 150,
    batchSize: 16,
    controller: { ...SMOKE_CONTROLLER_OPTIONS.controller, learningRate: 0.01 } as ControllerOptions,
    /** Latent codes drawn from the promising region and decoded (what DNAS would sample). */
    regionDraws: 30,
    /** Limits at these quantiles of the uniform FLOPs distribution … */
    limitQuantiles: [0.3, 0.7] as readonly number[],
    /** … and at these multiples of the space's largest FLOPs (never binding). */
    beyondMax: [1.1] as readonly number[],
    /** Controller-search options of both methods besides the preset and the limit. */
    search: SMOKE_CONTROLLER_OPTIONS as Partial<ControllerSearchOptions>,
  },
  full: {
    labelled: 300,
    // SemiNAS trains its controller 1,000 epochs on ≤ 100 cells; here 1,000 steps of 100 ≈ 330 epochs of 300.
    controllerSteps: 1000,
    batchSize: 100,
    // DNAS §ImageNet: LSTM hidden 46, accuracy MLP 46–64–1, FLOPs MLP 46–1 (latent size 46);
    // learning rate 0.01, the controller search's default (measured in lib/search/controller-search.ts).
    controller: { hidden: 46, latentDim: 46, learningRate: 0.01 } as ControllerOptions,
    regionDraws: 100,
    limitQuantiles: [0.3, 0.5, 0.7, 0.9, 0.99] as readonly number[],
    beyondMax: [1.1] as readonly number[],
    search: { controller: { hidden: 46, latentDim: 46 } } as Partial<ControllerSearchOptions>,
  },
} as const;

/** One schedule of FLOPS_FIGURE_SCHEDULES. */
export type FlopsFigureSchedule = (typeof FLOPS_FIGURE_SCHEDULES)[keyof typeof FLOPS_FIGURE_SCHEDULES];

/** DNAS §ImageNet: τ = 20M at limits of 500–600M, about 3.5% of F; used as τ = 0.035·F. */
export const PAPER_TOLERANCE_FRACTION = 20 / 575;

/** Sub-networks (cells `C` of any space) with their inherited-weight accuracy and exact FLOPs, in draw order. */
export interface LabelledSubnets<C = unknown> {
  readonly archs: C[];
  readonly keys: string[];
  readonly tokens: number[][];
  /** Inherited-weight validation accuracy, fraction of 1. */
  readonly accuracy: number[];
  readonly flopsM: number[];
}

/**
 * `count` distinct sub-networks drawn uniformly (DNAS §Dense-Sampling step 1: "randomly generate M
 * architectures"), each labelled by `accuracyOf` (e.g. `a => evaluator.record(a).valAccuracy`).
 * Seeds: `Rng(seed).fork('fig5/labelled')`.
 * @throws RangeError when count is not an integer in 2..space.size.
 */
export function labelledSubnets<C>(space: SearchSpace<C>, accuracyOf: (arch: C) => number, count: number, seed: number): LabelledSubnets<C> {
  const archs = labelledDraw(space, count, seed);
  return { archs, keys: archs.map((a) => space.key(a)), tokens: archs.map((a) => space.encode(a)), accuracy: archs.map(accuracyOf), flopsM: archs.map((a) => space.flopsM(a)) };
}

/**
 * The cells `labelledSubnets` labels, before any evaluation (so they can be evaluated elsewhere,
 * e.g. on the worker pool, and labelled from the results): `count` distinct uniform draws, in draw order.
 * @throws RangeError when count is not an integer in 2..space.size.
 */
export function labelledDraw<C>(space: SearchSpace<C>, count: number, seed: number): C[] {
  if (!Number.isInteger(count) || count < 2 || count > space.size) throw new RangeError(`labelled set size must be an integer in 2..${space.size}: got ${count}`);
  const rng = new Rng(seed).fork('fig5/labelled');
  const drawn = new Map<string, C>();
  while (drawn.size < count) {
    const arch = space.sampleUniform(rng);
    drawn.set(space.key(arch), arch);
  }
  return [...drawn.values()];
}

/** Options of `factorStudy`. */
export interface FactorStudyOptions {
  readonly seed: number;
  /** Adam steps on the labelled set. */
  readonly steps: number;
  readonly batchSize: number;
  /** Controller sizes; disentangle and the FLOPs predictor are always on (DNAS), loss weights α 0.8, λ 0.3, μ 0.2, β 1 unless given. */
  readonly controller?: ControllerOptions;
  /** Top-k labelled sub-networks whose codes span the region (DNAS §Experiments: 3). */
  readonly topK?: number;
  /** Half-width of each interval of Eq 4 (DNAS §Experiments, NAS-Bench-101: 0.05; no ImageNet value is given). */
  readonly sigma?: number;
}

/** A DNAS controller trained on a labelled set, and what its latent factors say about accuracy and FLOPs. */
export interface FactorStudy {
  /** The trained controller; call `dispose()` when done. */
  readonly controller: Controller;
  /** μ of each labelled sub-network, [cells, latentDim]. */
  readonly mu: number[][];
  /** Spearman ρ of each factor with accuracy and with FLOPs (null where μ_s is constant: ρ undefined). */
  readonly spearmanAccuracy: (number | null)[];
  readonly spearmanFlops: (number | null)[];
  /** The factor with the largest |ρ| with accuracy (0-based). */
  readonly factor: number;
  /** Kendall τ-b of that factor with accuracy and with FLOPs. */
  readonly kendallAccuracy: number;
  readonly kendallFlops: number;
  /** Indices of the top-k labelled sub-networks by accuracy, best first. */
  readonly top: number[];
  /** Eq 4's region over every factor (what dense-sampling draws from). */
  readonly region: PromisingRegion;
  readonly history: EpochLoss[];
  readonly trainSeconds: number;
  dispose(): void;
}

/**
 * Train a DNAS controller (β-VAE, accuracy and FLOPs predictors, Eq 5) on the labelled set, encode
 * it, rank factors by |Spearman ρ| with accuracy (DNAS Fig 5 picks factors "by relation"), and span
 * Eq 4's promising region around the top-k codes.
 * @throws RangeError for fewer than 2 labelled sub-networks, a topK outside 1..cells, when every
 *   factor is constant, and what createController / Controller.train throw.
 */
export function factorStudy<C>(space: SearchSpace<C>, labelled: LabelledSubnets<C>, options: FactorStudyOptions): FactorStudy {
  const n = labelled.tokens.length;
  const topK = options.topK ?? 3;
  const sigma = options.sigma ?? 0.05;
  if (n < 2) throw new RangeError(`factorStudy needs at least 2 labelled sub-networks: got ${n}`);
  if (!Number.isInteger(topK) || topK < 1 || topK > n) throw new RangeError(`topK must be an integer in 1..${n}: got ${topK}`);
  const rng = new Rng(options.seed).fork('fig5/controller');
  const controller = createController(space, { ...options.controller, disentangle: true, flopsPredictor: true, seed: rng.fork('weights').intSeed() });
  try {
    const started = Date.now();
    const perEpoch = Math.ceil(n / options.batchSize);
    const history = controller.train({ tokens: labelled.tokens, accuracy: labelled.accuracy, flopsM: labelled.flopsM }, { epochs: Math.ceil(options.steps / perEpoch), maxSteps: options.steps, batchSize: options.batchSize, rng: rng.fork('train') });
    const trainSeconds = (Date.now() - started) / 1000;
    const mu = controller.encode(labelled.tokens).mu;
    const column = (s: number) => mu.map((row) => row[s]);
    const dims = mu[0].length;
    const spearmanAccuracy = Array.from({ length: dims }, (_, s) => rankCorrelation(column(s), labelled.accuracy));
    const spearmanFlops = Array.from({ length: dims }, (_, s) => rankCorrelation(column(s), labelled.flopsM));
    const factor = strongest(spearmanAccuracy);
    const top = labelled.accuracy.map((_, i) => i).sort((a, b) => labelled.accuracy[b] - labelled.accuracy[a] || a - b).slice(0, topK);
    return {
      controller, mu, spearmanAccuracy, spearmanFlops, factor,
      kendallAccuracy: kendallTau(column(factor), labelled.accuracy),
      kendallFlops: kendallTau(column(factor), labelled.flopsM),
      top, region: promisingRegion(top.map((i) => mu[i]), sigma), history, trainSeconds,
      dispose: () => controller.dispose(),
    };
  } catch (err) {
    controller.dispose();
    throw err;
  }
}

/** Spearman ρ, or null when either side is constant (ρ undefined). */
function rankCorrelation(x: readonly number[], y: readonly number[]): number | null {
  if (x.every((v) => v === x[0]) || y.every((v) => v === y[0])) return null;
  return spearman(x, y);
}

/** Index of the largest |ρ| (first on ties). @throws RangeError when every value is null. */
function strongest(rho: readonly (number | null)[]): number {
  let best = -1;
  rho.forEach((r, s) => {
    if (r !== null && (best < 0 || Math.abs(r) > Math.abs(rho[best]!))) best = s;
  });
  if (best < 0) throw new RangeError('every latent factor is constant over the labelled set: no factor relates to accuracy');
  return best;
}

/** What dense-sampling from the promising region yields: distinct decodes and how often each came out. */
export interface RegionDraws<C = unknown> {
  readonly draws: number;
  /** Distinct decoded sub-networks, in first-seen order (decodes that are no valid cell are left out). */
  readonly archs: C[];
  readonly keys: string[];
  /** How many draws decoded to each of `archs`. */
  readonly counts: number[];
}

/**
 * Draw `count` latent codes uniformly from the product of the R_s (Eq 4, what DNAS's dense-sampling
 * draws with probability ε1) and decode them greedily. Seeds: `Rng(seed).fork('fig5/region')`.
 * @throws RangeError when count is not a positive integer.
 */
export function regionDraws<C>(space: SearchSpace<C>, controller: Controller, region: PromisingRegion, count: number, seed: number): RegionDraws<C> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`region draws must be a positive integer: got ${count}`);
  const rng = new Rng(seed).fork('fig5/region');
  const z = Array.from({ length: count }, () => sampleFromRegion(region, rng));
  const index = new Map<string, number>();
  const archs: C[] = [];
  const counts: number[] = [];
  for (const tokens of controller.decode(z)) {
    const arch = space.decode(tokens);
    if (arch === null) continue; // no valid cell (never in the layer-choice and NAS-Bench-201 spaces: every masked sequence is one)
    const key = space.key(arch);
    const at = index.get(key);
    if (at === undefined) {
      index.set(key, archs.length);
      archs.push(arch);
      counts.push(1);
    } else counts[at]++;
  }
  return { draws: count, archs, keys: [...index.keys()], counts };
}

/** One FLOPs limit of Fig 6. */
export interface FlopsLimitPoint {
  readonly label: string;
  /** F, millions of FLOPs (4 significant digits). */
  readonly limitM: number;
  /** The quantile of uniform FLOPs it was cut at, or null for a multiple of the space's maximum. */
  readonly quantile: number | null;
  /** Share of uniformly drawn sub-networks with FLOPs ≤ F. */
  readonly feasibleShare: number;
  /** False when F is at or above the space's largest FLOPs (the limit cannot bind). */
  readonly binds: boolean;
}

/**
 * Fig 6's x axis: limits at the given quantiles of the FLOPs of `samples` uniform sub-networks, then
 * at multiples of the space's exact maximum (DNAS Fig 6 raises the limit to 700M and 800M, above
 * where SemiNAS's finds sit). Sorted by F, one point per F. Seeds: `Rng(seed).fork('fig6/limits')`.
 * @throws RangeError for a quantile outside (0, 1), a multiple < 1, or no limits at all.
 */
export function flopsLimitGrid<C>(space: SearchSpace<C> & { flopsRangeM(): { min: number; max: number } }, seed: number, options: { quantiles: readonly number[]; beyondMax?: readonly number[]; samples?: number }): FlopsLimitPoint[] {
  const beyond = options.beyondMax ?? [];
  if (options.quantiles.length + beyond.length === 0) throw new RangeError('flopsLimitGrid needs at least one quantile or multiple of the maximum');
  options.quantiles.forEach((q) => {
    if (!(q > 0 && q < 1)) throw new RangeError(`limit quantiles must lie in (0, 1): got ${q}`);
  });
  beyond.forEach((m) => {
    if (!(Number.isFinite(m) && m >= 1)) throw new RangeError(`multiples of the maximum FLOPs must be finite and ≥ 1: got ${m}`);
  });
  const rng = new Rng(seed).fork('fig6/limits');
  const flops = Array.from({ length: options.samples ?? 20_000 }, () => space.flopsM(space.sampleUniform(rng))).sort((a, b) => a - b);
  const { max } = space.flopsRangeM();
  const share = (f: number) => flops.filter((x) => x <= f).length / flops.length;
  const points: FlopsLimitPoint[] = [
    ...options.quantiles.map((q) => {
      const limitM = significant(flops[Math.min(flops.length - 1, Math.floor(q * flops.length))]);
      return { label: `q${Math.round(100 * q)}`, limitM, quantile: q, feasibleShare: share(limitM), binds: limitM < max };
    }),
    ...beyond.map((m) => {
      const limitM = significant(m * max);
      return { label: `${m}×max`, limitM, quantile: null, feasibleShare: share(limitM), binds: false };
    }),
  ];
  // Quantiles of a small space can coincide: keep one point per F (the first given).
  return points.filter((p, i) => points.findIndex((o) => o.limitM === p.limitM) === i).sort((a, b) => a.limitM - b.limitM);
}

function significant(x: number): number {
  return Number(x.toPrecision(4));
}

/** One method's seeds under one limit, with what the limit turned away. */
export interface LimitedRuns {
  readonly limit: FlopsLimitPoint;
  readonly toleranceM: number;
  readonly method: string;
  readonly seeds: readonly number[];
  readonly results: SearchResult[];
  /** Per seed: best inherited accuracy and the FLOPs of that sub-network. */
  readonly bestAccuracy: number[];
  readonly bestFlopsM: number[];
  /** Per seed: flopsStats() of the run. */
  readonly stats: (FlopsLimitStats | null)[];
  readonly evaluationsComputed: number;
  readonly seconds: number;
}

/** Options of `limitedSearchRuns`. */
export interface LimitedSearchOptions {
  readonly budget: number;
  readonly seeds: readonly number[];
  /** Methods by name, as `flopsLimitedAlgorithm` builds them (Fig 6 compares 'dnas' and 'semi'). */
  readonly methods: readonly Table2Method[];
  /** Controller-search options of DNAS and SemiNAS besides the preset, the loss weights and the limit (e.g. SMOKE_CONTROLLER_OPTIONS). */
  readonly search?: Partial<ControllerSearchOptions>;
  /** τ as a fraction of F (default PAPER_TOLERANCE_FRACTION). */
  readonly toleranceFraction?: number;
  readonly onRun?: (limit: FlopsLimitPoint, method: string, seed: number, result: SearchResult) => void;
}

/**
 * DNAS Fig 6: every method under every limit (DNAS Eq 6 with τ = toleranceFraction·F), in this
 * thread, seeds run by `oneShotSearchRuns` on the shared evaluator, so a sub-network met by several
 * runs is evaluated once. The algorithms are Table 2's (`flopsLimitedAlgorithm`: DNAS with the
 * ImageNet loss weights, SemiNAS unaware of FLOPs). `fig6Limit` and `limitedRunsOf` give the same
 * runs from search jobs on the worker pool.
 * @throws RangeError for a tolerance fraction that is negative or not finite; what controllerSearch throws.
 */
export async function limitedSearchRuns<A>(evaluator: SubnetEvaluator<A>, limits: readonly FlopsLimitPoint[], options: LimitedSearchOptions): Promise<LimitedRuns[]> {
  const out: LimitedRuns[] = [];
  for (const limit of limits) {
    const flopsLimit = fig6Limit(limit, options.toleranceFraction);
    for (const method of options.methods) {
      const runs = await oneShotSearchRuns(evaluator, method, () => flopsLimitedAlgorithm(method, flopsLimit, options.budget, options.search), {
        budget: options.budget, seeds: options.seeds, onRun: (seed, result) => options.onRun?.(limit, method, seed, result),
      });
      out.push(limitedRunsOf(limit, flopsLimit.toleranceM!, options.seeds, runs, (key) => evaluator.supernet.space.flopsM(evaluator.supernet.architecture(key))));
    }
  }
  return out;
}

/**
 * The search limit of a Fig 6 point: F with τ = fraction·F (4 significant digits; default
 * PAPER_TOLERANCE_FRACTION), no lower end.
 * @throws RangeError for a fraction that is negative or not finite.
 */
export function fig6Limit(limit: FlopsLimitPoint, toleranceFraction: number = PAPER_TOLERANCE_FRACTION): FlopsLimit {
  if (!(Number.isFinite(toleranceFraction) && toleranceFraction >= 0)) throw new RangeError(`tolerance fraction must be a finite number ≥ 0: got ${toleranceFraction}`);
  return { limitM: limit.limitM, toleranceM: significant(toleranceFraction * limit.limitM) };
}

/**
 * One method's seeds under one limit as Fig 6 reads them.
 * @param flopsOf FLOPs of a cell by its space key.
 * @throws Error when a run queried nothing.
 */
export function limitedRunsOf(limit: FlopsLimitPoint, toleranceM: number, seeds: readonly number[], runs: OneShotRuns, flopsOf: (key: string) => number): LimitedRuns {
  const best = runs.results.map((r) => {
    if (r.best === null) throw new Error(`${runs.method} under ${limit.limitM}M queried nothing`);
    return r.best;
  });
  return {
    limit, toleranceM, method: runs.method, seeds, results: runs.results,
    bestAccuracy: best.map((b) => b.searchAccuracy), bestFlopsM: best.map((b) => flopsOf(b.key)),
    stats: runs.flopsStats, evaluationsComputed: runs.evaluationsComputed, seconds: runs.seconds,
  };
}

/** One row of Fig 6's table (a type alias, so it passes as a plain record to showTable). */
export type LimitRow = {
  readonly limitM: number;
  readonly toleranceM: number;
  readonly binds: boolean;
  readonly method: string;
  readonly seeds: number;
  readonly bestMean: number;
  readonly bestStd: number;
  readonly bestFlopsMeanM: number;
  readonly bestFlopsMaxM: number;
  /** Best FLOPs over F (mean over seeds): how much of the limit the best sub-network uses. */
  readonly flopsUse: number;
  /**
   * Mean per seed, from flopsStats(): candidates that would have been queried and were discarded
   * above F + τ — uniform draws ('initial', 'top-up' rejection sampling) and latent-step decodes
   * ('latent') — and, apart, labelled or pseudo-labelled cells DNAS passed over when picking the
   * codes to move ('top-p': never candidates for a query).
   */
  readonly discardedUniform: number;
  readonly discardedLatent: number;
  readonly passedOverTopP: number;
  /** Mean per seed: latent-step decodes tested against F + τ (the denominator of discardedLatent). */
  readonly checkedLatent: number;
  readonly seconds: number;
};

/** Summarise each (limit, method) of `limitedSearchRuns` as a table row (means over seeds). */
export function limitRows(runs: readonly LimitedRuns[]): LimitRow[] {
  return runs.map((r) => {
    const acc = summarize(r.bestAccuracy);
    const flops = summarize(r.bestFlopsM);
    const perSeed = (pick: (s: FlopsLimitStats) => number) => r.stats.reduce((sum, s) => sum + (s === null ? 0 : pick(s)), 0) / r.stats.length;
    return {
      limitM: r.limit.limitM, toleranceM: r.toleranceM, binds: r.limit.binds, method: r.method, seeds: r.seeds.length,
      bestMean: acc.mean, bestStd: acc.std, bestFlopsMeanM: flops.mean, bestFlopsMaxM: flops.max, flopsUse: flops.mean / r.limit.limitM,
      discardedUniform: perSeed((s) => (s.discarded.initial ?? 0) + (s.discarded['top-up'] ?? 0)),
      discardedLatent: perSeed((s) => s.discarded.latent ?? 0),
      passedOverTopP: perSeed((s) => s.discarded['top-p'] ?? 0),
      checkedLatent: perSeed((s) => s.checked.latent ?? 0),
      seconds: r.seconds,
    };
  });
}

/** One method's points across limits (the shape `flopsLimitFigure` draws). */
export interface MethodAcrossLimits {
  readonly method: string;
  readonly limitM: number[];
  /** [limits][seeds] */
  readonly bestAccuracy: number[][];
  readonly bestFlopsM: number[][];
}

/** Group `limitedSearchRuns` by method, limits increasing, for Fig 6. */
export function methodsAcrossLimits(runs: readonly LimitedRuns[]): MethodAcrossLimits[] {
  const methods = [...new Set(runs.map((r) => r.method))];
  return methods.map((method) => {
    const mine = runs.filter((r) => r.method === method).sort((a, b) => a.limit.limitM - b.limit.limitM);
    return { method, limitM: mine.map((r) => r.limit.limitM), bestAccuracy: mine.map((r) => [...r.bestAccuracy]), bestFlopsM: mine.map((r) => [...r.bestFlopsM]) };
  });
}
