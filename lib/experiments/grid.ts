// Grids of search configurations (DNAS Table 1, Table 3), the paper's numbers beside them, and a
// runner that executes a grid seed by seed through runSeeds (resumable, results on disk).
// No statistics here: lib/analysis summarises what this returns.
import type { SearchResult } from '../search/search';
import { startProgress } from '../report/progress';
import { runSeeds, type RunProgress } from './runner';

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
  /** Wall seconds of this call for the config (~0 when every seed was reused). */
  readonly wallSeconds: number;
  /** Sum of the seeds' own wall seconds as their manifests recorded them, reused seeds included. */
  readonly seedSeconds: number;
}

/**
 * Run every config of a grid for `seeds` (0..seeds−1) on `options.space` (a problems.ts name,
 * default 'nb101') through runSeeds:
 * results go to `<resultsDir>/<experiment>[-<label>]/<algo>-<budget>/seed-<k>/`, finished seeds
 * are reused, interrupted ones resume. `onProgress` reports each finished seed; `progress: true` also shows
 * one live progress over all grid.length × seeds items (notebook output or CLI bar, lib/report/progress.ts)
 * with the config as note. Default false: tests and scripts that print their own lines stay quiet.
 */
export async function runGrid(
  grid: readonly GridConfig[],
  options: { seeds: number; experiment: string; space?: string; resultsDir?: string; workers?: number; progress?: boolean; onProgress?: (config: GridConfig, progress: RunProgress) => void },
): Promise<GridRun[]> {
  const runs: GridRun[] = [];
  const bar = options.progress === true && grid.length * options.seeds > 0 ? startProgress(options.experiment, grid.length * options.seeds) : null;
  try {
    for (const config of grid) {
      const experiment = config.label === config.algo ? options.experiment : `${options.experiment}-${slug(config.label)}`;
      const out = await runSeeds({
        space: options.space ?? 'nb101',
        algo: config.algo,
        budget: config.budget,
        algoOptions: config.algoOptions ?? {},
        seeds: Array.from({ length: options.seeds }, (_, i) => i),
        experiment,
        resultsDir: options.resultsDir,
        workers: options.workers,
        quiet: true,
        onProgress: (p) => {
          bar?.tick(runs.length * options.seeds + p.done, configName(config));
          options.onProgress?.(config, p);
        },
      });
      runs.push({ config, results: out.seeds.map((s) => s.result), seedDirs: out.seeds.map((s) => s.dir), wallSeconds: out.wallSeconds,
        seedSeconds: out.seeds.reduce((sum, s) => sum + s.wallSeconds, 0) });
    }
  } catch (error) {
    bar?.finish(`failed at ${configName(grid[runs.length])}`);
    throw error;
  }
  bar?.finish();
  return runs;
}

/** A config as the progress note names it: its label, and its budget when the label is just the algorithm. */
function configName(config: GridConfig): string {
  return config.label === config.algo ? `${config.algo}-${config.budget}` : config.label;
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
