// The supernet notebooks' long jobs as plain data, so a pool of worker threads can run them on the
// machine's cores: training a supernet, training a sub-network stand-alone, one method's seeded
// searches on a trained supernet, and one gradient-based search (which trains its own supernet). `runSupernetJob` runs one in the calling thread; the pool
// (supernet-pool.ts) and its worker (supernet-worker.ts) only move jobs and results around.
import type { ControllerSearchOptions } from '../search/controller-search';
import type { FlopsLimit } from '../search/flops-limit';
import type { Architecture, SupernetSpaceConfig } from '../supernet/space';
import type { WeightSharingNet } from '../supernet/weight-sharing';
import { gradientRun, type GradientRun, type GradientRunSettings } from './gradient-runs';
import { inheritedAccuracies } from './nb201-oneshot';
import { flopsLimitedAlgorithm, oneShotSearchRuns, type OneShotRuns, type Table2Method } from './flops-bands';
import { searchEvaluationData, supernetEvaluator, trainedSupernet, trainStandalone, type ImageSplits, type NetOf, type StandaloneOptions, type StandaloneResult, type SupernetConfig, type TrainedSupernet, type TrainedSupernetOptions } from './supernet';

/** How many validation and calibration images evaluate sub-networks (a schedule's `calibration` and `evaluation`). */
export interface EvaluationSizes {
  readonly calibration: number;
  readonly evaluation: number;
}

/** What fixes a supernet's weights: `trainedSupernet`'s options as plain data (always cached). */
export type SupernetSettings<C extends SupernetConfig = SupernetSpaceConfig> = Pick<TrainedSupernetOptions<C>, 'config' | 'steps' | 'batchSize' | 'learningRate' | 'seed' | 'sampling' | 'cacheDir'> & {
  /** VAENAS only: the images that rank Γ's draws (`searchEvaluationData` of these sizes). */
  readonly rankingImages?: EvaluationSizes;
};

/** Train (or load) a supernet into the cache. */
export interface SupernetJob<C extends SupernetConfig = SupernetSpaceConfig> {
  readonly kind: 'supernet';
  readonly settings: SupernetSettings<C>;
}

/**
 * Evaluate sub-networks (by space key) with an already trained supernet's inherited weights; the
 * accuracies persist beside it (`supernetEvaluator`), so a rerun reads them back.
 */
export interface EvaluateJob {
  readonly kind: 'evaluate';
  readonly supernet: SupernetSettings<SupernetConfig>;
  readonly evaluation: EvaluationSizes;
  readonly keys: readonly string[];
}

/** Train one sub-network from scratch and test it (`trainStandalone`). */
export interface StandaloneJob {
  readonly kind: 'standalone';
  readonly config: SupernetSpaceConfig;
  readonly arch: Architecture;
  readonly options: Omit<StandaloneOptions, 'onSteps'>;
}

/** One method's seeded searches under a FLOPs limit on an already trained supernet (`oneShotSearchRuns`). */
export interface SearchJob {
  readonly kind: 'search';
  /** The supernet whose space the FLOPs-limited searches run on (layer-choice or NAS-Bench-201). */
  readonly supernet: SupernetSettings<SupernetConfig>;
  readonly evaluation: EvaluationSizes;
  readonly method: Table2Method;
  /** undefined: no limit (the open band). */
  readonly limit: FlopsLimit | undefined;
  readonly budget: number;
  readonly seeds: readonly number[];
  readonly controllerOverrides?: Partial<ControllerSearchOptions>;
}

/** One gradient-based search, GDAS-style or VAENAS Algorithm 3, on a supernet of its own (`gradientRun`, cached). */
export interface GradientJob {
  readonly kind: 'gradient';
  readonly settings: GradientRunSettings;
}

/** Any job of the pool. */
export type SupernetPoolJob = SupernetJob<SupernetConfig> | EvaluateJob | StandaloneJob | SearchJob | GradientJob;

/** What a job gives back (an evaluate job: one inherited accuracy per key, in order). */
export type JobResult<J extends SupernetPoolJob> = J extends SupernetJob<infer C> ? TrainedSupernet<NetOf<C>> : J extends EvaluateJob ? number[] : J extends StandaloneJob ? StandaloneResult : J extends SearchJob ? OneShotRuns : J extends GradientJob ? GradientRun : never;

/** A job's result as it crosses threads: a supernet comes back as its cache entry, the rest as they are. */
export type JobOutcome =
  | { readonly kind: 'supernet'; readonly key: string; readonly fromCache: boolean; readonly trainSeconds: number }
  | { readonly kind: 'evaluate'; readonly accuracies: number[]; readonly computed: number }
  | { readonly kind: 'standalone'; readonly result: StandaloneResult }
  | { readonly kind: 'search'; readonly runs: OneShotRuns }
  | { readonly kind: 'gradient'; readonly run: GradientRun };

/** A supernet job (`cache` must stay on: other threads read the weights from there). */
export function supernetJob<C extends SupernetConfig>(settings: SupernetSettings<C>): SupernetJob<C> {
  return { kind: 'supernet', settings };
}

/** An evaluation job (its supernet must be trained before the job starts). */
export function evaluateJob(supernet: SupernetSettings<SupernetConfig>, evaluation: EvaluationSizes, keys: readonly string[]): EvaluateJob {
  return { kind: 'evaluate', supernet, evaluation, keys: [...keys] };
}

/** A stand-alone training job. */
export function standaloneJob(config: SupernetSpaceConfig, arch: Architecture, options: Omit<StandaloneOptions, 'onSteps'>): StandaloneJob {
  return { kind: 'standalone', config, arch: [...arch], options };
}

/** A search job (its supernet must be trained before the job starts). */
export function searchJob(job: Omit<SearchJob, 'kind'>): SearchJob {
  return { kind: 'search', ...job };
}

/** A gradient-based search job. */
export function gradientJob(settings: GradientRunSettings): GradientJob {
  return { kind: 'gradient', settings };
}

/** A short name of a job for progress lines, e.g. `supernet vaenas`, `stand-alone sep3-…`, `search dnas ≤ 1.2M`. */
export function describeJob(job: SupernetPoolJob): string {
  if (job.kind === 'supernet') return `supernet ${job.settings.sampling.kind}`;
  if (job.kind === 'standalone') return `stand-alone ${job.arch.join('-')}`;
  if (job.kind === 'evaluate') return `evaluate ${job.keys.length} on supernet ${job.supernet.sampling.kind} seed ${job.supernet.seed}`;
  if (job.kind === 'gradient') return `gradient-based search (${job.settings.sampler.kind}) seed ${job.settings.seed}`;
  const limit = job.limit === undefined ? 'no limit' : job.limit.aboveM === undefined ? `≤ ${job.limit.limitM}M` : `in (${job.limit.aboveM}M, ${job.limit.limitM}M]`;
  return `search ${job.method} ${limit}`;
}

/** `trainedSupernet`'s options for settings (cache on). */
export function supernetOptions<C extends SupernetConfig>(splits: ImageSplits, settings: SupernetSettings<C>, extra: Partial<TrainedSupernetOptions<C>> = {}): TrainedSupernetOptions<C> {
  const { rankingImages, ...rest } = settings;
  return { ...rest, cache: true, rankingData: rankingImages === undefined ? undefined : searchEvaluationData(splits, rankingImages), ...extra };
}

/**
 * Run `job` in this thread on `splits` (which must be the job's data). `onSteps` hears training
 * steps (supernet and stand-alone jobs) or finished seeds (search jobs).
 */
export async function runSupernetJob(splits: ImageSplits, job: SupernetPoolJob, onSteps?: (done: number, total: number) => void): Promise<JobOutcome> {
  if (job.kind === 'supernet') {
    const run = trainedSupernet(splits, supernetOptions(splits, job.settings, { onSteps }));
    run.supernet.dispose();
    return { kind: 'supernet', key: run.key, fromCache: run.fromCache, trainSeconds: run.trainSeconds };
  }
  if (job.kind === 'standalone') return { kind: 'standalone', result: trainStandalone(splits, job.config, job.arch, { ...job.options, onSteps }) };
  if (job.kind === 'gradient') return { kind: 'gradient', run: gradientRun(splits, job.settings, { onSteps }) };
  if (job.kind === 'evaluate') {
    const run = trainedSupernet(splits, supernetOptions(splits, job.supernet, { trainIfMissing: false })) as TrainedSupernet<WeightSharingNet<unknown>>;
    try {
      const evaluator = supernetEvaluator(run, searchEvaluationData(splits, job.evaluation));
      const accuracies = inheritedAccuracies(evaluator, job.keys.map((key) => run.supernet.architecture(key)), onSteps);
      return { kind: 'evaluate', accuracies, computed: evaluator.computed };
    } finally {
      run.supernet.dispose();
    }
  }
  const run = trainedSupernet(splits, supernetOptions(splits, job.supernet, { trainIfMissing: false })) as TrainedSupernet<WeightSharingNet<unknown>>;
  try {
    const evaluator = supernetEvaluator(run, searchEvaluationData(splits, job.evaluation));
    let done = 0;
    const runs = await oneShotSearchRuns(evaluator, job.method, () => flopsLimitedAlgorithm(job.method, job.limit, job.budget, job.controllerOverrides), {
      budget: job.budget,
      seeds: job.seeds,
      onRun: () => onSteps?.(++done, job.seeds.length),
    });
    return { kind: 'search', runs };
  } finally {
    run.supernet.dispose();
  }
}
