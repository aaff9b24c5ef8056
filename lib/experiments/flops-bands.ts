// DNAS Table 2 / Fig 6 at workbook scale: FLOPs bands that span the supernet space, and seeded
// searches on the one-shot benchmark under a band's limit. No tables or figures are drawn here.
import { Rng } from '../random';
import { controllerSearch, CONTROLLER_SEARCH_PRESETS, type ControllerSearchOptions } from '../search/controller-search';
import { regularizedEvolution } from '../search/evolution';
import type { FlopsLimit, FlopsLimitedSearch, FlopsLimitStats } from '../search/flops-limit';
import { randomSearch } from '../search/random';
import { runSearch, type SearchAlgorithm, type SearchResult } from '../search/search';
import { oneShotBenchmark, type SubnetEvaluator } from '../supernet/oneshot-benchmark';
import type { SearchSpace } from '../spaces/search-space';

/**
 * One FLOPs band: lowM < FLOPs ≤ highM (millions of multiply-accumulates). Both ends bind: a search
 * under the band queries only cells inside it (`bandLimit`), so a band's winner never comes from
 * the band below. The upper end is Eq 6's "≤ F"; the lower end is exclusive so that adjacent bands
 * (one's highM is the next one's lowM) share no cell.
 */
export interface FlopsBand {
  readonly label: string;
  readonly lowM: number;
  readonly highM: number;
  /** Share of the cells the bands were cut from that lie inside the band. */
  readonly share: number;
}

/**
 * Three bands like DNAS Table 2's (500–550M, 550–600M, ≥ 600M on ImageNet), cut at quantiles of
 * `flopsM` (every cell of a space, or a uniform sample of it): default the 30th/55th/80th
 * percentiles, so the two bounded bands hold a quarter of the cells each and the top band the
 * largest fifth. The paper's top band is open; here it ends at `maxM` (default the largest of
 * `flopsM`), the space's largest FLOPs, so every band is a limit with two ends.
 * @throws RangeError for fewer than 10 values, a non-finite value, quantiles that do not rise
 *   strictly inside (0, 1), maxM below the largest value, or cuts that leave a band empty (FLOPs
 *   with so few distinct values that two quantiles coincide).
 */
export function flopsBandsOf(flopsM: readonly number[], options: { quantiles?: readonly [number, number, number]; maxM?: number } = {}): FlopsBand[] {
  const [a, b, c] = options.quantiles ?? [0.3, 0.55, 0.8];
  if (!(0 < a && a < b && b < c && c < 1)) throw new RangeError(`band quantiles must rise strictly inside (0, 1): got ${a}, ${b}, ${c}`);
  if (flopsM.length < 10) throw new RangeError(`FLOPs bands need at least 10 FLOPs values: got ${flopsM.length}`);
  const bad = flopsM.find((f) => !Number.isFinite(f));
  if (bad !== undefined) throw new RangeError(`FLOPs values must be finite: got ${bad}`);
  const flops = [...flopsM].sort((x, y) => x - y);
  const largest = flops[flops.length - 1];
  const maxM = options.maxM ?? largest;
  if (!(maxM >= largest)) throw new RangeError(`maxM must be at least the largest FLOPs value ${largest}M: got ${maxM}`);
  // Cuts are FLOPs values themselves (not rounded), so a value at a cut stays in the band below it.
  const q = (p: number) => flops[Math.min(flops.length - 1, Math.floor(p * flops.length))];
  const ends = [q(a), q(b), q(c), maxM];
  const share = (lo: number, hi: number) => flops.filter((f) => f > lo && f <= hi).length / flops.length;
  const bands = [0, 1, 2].map((i) => ({ label: i < 2 ? `${round3(ends[i])}–${round3(ends[i + 1])}M` : `> ${round3(ends[i])}M`, lowM: ends[i], highM: ends[i + 1], share: share(ends[i], ends[i + 1]) }));
  const empty = bands.find((band) => band.share === 0);
  if (empty !== undefined) throw new RangeError(`FLOPs band ${empty.label} holds no cell: the quantiles ${a}, ${b}, ${c} fall on too few distinct FLOPs values`);
  return bands;
}

/**
 * `flopsBandsOf` over `samples` cells drawn uniformly from `space` (seeded:
 * `Rng(seed).fork('flops-bands')`); the top band ends at the space's largest FLOPs where the space
 * knows its range (`flopsRangeM`), else at the largest drawn.
 */
export function flopsBands<C>(space: SearchSpace<C> & { flopsRangeM?(): { min: number; max: number } }, seed: number, options: { samples?: number; quantiles?: readonly [number, number, number] } = {}): FlopsBand[] {
  const samples = options.samples ?? 20_000;
  const rng = new Rng(seed).fork('flops-bands');
  const flops = Array.from({ length: samples }, () => space.flopsM(space.sampleUniform(rng)));
  return flopsBandsOf(flops, { quantiles: options.quantiles, maxM: space.flopsRangeM?.().max });
}

/** Whether a cell with `flopsM` lies inside the band (lowM < FLOPs ≤ highM). */
export function inBand(band: FlopsBand, flopsM: number): boolean {
  return flopsM > band.lowM && flopsM <= band.highM;
}

/** The search limit of a band: F = highM with τ = 0 (Eq 6 exactly), and its lower end. */
export function bandLimit(band: FlopsBand): FlopsLimit {
  return { limitM: band.highM, toleranceM: 0, aboveM: band.lowM };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** One method's runs on the one-shot benchmark. */
export interface OneShotRuns {
  readonly method: string;
  readonly results: SearchResult[];
  /** Inherited-weight evaluations newly computed during these runs (the rest came from the shared cache). */
  readonly evaluationsComputed: number;
  readonly seconds: number;
  /** Candidates outside the limit the algorithm turned away, summed over runs (0 without a limit). */
  readonly discardedForFlops: number;
  /** Per run (seed order): the algorithm's `flopsStats()`, null without a limit or for an algorithm that keeps none. */
  readonly flopsStats: (FlopsLimitStats | null)[];
}

/**
 * Run `makeAlgorithm(seed)` once per seed on a fresh one-shot benchmark (own budget accounting)
 * over the shared evaluator, so repeated architectures across methods and seeds are evaluated once.
 */
export async function oneShotSearchRuns<A>(evaluator: SubnetEvaluator<A>, method: string, makeAlgorithm: (seed: number) => SearchAlgorithm, options: { budget: number; seeds: readonly number[]; onRun?: (seed: number, result: SearchResult) => void }): Promise<OneShotRuns> {
  const started = Date.now();
  const before = evaluator.computed;
  const results: SearchResult[] = [];
  const flopsStats: (FlopsLimitStats | null)[] = [];
  let discarded = 0;
  for (const seed of options.seeds) {
    const benchmark = oneShotBenchmark(evaluator, { budget: options.budget });
    const algorithm = makeAlgorithm(seed);
    const result = await runSearch(algorithm, { space: evaluator.supernet.space, benchmark, rng: new Rng(seed).fork(method), budget: options.budget });
    results.push(result);
    const stats = (algorithm as Partial<FlopsLimitedSearch>).flopsStats?.() ?? null;
    flopsStats.push(stats);
    if (stats !== null) discarded += Object.values(stats.discarded).reduce((a, b) => a + b, 0);
    options.onRun?.(seed, result);
  }
  return { method, results, evaluationsComputed: evaluator.computed - before, seconds: (Date.now() - started) / 1000, discardedForFlops: discarded, flopsStats };
}

/** DNAS Table 2's methods, in the paper's order of comparison. */
export const TABLE2_METHODS = ['dnas', 'semi', 'evolution', 'random'] as const;
/** One of TABLE2_METHODS. */
export type Table2Method = (typeof TABLE2_METHODS)[number];

/** DNAS §ImageNet loss weights (Eq 5): α = 0.8, λ = 0.3, μ = 0.2, β = 1. */
export const DNAS_IMAGENET_LOSS_WEIGHTS = { alpha: 0.8, lambda: 0.3, mu: 0.2, beta: 1 } as const;

/**
 * The algorithm of `method` under `limit` (undefined: no limit, the open band):
 * - dnas: controller search, FLOPs-aware (predictor, Eq 7 step, edge sampling), ImageNet loss weights;
 * - semi: SemiNAS (no FLOPs predictor; decodes above the limit discarded after the fact);
 * - evolution: single-path one-shot's evolution (SPOS): uniform initial population under the
 *   limit, mutants above it redrawn; population and tournament scaled to the small budget
 *   (population = max(4, ⌊budget/3⌋), tournament = max(2, ⌊population/4⌋); SPOS uses 50 and 10);
 * - random: uniform draws under the limit.
 * @param controllerOverrides controller-search schedule overrides (smoke: SMOKE_CONTROLLER_OPTIONS).
 */
export function flopsLimitedAlgorithm(method: Table2Method, limit: FlopsLimit | undefined, budget: number, controllerOverrides: Partial<ControllerSearchOptions> = {}): SearchAlgorithm {
  if (method === 'random') return randomSearch({ flopsLimit: limit });
  if (method === 'evolution') {
    const populationSize = Math.max(4, Math.floor(budget / 3));
    return regularizedEvolution({ populationSize, tournamentSize: Math.max(2, Math.floor(populationSize / 4)), flopsLimit: limit });
  }
  const preset = CONTROLLER_SEARCH_PRESETS[method];
  const overrideController = controllerOverrides.controller ?? {};
  return controllerSearch(method, {
    ...preset,
    ...controllerOverrides,
    flopsLimit: limit,
    controller: { ...overrideController, ...(method === 'dnas' ? { lossWeights: DNAS_IMAGENET_LOSS_WEIGHTS } : {}) },
  });
}
