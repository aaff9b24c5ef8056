// VAENAS §5.3 on a tabular problem: the evaluated set, VAE samplers cached on disk by a hash of what
// fixes their weights, max-of-K sampling runs (Table 4), sampled accuracy distributions (Fig 2) and
// evolution seeded by a sampler. It composes lib/samplers and lib/search; no figures, no notebook I/O.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, resolveConfig, type ControllerOptions, type EpochLoss } from '../controller/index';
import { percentileRank, summarize } from '../analysis/stats';
import { mannWhitneyU } from '../analysis/mann-whitney';
import { Rng } from '../random';
import { excludingKeys, sampleDistinct, samplerStream, type CellSampler } from '../samplers/sampler';
import { uniformSampler } from '../samplers/uniform';
import { selectTopFraction, trainVae, vaeControllerOptions, vaeSampler, VAE_SAMPLER_SCHEDULE, VAENAS_SELECTION, type TopSelection, type VaeSampler } from '../samplers/vae';
import { regularizedEvolution, type EvolutionOptions } from '../search/evolution';
import { runSearch, type SearchResult } from '../search/search';
import { cacheRoot } from '../project-folders';
import { controllerKey, saveControllerAtomically, TRAINING_FILE } from './trained-controller';
import { loadProblem, type SearchProblem } from './problems';

/**
 * VAENAS Table 4 as printed (NAS-Bench-101, test accuracy of the full benchmark, fractions of 1):
 * max accuracy among K samples and the evolution column. `noise` is the ranking-noise std.
 */
export const VAENAS_TABLE4_PAPER = {
  ks: [10, 50, 100, 300],
  rows: [
    { method: 'random', noise: null, maxOfK: [0.9293, 0.933, 0.9353, 0.9386], evolution: 0.9339 },
    { method: 'weight-sharing', noise: null, maxOfK: [0.9372, 0.9395, 0.9398, 0.9423], evolution: 0.9412 },
    { method: 'vae', noise: 0, maxOfK: [0.9356, 0.9371, 0.9395, 0.9413], evolution: 0.9414 },
    { method: 'vae', noise: 0.001, maxOfK: [0.9364, 0.9373, 0.9397, 0.9417], evolution: 0.9375 },
    { method: 'vae', noise: 0.005, maxOfK: [0.9224, 0.9335, 0.9363, 0.9383], evolution: 0.9333 },
  ],
} as const;

/**
 * The problem VAENAS §5.3 runs on: NAS-Bench-101 ('nb101', the whole space with its test accuracy, as the
 * paper uses the full benchmark), or
 * another registered problem by name (see problems.ts).
 * @throws Error naming an unknown problem.
 */
export function loadVaenasProblem(name = 'nb101'): Promise<SearchProblem> {
  return loadProblem(name);
}

/**
 * Sizes of the VAENAS notebook. full: the paper's protocol (6,000 evaluated, top 25%, K up to 300,
 * 5,000 samples for Fig 2) with the VAE schedule of VAE_SAMPLER_SCHEDULE; evolution at 150 and 300
 * queries (the small budgets of DNAS Table 1, where a better first population of 100 still shows).
 * smoke: 600 evaluated cells and a small VAE trained 150 steps (≈ 3 s). It checks the pipeline only: such a
 * VAE decodes few distinct cells, hence K ≤ 3.
 */
export const VAENAS_SCHEDULES = {
  full: {
    evaluated: VAENAS_SELECTION.evaluated, topFraction: VAENAS_SELECTION.topFraction, steps: VAE_SAMPLER_SCHEDULE.steps, batchSize: VAE_SAMPLER_SCHEDULE.batchSize,
    controller: {} as ControllerOptions, ks: [10, 50, 100, 300], fig2Samples: 5000, evolutionBudgets: [150, 300],
  },
  smoke: {
    evaluated: 600, topFraction: VAENAS_SELECTION.topFraction, steps: 150, batchSize: 50,
    controller: { hidden: 16, latentDim: 8, learningRate: 0.03 } as ControllerOptions, ks: [1, 3], fig2Samples: 300, evolutionBudgets: [120],
  },
} as const;

/** Cells evaluated before sampling (VAENAS §5.3's 6,000), with their stored accuracies. */
export interface EvaluatedSet<C> {
  readonly cells: C[];
  readonly keys: string[];
  /** Validation accuracy from the table (fractions of 1), never noisy. */
  readonly accuracies: number[];
}

/** Free table lookups for a problem: the accuracy of a cell, or null when it is not in the table. */
export type TableLookup<C> = (cell: C) => number | null;

/**
 * A lookup that never charges anything: a benchmark whose budget is the whole table, used only to
 * read accuracies (the protocol's costs are the counts the sampling functions return).
 */
export function tableLookup<C>(problem: SearchProblem<C>): TableLookup<C> {
  const size = problem.tableAccuracies().length;
  const benchmark = problem.makeBenchmark({ budget: size });
  return (cell) => {
    const answer = benchmark.lookup(cell);
    return answer.outcome === 'out-of-domain' ? null : answer.record.searchAccuracy;
  };
}

/**
 * `count` distinct table cells drawn uniformly (uniform proposals over the space, cells outside the
 * table skipped: uniform without replacement over the table), VAENAS §5.3's "6,000 trained architectures".
 * @throws RangeError when count is not an integer in 1..table size.
 */
export function drawEvaluatedSet<C>(problem: SearchProblem<C>, count: number, rng: Rng, lookup: TableLookup<C> = tableLookup(problem)): EvaluatedSet<C> {
  const size = problem.tableAccuracies().length;
  if (!Number.isInteger(count) || count < 1 || count > size) throw new RangeError(`evaluated count must be an integer in 1..${size}: got ${count}`);
  const drawn = sampleDistinct(uniformSampler(problem.space), count, { rng, key: (c) => problem.space.key(c), accept: (c) => lookup(c) !== null });
  return { cells: drawn.cells, keys: drawn.keys, accuracies: drawn.cells.map((c) => lookup(c)!) };
}

/** Options of `cachedVaeSampler`. */
export interface CachedVaeSamplerOptions {
  /** Seeds the evaluated set (`fork('evaluated')`), the noise, the weights and the training. */
  readonly seed: number;
  /** Cells evaluated (default VAENAS_SELECTION.evaluated = 6,000). */
  readonly evaluated?: number;
  /** Default VAENAS_SELECTION.topFraction = 0.25. */
  readonly topFraction?: number;
  /** Ranking noise std (fractions of 1), default 0. */
  readonly noiseStd?: number;
  readonly steps?: number;
  readonly batchSize?: number;
  /** Controller options over VAE_SAMPLER_CONTROLLER (merged by vaeControllerOptions). */
  readonly controller?: ControllerOptions;
  /** Cache root (default as trained-controller: $DNAS_CACHE_DIR, else `<project>/.cache`); samplers go to `<root>/vae-samplers/<key>/`. */
  readonly cacheDir?: string;
  /** false: neither read nor write the cache (default true). */
  readonly cache?: boolean;
}

/** A VAE sampler with the data it was trained on and where its weights came from. */
export interface CachedVaeSampler<C> {
  readonly sampler: VaeSampler<C>;
  readonly evaluated: EvaluatedSet<C>;
  readonly selection: TopSelection;
  /** 16 hex digits of SHA-256 over `keyConfig`. */
  readonly key: string;
  readonly keyConfig: Record<string, unknown>;
  readonly fromCache: boolean;
  readonly history: readonly EpochLoss[];
  /** Seconds the training took when it ran (as saved, for a cache hit). */
  readonly trainSeconds: number;
  dispose(): void;
}

const CACHE_FORMAT = 'vaenas-sampler';
const CACHE_VERSION = 1;

/**
 * VAENAS Algorithm 1 on `problem`: draw the evaluated set (`Rng(seed).fork('evaluated')`), select the
 * top fraction by ranking accuracies with noise (`Rng(seed).fork('noise')`), train the VAE
 * (`trainVae` with `seed`), or load the same VAE from the cache when the key matches (data file
 * checksum, counts, fraction, noise, resolved controller config, schedule, seed). The same seed gives
 * the same evaluated set at every noise level, so noise levels differ in the ranking only.
 * @throws RangeError for options out of range; Error for a cache folder holding another config.
 */
export function cachedVaeSampler<C>(problem: SearchProblem<C>, options: CachedVaeSamplerOptions, lookup: TableLookup<C> = tableLookup(problem)): CachedVaeSampler<C> {
  const rng = new Rng(options.seed);
  const evaluated = drawEvaluatedSet(problem, options.evaluated ?? VAENAS_SELECTION.evaluated, rng.fork('evaluated'), lookup);
  const topFraction = options.topFraction ?? VAENAS_SELECTION.topFraction;
  const noiseStd = options.noiseStd ?? 0;
  const selection = selectTopFraction(evaluated.accuracies, topFraction, noiseStd, rng.fork('noise'));
  const schedule = { steps: options.steps ?? VAE_SAMPLER_SCHEDULE.steps, batchSize: options.batchSize ?? VAE_SAMPLER_SCHEDULE.batchSize };
  const config = resolveConfig(problem.space, { ...vaeControllerOptions(options.controller), seed: options.seed });
  const keyConfig = {
    format: CACHE_FORMAT, version: CACHE_VERSION, problem: problem.name, data: problem.dataSha256,
    evaluated: evaluated.cells.length, topFraction, noiseStd, seed: options.seed, schedule, controller: config,
  };
  const key = controllerKey(keyConfig);
  const dir = options.cache === false ? null : join(cacheRoot(options.cacheDir), 'vae-samplers', key);
  const finish = (controller: Controller, history: readonly EpochLoss[], trainSeconds: number, fromCache: boolean): CachedVaeSampler<C> => ({
    sampler: vaeSampler(problem.space, controller), evaluated, selection, key, keyConfig, fromCache, history, trainSeconds, dispose: () => controller.dispose(),
  });
  if (dir !== null && existsSync(join(dir, TRAINING_FILE))) {
    const saved = JSON.parse(readFileSync(join(dir, TRAINING_FILE), 'utf8')) as { key: string; history: EpochLoss[]; trainSeconds: number };
    if (saved.key !== key) throw new Error(`${join(dir, TRAINING_FILE)}: cached under key ${key} but holds key ${saved.key}`);
    return finish(Controller.load(dir, problem.space), saved.history, saved.trainSeconds, true);
  }
  const started = Date.now();
  const cells = selection.indices.map((i) => evaluated.cells[i]);
  const { controller, history } = trainVae(problem.space, cells, selection.indices.map((i) => evaluated.accuracies[i]), { ...schedule, controller: options.controller, seed: options.seed });
  const trainSeconds = (Date.now() - started) / 1000;
  if (dir !== null) saveControllerAtomically(dir, controller, { key, keyConfig, history, trainSeconds });
  return finish(controller, history, trainSeconds, false);
}

/**
 * Default draw limit of one max-of-K run: 200,000 valid draws (≈ 50 s of VAE decoding on 2 CPU cores),
 * far more than 300 new cells need even on a partial table (the 30k sample: 300 / 7.1% ≈ 4,200 draws).
 */
export const MAX_OF_K_DRAWS = 200_000;

/** One max-of-K sampling run: the in-table accuracies in draw order and what it cost. */
export interface MaxOfKRun {
  /** Max accuracy among the first K accepted cells, one per K asked. */
  readonly maxima: number[];
  /** Accuracies of the accepted cells in draw order (length max K). */
  readonly accuracies: number[];
  /** Valid draws looked at (in table, outside it, repeats). */
  readonly draws: number;
  /** Draws outside the table (free, counted). */
  readonly outsideTable: number;
  readonly duplicates: number;
  /** Redraws inside the sampler: invalid decodes, already evaluated cells. */
  readonly redraws: Readonly<Record<string, number>>;
}

/**
 * VAENAS Table 4's "max accuracy for K samples": draw from `sampler` until max(ks) distinct new table
 * cells are found — cells outside the table are drawn and counted but have no accuracy; cells of
 * `exclude` (the evaluated set, already paid for) are redrawn and counted — and report the max over
 * the first K for every K (prefixes of one run, so the K columns of a run are nested).
 * @param options.maxDraws give up after this many valid draws (default MAX_OF_K_DRAWS).
 * @throws RangeError for an empty or non-increasing ks or a K that is not a positive integer;
 *   Error when maxDraws draws gave too few new table cells (a sampler stuck on few cells).
 */
export function maxOfK<C>(problem: SearchProblem<C>, sampler: CellSampler<C>, ks: readonly number[], options: { rng: Rng; exclude: ReadonlySet<string>; lookup?: TableLookup<C>; maxDraws?: number }): MaxOfKRun {
  if (ks.length === 0 || ks.some((k, i) => !Number.isInteger(k) || k < 1 || (i > 0 && k <= ks[i - 1]))) {
    throw new RangeError(`ks must be increasing positive integers: got [${ks.join(', ')}]`);
  }
  const lookup = options.lookup ?? tableLookup(problem);
  const key = (c: C) => problem.space.key(c);
  const drawn = sampleDistinct(excludingKeys(sampler, options.exclude, key), ks[ks.length - 1], { rng: options.rng, key, accept: (c) => lookup(c) !== null, maxDraws: options.maxDraws ?? MAX_OF_K_DRAWS });
  const accuracies = drawn.cells.map((c) => lookup(c)!);
  const maxima = ks.map((k) => Math.max(...accuracies.slice(0, k)));
  return { maxima, accuracies, draws: drawn.draws, outsideTable: drawn.rejected, duplicates: drawn.duplicates, redraws: drawn.redraws };
}

/** Accuracies of a sampler's in-table draws (repeats kept) for a distribution plot (VAENAS Fig 2). */
export interface SampledAccuracies {
  readonly accuracies: number[];
  /** Whether each drawn cell belongs to the `marked` set (e.g. the VAE's evaluated set), index-aligned. */
  readonly marked: boolean[];
  /** Valid draws looked at, in and out of the table. */
  readonly draws: number;
  /** Distinct keys among the in-table draws. */
  readonly distinct: number;
  readonly redraws: Readonly<Record<string, number>>;
}

/**
 * `n` independent in-table draws of `sampler` (the distribution itself: repeats kept, draws outside
 * the table counted and skipped), with a flag for cells in `marked`.
 * @throws RangeError when n is not a positive integer; Error after `maxDraws` draws (default 2,000,000).
 */
export function sampledAccuracies<C>(problem: SearchProblem<C>, sampler: CellSampler<C>, n: number, options: { rng: Rng; marked?: ReadonlySet<string>; lookup?: TableLookup<C>; maxDraws?: number }): SampledAccuracies {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`number of samples must be a positive integer: got ${n}`);
  const lookup = options.lookup ?? tableLookup(problem);
  const maxDraws = options.maxDraws ?? 2_000_000;
  const stream = samplerStream(sampler, options.rng);
  const accuracies: number[] = [];
  const marked: boolean[] = [];
  const keys = new Set<string>();
  let draws = 0;
  while (accuracies.length < n) {
    if (draws >= maxDraws) throw new Error(`${sampler.name}: ${maxDraws} draws gave ${accuracies.length} of ${n} in-table cells`);
    const { cell } = stream.next();
    draws++;
    const accuracy = lookup(cell);
    if (accuracy === null) continue;
    const key = problem.space.key(cell);
    keys.add(key);
    accuracies.push(accuracy);
    marked.push(options.marked?.has(key) ?? false);
  }
  return { accuracies, marked, draws, distinct: keys.size, redraws: { ...stream.redraws } };
}

/**
 * Regularized evolution (standard NAS-Bench-101 settings unless `evolution` says otherwise) for each
 * seed at `budget` distinct queries, each on a fresh benchmark; `initialSampler(seed)` gives the
 * sampler of the first population (VAENAS §5.3: VAE samples; absent: uniform, plain evolution).
 */
export async function evolutionRuns<C>(
  problem: SearchProblem<C>,
  options: { budget: number; seeds: readonly number[]; initialSampler?: (seed: number) => CellSampler<C>; evolution?: Omit<EvolutionOptions, 'initialSampler'> },
): Promise<SearchResult[]> {
  const results: SearchResult[] = [];
  for (const seed of options.seeds) {
    const algorithm = regularizedEvolution({ ...options.evolution, initialSampler: options.initialSampler?.(seed) as CellSampler<unknown> | undefined });
    results.push(await runSearch(algorithm, { space: problem.space, benchmark: problem.makeBenchmark({ budget: options.budget }), rng: new Rng(seed), budget: options.budget }));
  }
  return results;
}

/** Mean over runs and a test against a baseline, for one group of best values. */
export interface ComparisonRow {
  readonly method: string;
  readonly runs: number;
  readonly mean: number;
  readonly std: number;
  /** Mean over runs of the value's percentile rank in the table (fraction of table cells strictly below). */
  readonly meanPercentile: number;
  /** Two-sided Mann–Whitney U p-value against the baseline's runs (null for the baseline itself). */
  readonly pVsBaseline: number | null;
}

/**
 * Per group of best values (one per run): mean ± std, mean percentile rank in `table`, and a
 * two-sided Mann–Whitney U test against `baseline` (independent runs; accuracies are not normal).
 * @throws Error when `baseline` is not among the groups; RangeError from the test for < 2 runs.
 */
export function comparisonRows(groups: Readonly<Record<string, readonly number[]>>, table: ArrayLike<number>, baseline: string): ComparisonRow[] {
  if (!Object.hasOwn(groups, baseline)) throw new Error(`baseline '${baseline}' is not among the methods (${Object.keys(groups).join(', ')})`);
  return Object.entries(groups).map(([method, values]) => {
    const s = summarize(values);
    return {
      method, runs: s.count, mean: s.mean, std: s.std,
      meanPercentile: values.reduce((sum, v) => sum + percentileRank(table, v), 0) / values.length,
      pVsBaseline: method === baseline ? null : mannWhitneyU([...values], [...groups[baseline]]).p,
    };
  });
}

/** One row of the max-of-K table: a method at one K over its runs, with the paper's value. */
export interface MaxOfKRow extends ComparisonRow {
  readonly k: number;
  /** The paper's value for this method and K, when it prints one. */
  readonly paper: number | null;
}

/**
 * `comparisonRows` at every K of max-of-K runs (method by method, K within method).
 * @param methods name → runs; `paper` name → values per K (same order as `ks`).
 * @throws Error when `baseline` is not among the methods.
 */
export function maxOfKRows(methods: Readonly<Record<string, readonly MaxOfKRun[]>>, ks: readonly number[], table: ArrayLike<number>, baseline: string, paper: Readonly<Record<string, readonly number[]>> = {}): MaxOfKRow[] {
  if (!Object.hasOwn(methods, baseline)) throw new Error(`baseline '${baseline}' is not among the methods (${Object.keys(methods).join(', ')})`);
  const perK = ks.map((_, j) => comparisonRows(Object.fromEntries(Object.entries(methods).map(([m, runs]) => [m, runs.map((r) => r.maxima[j])])), table, baseline));
  return Object.keys(methods).flatMap((method, i) => ks.map((k, j) => ({ ...perK[j][i], k, paper: paper[method]?.[j] ?? null })));
}

/**
 * One max-of-K run per seed, each from `Rng(seed).fork('max-of-k/<label>')`, with the sampler and the
 * excluded keys the seed uses (e.g. the VAE replica and evaluated set assigned to it).
 */
export function maxOfKSeeds<C>(
  problem: SearchProblem<C>,
  options: { label: string; ks: readonly number[]; seeds: readonly number[]; sampler: (seed: number) => CellSampler<C>; exclude: (seed: number) => ReadonlySet<string>; lookup?: TableLookup<C>; maxDraws?: number },
): MaxOfKRun[] {
  const lookup = options.lookup ?? tableLookup(problem);
  return options.seeds.map((seed) => maxOfK(problem, options.sampler(seed), options.ks, { rng: new Rng(seed).fork(`max-of-k/${options.label}`), exclude: options.exclude(seed), lookup, maxDraws: options.maxDraws }));
}

/** Mean cost of a method's max-of-K runs: draws per run and how they split. */
export interface SamplingCost {
  readonly draws: number;
  readonly outsideTable: number;
  readonly duplicates: number;
  /** Redraws inside the sampler by reason (invalid decodes, already evaluated cells), per run. */
  readonly invalid: number;
  readonly excluded: number;
}

/** Means over runs of the counts in `MaxOfKRun`. @throws RangeError for no runs. */
export function samplingCost(runs: readonly MaxOfKRun[]): SamplingCost {
  if (runs.length === 0) throw new RangeError('samplingCost needs at least one run');
  const mean = (f: (r: MaxOfKRun) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  return {
    draws: mean((r) => r.draws), outsideTable: mean((r) => r.outsideTable), duplicates: mean((r) => r.duplicates),
    invalid: mean((r) => r.redraws.invalid ?? 0), excluded: mean((r) => r.redraws.excluded ?? 0),
  };
}
