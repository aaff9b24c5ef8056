// Grids of search configurations (DNAS Table 1, Table 3), the paper's numbers beside them, and a
// runner that executes grids as one list of (config, seed) jobs on one worker pool (runner.ts:
// resumable, results on disk).
// No statistics here: lib/analysis summarises what this returns.
import type { SearchAlgorithm, SearchResult } from '../search/search';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../canonical-json';
import { resultsRoot } from '../project-folders';
import { startProgress } from '../report/progress';
import { createAlgorithm } from '../search/algorithms';
import { currentProvenance, defaultWorkers, runSeedJobs, seedJobs, type Provenance, type RunProgress, type SeedJob, type SeedSummary } from './runner';

/** One cell of a grid: an algorithm at a budget with its options, and a label for tables. */
export interface GridConfig {
  readonly label: string;
  readonly algo: string;
  readonly budget: number;
  readonly algoOptions?: Readonly<Record<string, unknown>>;
}

/** DNAS Table 1 (NAS-Bench-101, test accuracy of the full benchmark, fractions of 1). */
export const TABLE1_PAPER: readonly { readonly algo: string; readonly budget: number; readonly accuracy: number }[] = [
  { algo: 'random', budget: 2000, accuracy: 0.9366 },
  { algo: 're', budget: 2000, accuracy: 0.9397 },
  { algo: 'nao', budget: 2000, accuracy: 0.9387 },
  { algo: 'semi', budget: 2100, accuracy: 0.9409 },
  { algo: 'semi', budget: 300, accuracy: 0.9398 },
  { algo: 'dnas', budget: 300, accuracy: 0.9421 },
  { algo: 'dnas', budget: 150, accuracy: 0.9402 },
];

/** DNAS Table 3 (200 queries, 20 runs): top-1 and top-10 average, mean ± std, fractions of 1. */
export const TABLE3_PAPER: readonly { readonly dense: boolean; readonly disentangle: boolean; readonly top1: [number, number]; readonly top10: [number, number] }[] = [
  { dense: false, disentangle: false, top1: [0.9394, 0.0013], top10: [0.9359, 0.0011] },
  { dense: false, disentangle: true, top1: [0.9394, 0.0009], top10: [0.9362, 0.0012] },
  { dense: true, disentangle: false, top1: [0.9397, 0.0009], top10: [0.9365, 0.0008] },
  { dense: true, disentangle: true, top1: [0.9405, 0.0012], top10: [0.9369, 0.0006] },
];

/**
 * A small controller schedule for smoke runs: it exercises every step of the loop in seconds;
 * its search quality means nothing.
 */
export const SMOKE_CONTROLLER_OPTIONS = {
  stepsLabelled: 5,
  warmStepsLabelled: 2,
  stepsCombined: 2,
  warmStepsCombined: 1,
  unlabelled: 20,
  maxEta: 10,
  batchSize: 16,
  controller: { hidden: 8, latentDim: 4 },
} as const;

/**
 * A small schedule of the improved DNAS for smoke runs (seconds; its search quality means nothing).
 */
export const SMOKE_LATENT_OPTIONS = { starts: 3, regionDraws: 20, predictor: { members: 2, hidden: [8], epochs: 5 } } as const;

const CONTROLLER_ALGOS = new Set(['nao', 'semi', 'dnas']);

/** Searches that run on a pretrained latent space and need its folder as `latentModel`: the improved DNAS. */
export const LATENT_MODEL_ALGOS: ReadonlySet<string> = new Set(['dnas-acq']);

/**
 * The methods of both Table 1 notebooks: the paper's five, the improved DNAS (`dnas-acq`, issue 18:
 * on the pretrained latent space, ranked by an acquisition function), then the modern baselines of
 * issue 9 (local search and BANANAS-style predictor-guided search), which the paper does not run.
 */
export const TABLE1_METHODS = ['random', 're', 'nao', 'semi', 'dnas', 'dnas-acq', 'ls', 'bananas'] as const;

/** The searches the notebooks' verdicts hold against the modern baselines: the paper-faithful and the improved DNAS. */
export const DNAS_VARIANTS = ['dnas', 'dnas-acq'] as const;

/** The options of a method in a grid: the smoke schedules at smoke scale, the latent model for the improved DNAS. */
function methodOptions(algo: string, scale: 'smoke' | 'full', latentModel: string | undefined): Readonly<Record<string, unknown>> | undefined {
  if (LATENT_MODEL_ALGOS.has(algo)) return { latentModel, ...(scale === 'smoke' ? SMOKE_LATENT_OPTIONS : {}) };
  return CONTROLLER_ALGOS.has(algo) && scale === 'smoke' ? SMOKE_CONTROLLER_OPTIONS : undefined;
}

/** TABLE1_METHODS, without the improved DNAS when no latent model is given. */
function table1Methods(latentModel: string | undefined): readonly string[] {
  return TABLE1_METHODS.filter((algo) => latentModel !== undefined || !LATENT_MODEL_ALGOS.has(algo));
}

/** The baselines DNAS is held against in the notebooks' verdicts, and the budgets of that verdict. */
export const MODERN_BASELINES = ['bananas', 'ls'] as const;
export const VERDICT_BUDGETS = [150, 300] as const;

/**
 * Table 1's grid: the paper's rows plus every method (TABLE1_METHODS) at 150 and 300 queries ("full"), or every
 * method at `smokeBudget` queries with the smoke schedules ("smoke"). The improved DNAS is in the grid
 * only when `latentModel` (a pretrained latent space's folder) is given.
 */
export function table1Grid(scale: 'smoke' | 'full', smokeBudget = 20, latentModel?: string): GridConfig[] {
  const methods = table1Methods(latentModel);
  const paperBudgets: Record<string, number[]> = { random: [150, 300, 2000], re: [150, 300, 2000], nao: [150, 300, 2000], semi: [150, 300, 2100] };
  return methods.flatMap((algo) => (scale === 'smoke' ? [smokeBudget] : paperBudgets[algo] ?? [150, 300]).map((budget) => {
    const algoOptions = methodOptions(algo, scale, latentModel);
    return algoOptions === undefined ? { label: algo, algo, budget } : { label: algo, algo, budget, algoOptions };
  }));
}

/**
 * Table 1's second grid, on the 30k validation sample (search on validation, report test): every
 * method at 150 and 300 queries ("full"; the budgets where the methods differ most), or the smoke grid.
 * The paper's 2,000-query rows stay on the complete table, where they are comparable in unit.
 */
export function table1SampleGrid(scale: 'smoke' | 'full', smokeBudget = 20, latentModel?: string): GridConfig[] {
  return table1Grid(scale, smokeBudget, latentModel).filter((config) => config.budget <= 300);
}

/**
 * Regularized evolution as NAS-Bench-201's own baseline runs it: population 10, tournament 3
 * (D-X-Y/AutoDL-Projects scripts-search/algos/R-EA.sh). The NAS-Bench-101 settings (population 100)
 * would make every budget ≤ 100 of this table pure random search.
 */
export const NB201_EVOLUTION_OPTIONS = { populationSize: 10, tournamentSize: 3 } as const;

/** The query budgets of the NAS-Bench-201 table (issue 7: 50/100/150/300). */
export const NB201_TABLE1_BUDGETS = [50, 100, 150, 300] as const;

/**
 * Table 1's protocol on NAS-Bench-201: every method at every budget of NB201_TABLE1_BUDGETS
 * ("full"), or every method at `smokeBudget` queries with the smoke controller schedule ("smoke").
 * Controller searches keep their NAS-Bench-101 defaults; evolution takes NB201_EVOLUTION_OPTIONS.
 */
export function table1Nb201Grid(scale: 'smoke' | 'full', smokeBudget = 20, latentModel?: string): GridConfig[] {
  const budgets: readonly number[] = scale === 'smoke' ? [smokeBudget] : NB201_TABLE1_BUDGETS;
  return table1Methods(latentModel).flatMap((algo) => budgets.map((budget) => ({
    label: algo,
    algo,
    budget,
    algoOptions: algo === 're' ? NB201_EVOLUTION_OPTIONS : methodOptions(algo, scale, latentModel),
  })));
}

/**
 * Table 3's grid: DNAS with dense-sampling and disentanglement each on or off, semi-supervised
 * throughout, 200 queries ("full") or `smokeBudget` with the smoke schedule. With `latent` given,
 * the same 2 × 2 of the improved DNAS follows (labels prefixed 'improved'): dense-sampling
 * candidates on or off, and disentanglement as the latent space it runs on — the β-VAE (`latent.vae`)
 * or a deterministic auto-encoder pretrained the same way (`latent.autoencoder`).
 */
export function table3Grid(scale: 'smoke' | 'full', smokeBudget = 20, latent?: { readonly vae: string; readonly autoencoder: string }): GridConfig[] {
  const budget = scale === 'full' ? 200 : smokeBudget;
  const faithful = TABLE3_PAPER.map(({ dense, disentangle }) => ({
    label: `dense ${dense ? 'Y' : 'N'}, disentangle ${disentangle ? 'Y' : 'N'}`,
    algo: 'dnas',
    budget,
    algoOptions: { dense, disentangle, semiSupervised: true, ...(scale === 'smoke' ? SMOKE_CONTROLLER_OPTIONS : {}) },
  }));
  if (latent === undefined) return faithful;
  const improved = TABLE3_PAPER.map(({ dense, disentangle }) => ({
    label: `improved, dense ${dense ? 'Y' : 'N'}, disentangle ${disentangle ? 'Y' : 'N'}`,
    algo: 'dnas-acq',
    budget,
    algoOptions: { ...methodOptions('dnas-acq', scale, disentangle ? latent.vae : latent.autoencoder), dense },
  }));
  return [...faithful, ...improved];
}

/** A finished grid cell: its config, every seed's result and the seed folders. */
export interface GridRun {
  readonly config: GridConfig;
  readonly results: SearchResult[];
  readonly seedDirs: string[];
  /**
   * Sum of the seeds' own wall seconds as their manifests recorded them, reused seeds included: what
   * the search takes at this budget (a seed read off a longer run: that run's seconds up to the snapshot).
   */
  readonly seedSeconds: number;
  /** What the seeds cost the grid: seedSeconds without the seeds read off a longer run (their time is that run's). */
  readonly ranSeconds: number;
  /** Seeds read off a longer run of the same search (budget-snapshot.ts). */
  readonly readOffSeeds: number;
}

/** One grid on one search space, its results under one experiment folder (runGrids runs several on one pool). */
export interface GridPart {
  readonly grid: readonly GridConfig[];
  /** A problems.ts name (default 'nb101'). */
  readonly space?: string;
  readonly experiment: string;
}

/** Options of runGrid / runGrids. */
export interface RunGridOptions {
  /** Seeds 0..seeds−1 of every config. */
  readonly seeds: number;
  readonly resultsDir?: string;
  /** Worker threads for the whole grid (default: runner.ts's defaultWorkers); 0 runs on this thread. */
  readonly workers?: number;
  /** One live progress over every (config, seed) item (notebook output or CLI bar); default false. */
  readonly progress?: boolean;
  /** Each finished seed, with its config and that config's count so far. */
  readonly onProgress?: (config: GridConfig, progress: RunProgress) => void;
  /** Fill an anytime search's smaller budgets from snapshots of its largest (default true; see gridJobs). */
  readonly deriveBudgets?: boolean;
}

/**
 * Run every config of a grid for `seeds` (0..seeds−1) on `options.space` (a problems.ts name,
 * default 'nb101'): results go to `<resultsDir>/<experiment>[-<label>]/<algo>-<budget>/seed-<k>/`,
 * finished seeds are reused, interrupted ones resume (runner.ts). See runGrids for the schedule.
 */
export async function runGrid(grid: readonly GridConfig[], options: RunGridOptions & { readonly space?: string; readonly experiment: string }): Promise<GridRun[]> {
  const [runs] = await runGrids([{ grid, space: options.space, experiment: options.experiment }], options);
  return runs;
}

/**
 * Run several grids (e.g. one per NAS-Bench-201 data set) as one job list on one worker pool:
 * every (config, seed) pair is a job, started in gridJobOrder (grouped by algorithm, largest budget
 * first), so no worker waits at a config's end. Each seed's result depends on its config and seed only, never on the order or the thread.
 * `progress: true` shows one live progress over all items with the finished seed's config as note.
 * @returns per part, per config in grid order, the seeds in order.
 * @throws as runSeeds (checked for every config before any job starts); the first job's failure.
 */
export async function runGrids(parts: readonly GridPart[], options: RunGridOptions): Promise<GridRun[][]> {
  const { cells, order, trainingMemo } = gridJobs(parts, options);
  const total = order.length;
  const label = parts.map((p) => p.experiment).join(', ');
  const bar = options.progress === true && total > 0 ? startProgress(label, total) : null;
  const done = cells.map(() => 0);
  let finished = 0;
  let summaries: SeedSummary[];
  try {
    summaries = await runSeedJobs(order.map(({ cell, seed }) => cells[cell].jobs[seed]), options.workers ?? defaultWorkers(total), (index, summary) => {
      const { cell } = order[index];
      const config = cells[cell].config;
      bar?.tick(++finished, configName(config));
      options.onProgress?.(config, { done: ++done[cell], total: cells[cell].jobs.length, seed: summary.seed, skipped: summary.skipped, etaSeconds: null });
      // The seeds it filled from snapshots, in the order of its job's `derived` (the derived cells in grid order).
      const filled = cells.flatMap((c, i) => (c.derivedFrom === cell ? [i] : []));
      summary.derived?.forEach((d, k) => options.onProgress?.(cells[filled[k]].config, { done: ++done[filled[k]], total: cells[filled[k]].jobs.length, seed: d.seed, skipped: d.skipped, etaSeconds: null }));
    });
  } catch (error) {
    bar?.finish(`failed after ${finished} of ${total}`);
    throw error;
  }
  bar?.finish();
  // Every seed is finished: what is left in the memo would only be read by a rerun, which reuses the seeds instead.
  if (trainingMemo !== null) rmSync(trainingMemo, { recursive: true, force: true });
  const bySeed = cells.map((c) => new Array<SeedSummary>(c.jobs.length));
  order.forEach(({ cell, seed }, index) => (bySeed[cell][seed] = summaries[index]));
  cells.forEach((c, i) => {
    if (c.derivedFrom === undefined) return;
    const source = cells[c.derivedFrom];
    c.jobs.forEach((job, seed) => (bySeed[i][seed] = bySeed[c.derivedFrom!][seed].derived![source.jobs[seed].derived!.findIndex((d) => d.dir === job.dir)]));
  });
  return parts.map((_, p) => cells.flatMap((c, i) => (c.part !== p ? [] : [{
    config: c.config,
    results: bySeed[i].map((s) => s.result),
    seedDirs: bySeed[i].map((s) => s.dir),
    seedSeconds: bySeed[i].reduce((sum, s) => sum + s.wallSeconds, 0),
    ranSeconds: bySeed[i].reduce((sum, s) => sum + (s.derivedFrom === undefined ? s.wallSeconds : 0), 0),
    readOffSeeds: bySeed[i].filter((s) => s.derivedFrom !== undefined).length,
  }])));
}

/** A grid's configs with their seed jobs (grid order), and the jobs' start order. */
export interface GridJobs {
  readonly cells: readonly GridCell[];
  /** (cell, seed) pairs in start order (gridJobOrder); cells filled by another's snapshots have none. */
  readonly order: readonly { readonly cell: number; readonly seed: number }[];
  /** The folder of the training memo its jobs share (null: none share one); runGrids removes it when the grid is done. */
  readonly trainingMemo: string | null;
}

/** One config of a grid with its seed jobs. */
export interface GridCell {
  readonly part: number;
  readonly config: GridConfig;
  readonly experiment: string;
  readonly jobs: readonly SeedJob[];
  /**
   * The cell whose jobs fill this one's seeds from snapshots (the same anytime search at a larger
   * budget: budget-snapshot.ts), its seed k's job listing this cell's seed k in `derived`; absent: run on its own.
   */
  readonly derivedFrom?: number;
}

/**
 * Every (config, seed) job of several grids, each config checked (runSeeds' rules) and its folder
 * named, and their start order; nothing is run. runGrids runs them on one pool; a Slurm array
 * task runs its slice of the same order (slurm-array.ts). With `deriveBudgets` (default true), an
 * anytime search that a part runs with the same options at several budgets runs only at the
 * largest, and fills the others' seeds from its snapshots (the same results as running each).
 * @throws as runSeeds for a bad config.
 */
export function gridJobs(parts: readonly GridPart[], options: { readonly seeds: number; readonly resultsDir?: string; readonly deriveBudgets?: boolean }, provenance: Provenance = currentProvenance()): GridJobs {
  const seeds = Array.from({ length: options.seeds }, (_, i) => i);
  const listed = parts.flatMap((part, p) => part.grid.map((config): GridCell => {
    const experiment = config.label === config.algo ? part.experiment : `${part.experiment}-${slug(config.label)}`;
    const { jobs } = seedJobs({ space: part.space ?? 'nb101', algo: config.algo, budget: config.budget, algoOptions: config.algoOptions ?? {}, seeds, experiment, resultsDir: options.resultsDir }, provenance);
    return { part: p, config, experiment, jobs };
  }));
  // Built once per config for what they declare (anytime, sharedTraining): a dnas-acq build hashes its latent model's weights.
  const algorithms = listed.map((c) => createAlgorithm(c.config.algo, c.config.algoOptions ?? {}));
  const derived = options.deriveBudgets === false ? listed : withDerivedBudgets(listed, algorithms);
  const trainingMemo = join(resultsRoot(options.resultsDir), '.training-memo', createHash('sha256').update(canonicalJson(parts.map((p) => [p.space ?? 'nb101', p.experiment]))).digest('hex').slice(0, 16));
  const { cells, shared } = withSharedTraining(derived, algorithms, trainingMemo);
  return { cells, order: gridJobOrder(cells.map((c) => ({ algo: c.config.algo, budget: c.config.budget, seeds: c.derivedFrom === undefined ? c.jobs.length : 0 }))), trainingMemo: shared ? trainingMemo : null };
}

/**
 * The cells with a training memo offered where two or more configs of a part, at the same budget,
 * declare the same `sharedTraining` (NAO and SemiNAS): their jobs get `trainingMemo`.
 */
function withSharedTraining(cells: readonly GridCell[], algorithms: readonly SearchAlgorithm[], dir: string): { cells: GridCell[]; shared: boolean } {
  const groups = new Map<string, number[]>();
  cells.forEach((c, i) => {
    const signature = algorithms[i].sharedTraining;
    if (signature === undefined || c.derivedFrom !== undefined) return;
    const key = `${c.part}\u0000${c.config.budget}\u0000${signature}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const out: GridCell[] = [...cells];
  let shared = false;
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    shared = true;
    for (const i of members) out[i] = { ...cells[i], jobs: cells[i].jobs.map((job) => ({ ...job, trainingMemo: dir })) };
  }
  return { cells: out, shared };
}

/**
 * The cells with each anytime search's smaller budgets derived from its largest: cells of one part
 * with the same algorithm and options (key order aside) form a group; the largest budget's jobs list
 * the others' seed folders in `derived`, and those cells name it in `derivedFrom`.
 */
function withDerivedBudgets(cells: readonly GridCell[], algorithms: readonly SearchAlgorithm[]): GridCell[] {
  const groups = new Map<string, number[]>();
  cells.forEach((c, i) => {
    if (algorithms[i].anytime !== true) return;
    const key = `${c.part}\u0000${c.config.algo}\u0000${canonicalJson(c.config.algoOptions ?? {})}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const out: GridCell[] = [...cells];
  for (const members of groups.values()) {
    const source = members.reduce((a, b) => (cells[b].config.budget > cells[a].config.budget ? b : a));
    const derived = members.filter((i) => cells[i].config.budget < cells[source].config.budget);
    if (derived.length === 0) continue;
    for (const i of derived) out[i] = { ...cells[i], derivedFrom: source };
    out[source] = { ...cells[source], jobs: cells[source].jobs.map((job, seed) => ({ ...job, derived: derived.map((i) => ({ budget: cells[i].config.budget, dir: cells[i].jobs[seed].dir })) })) };
  }
  return out;
}

/**
 * The start order of a grid's jobs: (config index, seed index) pairs. Configs are grouped by
 * algorithm (groups in the order the grid first names them), and within a group go from the
 * largest budget down (ties in grid order); each config's seeds in order. Grouping keeps a worker
 * on one kind of search for long stretches (the runner gives a thread that changes algorithm a
 * fresh start: runSeedJobs); largest-first within the last group leaves its cheapest jobs for the
 * pool's tail, so no worker idles long at the end.
 */
export function gridJobOrder(configs: readonly { readonly algo: string; readonly budget: number; readonly seeds: number }[]): { readonly cell: number; readonly seed: number }[] {
  const groups = [...new Set(configs.map((c) => c.algo))];
  const ordered = configs.map((c, i) => ({ ...c, i })).sort((a, b) => groups.indexOf(a.algo) - groups.indexOf(b.algo) || b.budget - a.budget || a.i - b.i);
  return ordered.flatMap((c) => Array.from({ length: c.seeds }, (_, seed) => ({ cell: c.i, seed })));
}

/** A config as the progress note names it: its label, and its budget when the label is just the algorithm. */
function configName(config: GridConfig): string {
  return config.label === config.algo ? `${config.algo}-${config.budget}` : config.label;
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
