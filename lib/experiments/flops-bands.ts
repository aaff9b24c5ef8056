// DNAS Table 2 / Fig 6 at workbook scale: FLOPs bands that span the supernet space, and seeded
// searches on the one-shot benchmark under a band's limit. No tables or figures are drawn here.
import { Rng } from '../random';
import { controllerSearch, CONTROLLER_SEARCH_PRESETS, type ControllerSearchOptions } from '../search/controller-search';
import { regularizedEvolution } from '../search/evolution';
import type { FlopsLimit, FlopsLimitedSearch } from '../search/flops-limit';
import { randomSearch } from '../search/random';
import { runSearch, type SearchAlgorithm, type SearchResult } from '../search/search';
import { oneShotBenchmark, type SubnetEvaluator } from '../supernet/oneshot-benchmark';
import type { LayerChoiceSpace } from '../supernet/space';

/** One FLOPs band: lowM ≤ FLOPs < highM (millions of multiply-accumulates); highM = Infinity for the open band. */
export interface FlopsBand {
  readonly label: string;
  readonly lowM: number;
  readonly highM: number;
  /** Share of uniformly drawn architectures inside the band. */
  readonly share: number;
}

/**
 * Three bands like DNAS Table 2's (500–550M, 550–600M, ≥ 600M on ImageNet): cut at the given
 * quantiles of the FLOPs of `samples` uniformly drawn architectures (default 30th/55th/80th
 * percentiles: the two bounded bands hold 25% of the space each, the open band the top 20%, so
 * every band is populated but a limit binds in the first two).
 */
export function flopsBands(space: LayerChoiceSpace, seed: number, options: { samples?: number; quantiles?: readonly [number, number, number] } = {}): FlopsBand[] {
  const samples = options.samples ?? 20_000;
  const [a, b, c] = options.quantiles ?? [0.3, 0.55, 0.8];
  if (!(0 < a && a < b && b < c && c < 1)) throw new RangeError(`band quantiles must rise strictly inside (0, 1): got ${a}, ${b}, ${c}`);
  const rng = new Rng(seed).fork('flops-bands');
  const flops = Array.from({ length: samples }, () => space.flopsM(space.sampleUniform(rng))).sort((x, y) => x - y);
  const q = (p: number) => round3(flops[Math.min(flops.length - 1, Math.floor(p * flops.length))]);
  const cuts = [q(a), q(b), q(c)];
  const share = (lo: number, hi: number) => flops.filter((f) => f >= lo && f < hi).length / flops.length;
  return [
    { label: `${cuts[0]}–${cuts[1]}M`, lowM: cuts[0], highM: cuts[1], share: share(cuts[0], cuts[1]) },
    { label: `${cuts[1]}–${cuts[2]}M`, lowM: cuts[1], highM: cuts[2], share: share(cuts[1], cuts[2]) },
    { label: `≥ ${cuts[2]}M`, lowM: cuts[2], highM: Infinity, share: share(cuts[2], Infinity) },
  ];
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
  /** Candidates above the limit the algorithm turned away, summed over runs (0 without a limit). */
  readonly discardedForFlops: number;
}

/**
 * Run `makeAlgorithm(seed)` once per seed on a fresh one-shot benchmark (own budget accounting)
 * over the shared evaluator, so repeated architectures across methods and seeds are evaluated once.
 */
export async function oneShotSearchRuns(evaluator: SubnetEvaluator, method: string, makeAlgorithm: (seed: number) => SearchAlgorithm, options: { budget: number; seeds: readonly number[]; onRun?: (seed: number, result: SearchResult) => void }): Promise<OneShotRuns> {
  const started = Date.now();
  const before = evaluator.computed;
  const results: SearchResult[] = [];
  let discarded = 0;
  for (const seed of options.seeds) {
    const benchmark = oneShotBenchmark(evaluator, { budget: options.budget });
    const algorithm = makeAlgorithm(seed);
    const result = await runSearch(algorithm, { space: evaluator.supernet.space, benchmark, rng: new Rng(seed).fork(method), budget: options.budget });
    results.push(result);
    const stats = (algorithm as Partial<FlopsLimitedSearch>).flopsStats?.() ?? null;
    if (stats !== null) discarded += Object.values(stats.discarded).reduce((a, b) => a + b, 0);
    options.onRun?.(seed, result);
  }
  return { method, results, evaluationsComputed: evaluator.computed - before, seconds: (Date.now() - started) / 1000, discardedForFlops: discarded };
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
