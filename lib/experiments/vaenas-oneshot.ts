// VAENAS-OS (Algorithm 2) on the weight-sharing supernet: the final VAE that seeds the search, the
// stated set of sub-networks whose ranking is measured, evolution on a one-shot benchmark, and the
// rank statistics and figure of the notebook. It trains no supernet (lib/experiments/supernet.ts does).
import { kendallTau, spearman } from '../analysis/correlation';
import type { ControllerOptions } from '../controller/index';
import type { PlotlyFigure } from '../report/png';
import { Rng } from '../random';
import { mixtureSampler } from '../samplers/mixture';
import type { CellSampler } from '../samplers/sampler';
import { uniformSampler } from '../samplers/uniform';
import { trainVaeSampler, type TopSelection, type TrainedVaeSampler, type VaeSampler } from '../samplers/vae';
import { regularizedEvolution } from '../search/evolution';
import { runSearch, type SearchResult } from '../search/search';
import { oneShotBenchmark, type SubnetEvaluator } from '../supernet/oneshot-benchmark';
import type { Architecture, LayerChoiceSpace } from '../supernet/space';
import type { WeightSharingNet } from '../supernet/weight-sharing';
import type { SupernetSampling, TrainedSupernet } from './supernet';

/** The VAENAS settings of a supernet training (`SupernetSampling` of kind 'vaenas'). */
export type VaenasSampling = Extract<SupernetSampling, { kind: 'vaenas' }>;

/** Options of `finalVaeSampler`. */
export interface FinalVaeOptions {
  /**
   * Rounds of "draw `sampled` → evaluate → train a VAE on the top fraction" (default 2). Round 1
   * draws uniformly (no VAE exists yet); each later round draws from Γ = (1 − ε)·U + ε·p_θ with the
   * previous round's VAE, so with 2 rounds the returned VAE was trained, like Algorithm 2's last
   * call of Algorithm 1 (line 9), on draws from Γ at the final ε.
   */
  readonly rounds?: number;
  /** ε of Γ in rounds ≥ 2 (default: the ε the supernet training ended at, else sampling.epsilonFinal). */
  readonly epsilon?: number;
  /** Controller options over the VAE sampler's (default none: the same VAE as the supernet training's). */
  readonly controller?: ControllerOptions;
}

/** One round of `finalVaeSampler`: where its draws came from and their inherited-weight accuracies. */
export interface FinalVaeRound<A = Architecture> {
  /** 'uniform' (round 1) or 'mixture' (Γ with the previous round's VAE). */
  readonly source: 'uniform' | 'mixture';
  readonly cells: readonly A[];
  readonly accuracies: readonly number[];
}

/** The VAE p_θ after supernet training (Algorithm 2, line 13) and what it was trained on. */
export interface FinalVae<A = Architecture> {
  readonly sampler: VaeSampler<A>;
  /** Every round's draws, in order; the last one trained `sampler`. */
  readonly rounds: readonly FinalVaeRound<A>[];
  /** The last round's top selection (indices into its cells). */
  readonly selection: TopSelection;
  readonly epsilon: number;
  /** Distinct architectures drawn over all rounds (each evaluated once; not charged to the search budget). */
  readonly distinctEvaluated: number;
  /** Frees the VAE's weights. */
  dispose(): void;
}

/**
 * Algorithm 2, line 13's p_θ, rebuilt after training: `trainedSupernet` does not keep its last VAE
 * (it is not part of the cache), so this repeats the loop's Algorithm 1 step on the trained weights:
 * each round draws `sampling.sampled` architectures (uniformly in round 1, from Γ at `epsilon` with
 * the previous VAE afterwards), evaluates them with `evaluator` (inherited weights, the search's
 * validation images, memoised), and trains a fresh VAE on the top `sampling.topFraction` for
 * `sampling.vaeSteps` steps with the batch size the training loop uses. The evaluations are not
 * charged to the search budget, as in the paper (its seeds are free samples from p_θ).
 * Seeds: draws from `Rng(seed).fork('final-vae/<round>/draw')`, VAE weights from `.../vae`.
 * @throws RangeError when `evaluator` belongs to another supernet than `run`, or rounds is not an
 *   integer ≥ 1, or ε is outside [0, 1]; what trainVaeSampler throws.
 */
export function finalVaeSampler<A>(run: TrainedSupernet<WeightSharingNet<A>>, evaluator: SubnetEvaluator<A>, sampling: VaenasSampling, seed: number, options: FinalVaeOptions = {}): FinalVae<A> {
  if (evaluator.supernet !== run.supernet) throw new RangeError(`the evaluator belongs to another supernet than run ${run.key}`);
  const rounds = options.rounds ?? 2;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be an integer ≥ 1: got ${rounds}`);
  const epsilon = options.epsilon ?? run.vaenas?.epsilonFinal ?? sampling.epsilonFinal;
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`epsilon must be in [0, 1]: got ${epsilon}`);
  const space = run.supernet.space;
  const uniform = uniformSampler(space);
  const root = new Rng(seed).fork('final-vae');
  const seen = new Set<string>();
  let vae: TrainedVaeSampler<A> | null = null;
  const done: FinalVaeRound<A>[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const gamma: CellSampler<A> = vae === null ? uniform : mixtureSampler(uniform, vae.sampler, { epsilon, epsilonInc: 0 });
      const cells = gamma.draw(sampling.sampled, root.fork(`${round}/draw`)).cells;
      const evaluated: FinalVaeRound<A> = { source: vae === null ? 'uniform' : 'mixture', cells, accuracies: cells.map((arch) => evaluator.record(arch).valAccuracy) };
      done.push(evaluated);
      cells.forEach((arch) => seen.add(space.key(arch)));
      const next = trainVaeSampler(space, evaluated, {
        seed: root.fork(`${round}/vae`).intSeed(),
        steps: sampling.vaeSteps,
        topFraction: sampling.topFraction,
        batchSize: Math.min(100, Math.max(1, Math.round(sampling.sampled * sampling.topFraction))),
        controller: options.controller,
      });
      vae?.dispose();
      vae = next;
    }
  } catch (err) {
    (vae as TrainedVaeSampler<A> | null)?.dispose();
    throw err;
  }
  const last: TrainedVaeSampler<A> | null = vae;
  if (last === null) throw new Error('finalVaeSampler trained no VAE'); // unreachable: rounds ≥ 1
  return { sampler: last.sampler, rounds: done, selection: last.selection, epsilon, distinctEvaluated: seen.size, dispose: () => last.dispose() };
}

/**
 * The architecture a space key names (the inverse of `space.key`, e.g. for a search result's best).
 * @throws RangeError when the key is not an architecture of the space (wrong length or block).
 */
export function architectureOfKey(space: LayerChoiceSpace, key: string): Architecture {
  return space.architecture(key);
}

/** Options of `rankingSet`. */
export interface RankingSetOptions {
  /** 'flops' (default): one architecture per FLOPs stratum of a uniform pool; 'none': plain distinct uniform draws. */
  readonly stratify?: 'flops' | 'none';
  /** Distinct uniform draws the strata are cut from (default max(200, 20·count), at most the space). */
  readonly pool?: number;
}

/**
 * The stated set of sub-networks whose ranking is measured: `count` distinct architectures. With
 * FLOPs stratification, a pool of distinct uniform draws is sorted by FLOPs (ties by key), cut into
 * `count` equal consecutive strata, and one architecture is drawn uniformly from each, so the set
 * spans the space's cost range instead of bunching at its typical FLOPs; the result is in
 * increasing FLOPs. Seeds: `Rng(seed).fork('ranking-set')`.
 * @throws RangeError when count is not an integer in 2..space.size, or pool < count.
 */
export function rankingSet(space: LayerChoiceSpace, count: number, seed: number, options: RankingSetOptions = {}): Architecture[] {
  if (!Number.isInteger(count) || count < 2 || count > space.size) throw new RangeError(`ranking set size must be an integer in 2..${space.size}: got ${count}`);
  const stratify = options.stratify ?? 'flops';
  const rng = new Rng(seed).fork('ranking-set');
  const poolSize = stratify === 'none' ? count : (options.pool ?? Math.min(space.size, Math.max(200, 20 * count)));
  if (!Number.isInteger(poolSize) || poolSize < count || poolSize > space.size) throw new RangeError(`ranking pool must be an integer in ${count}..${space.size}: got ${poolSize}`);
  const pool = new Map<string, Architecture>();
  while (pool.size < poolSize) {
    const arch = space.sampleUniform(rng);
    pool.set(space.key(arch), arch);
  }
  if (stratify === 'none') return [...pool.values()];
  const sorted = [...pool.entries()].sort(([ka, a], [kb, b]) => space.flopsM(a) - space.flopsM(b) || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, arch]) => arch);
  return Array.from({ length: count }, (_, s) => {
    const start = Math.floor((s * poolSize) / count);
    const end = Math.floor(((s + 1) * poolSize) / count);
    return sorted[start + rng.int(end - start)];
  });
}

/** Largest evolution population (EVOLUTION_DEFAULTS: NAS-Bench-101's P = 100). */
const MAX_POPULATION = 100;
/** Largest tournament (EVOLUTION_DEFAULTS: S = 10). */
const MAX_TOURNAMENT = 10;

/**
 * Population and tournament sizes for a small budget (our choice; the paper gives none):
 * P = min(100, max(2, ⌊budget/3⌋)) so two thirds of the budget is left for mutation, and
 * S = min(10, max(2, round(P/4))): a quarter of the population, capped at the default 10
 * (budget 12 → P 4, S 2; budget 60 → P 20, S 5; budget ≥ 300 → the defaults 100 and 10).
 * @throws RangeError when budget is not an integer ≥ 1.
 */
export function evolutionSizes(budget: number): { populationSize: number; tournamentSize: number } {
  if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`search budget must be a positive integer: got ${budget}`);
  const populationSize = Math.min(MAX_POPULATION, Math.max(2, Math.floor(budget / 3)));
  return { populationSize, tournamentSize: Math.min(MAX_TOURNAMENT, Math.max(2, Math.round(populationSize / 4))) };
}

/** Options of `oneShotEvolution`. */
export interface OneShotEvolutionOptions<A = Architecture> {
  /** Distinct sub-networks evaluated per run. */
  readonly budget: number;
  /** One run per seed (the run's Rng). */
  readonly seeds: readonly number[];
  /** The first population's sampler per seed (default uniform); VAENAS: the final VAE (Algorithm 2, lines 13–15). */
  readonly initialSampler?: (seed: number) => CellSampler<A>;
  /** Default: `evolutionSizes(budget)`. */
  readonly populationSize?: number;
  readonly tournamentSize?: number;
}

/**
 * Regularized evolution (Algorithm 2, line 15's Search) on the one-shot benchmark of `evaluator`'s
 * supernet, one run per seed, each on a fresh benchmark charged per distinct sub-network; the
 * evaluator's memo is shared, so a sub-network is computed once across runs. Repeated children
 * join the population as in Real et al. (EVOLUTION_DEFAULTS).
 * @throws what runSearch and regularizedEvolution throw (e.g. a budget above the space's size).
 */
export async function oneShotEvolution<A>(evaluator: SubnetEvaluator<A>, options: OneShotEvolutionOptions<A>): Promise<SearchResult[]> {
  const sizes = evolutionSizes(options.budget);
  const space = evaluator.supernet.space;
  const results: SearchResult[] = [];
  for (const seed of options.seeds) {
    const algorithm = regularizedEvolution({
      populationSize: options.populationSize ?? sizes.populationSize,
      tournamentSize: options.tournamentSize ?? sizes.tournamentSize,
      initialSampler: options.initialSampler?.(seed) as CellSampler<unknown> | undefined,
    });
    results.push(await runSearch(algorithm, { space, benchmark: oneShotBenchmark(evaluator, { budget: options.budget }), rng: new Rng(seed), budget: options.budget }));
  }
  return results;
}

/** Rank agreement of a supernet's inherited accuracies with stand-alone accuracies. */
export interface RankAgreement {
  readonly pairs: number;
  /** Kendall's τ-b; null when either side is constant (τ undefined). */
  readonly kendall: number | null;
  /** Spearman's ρ; null as kendall. */
  readonly spearman: number | null;
  /**
   * Two-sided permutation p-value of τ against "no association": the share of `permutations`
   * random re-pairings with |τ| ≥ the observed |τ|, as (1 + hits) / (1 + permutations); null with τ.
   */
  readonly kendallP: number | null;
}

/**
 * Kendall τ, Spearman ρ and τ's permutation p-value of inherited vs stand-alone accuracy over the
 * same sub-networks (index-aligned). Seeds: `Rng(seed).fork('kendall-permutation')`.
 * @throws RangeError for different lengths, fewer than 2 pairs, or a non-finite value.
 */
export function rankAgreement(inherited: readonly number[], standalone: readonly number[], options: { permutations?: number; seed?: number } = {}): RankAgreement {
  if (inherited.length !== standalone.length) throw new RangeError(`inherited and stand-alone accuracies differ in length: ${inherited.length} vs ${standalone.length}`);
  if (inherited.length < 2) throw new RangeError(`rank agreement needs at least 2 sub-networks: got ${inherited.length}`);
  [...inherited, ...standalone].forEach((v) => {
    if (!Number.isFinite(v)) throw new RangeError(`accuracy is not finite: ${v}`);
  });
  const pairs = inherited.length;
  if (isConstant(inherited) || isConstant(standalone)) return { pairs, kendall: null, spearman: null, kendallP: null };
  const tau = kendallTau(inherited, standalone);
  const permutations = options.permutations ?? 10_000;
  const rng = new Rng(options.seed ?? 0).fork('kendall-permutation');
  let hits = 0;
  for (let i = 0; i < permutations; i++) if (Math.abs(kendallTau(rng.shuffle(inherited), standalone)) >= Math.abs(tau) - 1e-12) hits++;
  return { pairs, kendall: tau, spearman: spearman(inherited, standalone), kendallP: (1 + hits) / (1 + permutations) };
}

/** A paired bootstrap of τ(b, y) − τ(a, y) over sub-networks. */
export interface TauDifference {
  /** τ(b, y) − τ(a, y) on all sub-networks (null when either τ is undefined). */
  readonly difference: number | null;
  /** 2.5% and 97.5% percentiles over the usable resamples (null with fewer than 100 usable). */
  readonly low: number | null;
  readonly high: number | null;
  /** Resamples where a side was constant (τ undefined) and that were dropped. */
  readonly dropped: number;
}

/**
 * Is one supernet's ranking better than another's beyond the luck of which sub-networks were
 * picked? Resamples sub-networks with replacement (the same indices for both supernets) and
 * reports the 95% percentile interval of the τ difference. With ~10 sub-networks it is wide:
 * that is the honest answer. Seeds: `Rng(seed).fork('kendall-bootstrap')`.
 * @throws RangeError when the arrays differ in length or have fewer than 3 values.
 */
export function tauDifference(a: readonly number[], b: readonly number[], y: readonly number[], options: { resamples?: number; seed?: number } = {}): TauDifference {
  if (a.length !== y.length || b.length !== y.length) throw new RangeError(`accuracy lists differ in length: ${a.length}, ${b.length}, ${y.length}`);
  if (y.length < 3) throw new RangeError(`a τ difference needs at least 3 sub-networks: got ${y.length}`);
  const tau = (x: readonly number[], t: readonly number[]) => (isConstant(x) || isConstant(t) ? null : kendallTau(x, t));
  const ta = tau(a, y);
  const tb = tau(b, y);
  const rng = new Rng(options.seed ?? 0).fork('kendall-bootstrap');
  const diffs: number[] = [];
  let dropped = 0;
  for (let r = 0; r < (options.resamples ?? 2000); r++) {
    const idx = y.map(() => rng.int(y.length));
    const ra = tau(idx.map((i) => a[i]), idx.map((i) => y[i]));
    const rb = tau(idx.map((i) => b[i]), idx.map((i) => y[i]));
    if (ra === null || rb === null) dropped++;
    else diffs.push(rb - ra);
  }
  diffs.sort((u, v) => u - v);
  const at = (q: number) => diffs[Math.min(diffs.length - 1, Math.floor(q * diffs.length))];
  const usable = diffs.length >= 100;
  return { difference: ta === null || tb === null ? null : tb - ta, low: usable ? at(0.025) : null, high: usable ? at(0.975) : null, dropped };
}

/** One sub-network of the ranking figure. */
export interface RankingPoint {
  readonly key: string;
  readonly standalone: number;
  readonly inherited: number;
}

/**
 * Scatter of inherited-weight accuracy (y) against stand-alone accuracy (x; `xTitle` names another
 * truth, e.g. a table's), one trace per supernet, each sub-network's key on hover. Pure: numbers in, Plotly JSON out.
 */
export function rankingScatterFigure(traces: readonly { name: string; points: readonly RankingPoint[] }[], title: string, xTitle = 'stand-alone validation accuracy'): PlotlyFigure {
  const colors = ['#4c78a8', '#e45756', '#54a24b', '#f58518'];
  return {
    data: traces.map((t, i) => ({
      type: 'scatter',
      mode: 'markers',
      name: t.name,
      x: t.points.map((p) => p.standalone),
      y: t.points.map((p) => p.inherited),
      text: t.points.map((p) => p.key),
      hovertemplate: `%{text}<br>${xTitle} %{x:.2%}<br>inherited %{y:.2%}<extra></extra>`,
      marker: { size: 9, color: colors[i % colors.length] },
    })),
    layout: {
      title: { text: title },
      xaxis: { title: { text: xTitle }, tickformat: '.1%' },
      yaxis: { title: { text: 'inherited-weight validation accuracy' }, tickformat: '.1%' },
      legend: { x: 0.02, y: 0.98 },
    },
  };
}

/**
 * One sentence on which supernet ranks better, computed from the agreements and the bootstrap
 * interval of their τ difference (b − a); it says when the data cannot tell.
 */
export function rankingVerdict(names: readonly [string, string], a: RankAgreement, b: RankAgreement, diff: TauDifference): string {
  if (a.kendall === null || b.kendall === null) return `Kendall τ is undefined for ${a.kendall === null ? names[0] : names[1]} (constant accuracies over the ${a.pairs} sub-networks): no ranking comparison.`;
  const better = b.kendall > a.kendall ? names[1] : b.kendall < a.kendall ? names[0] : null;
  const head = `τ = ${a.kendall.toFixed(3)} (${names[0]}, permutation p = ${a.kendallP!.toPrecision(2)}) vs ${b.kendall.toFixed(3)} (${names[1]}, p = ${b.kendallP!.toPrecision(2)}) over ${a.pairs} sub-networks`;
  if (better === null) return `${head}: equal.`;
  if (diff.low === null || diff.high === null) return `${head}: ${better} ranks higher, but too few sub-networks for a bootstrap interval; not meaningful.`;
  const excludesZero = diff.low > 0 || diff.high < 0;
  return `${head}: ${better} ranks higher; the 95% bootstrap interval of the difference is [${diff.low.toFixed(2)}, ${diff.high.toFixed(2)}], ${excludesZero ? 'which excludes 0' : 'which includes 0, so the difference is not meaningful with this few sub-networks'}.`;
}

function isConstant(values: readonly number[]): boolean {
  return values.every((v) => v === values[0]);
}
