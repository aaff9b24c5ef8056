// The supernet notebooks' long jobs as plain data, so a pool of worker threads can run them on the
// machine's cores: training a supernet, training a sub-network stand-alone, and one method's seeded
// searches on a trained supernet. `runSupernetJob` runs one in the calling thread; the pool
// (supernet-pool.ts) and its worker (supernet-worker.ts) only move jobs and results around.
import type { ControllerSearchOptions } from '../search/controller-search';
import type { FlopsLimit } from '../search/flops-limit';
import type { Architecture, SupernetSpaceConfig } from '../supernet/space';
import { flopsLimitedAlgorithm, oneShotSearchRuns, type OneShotRuns, type Table2Method } from './flops-bands';
import { searchEvaluationData, supernetEvaluator, trainedSupernet, trainStandalone, type ImageSplits, type StandaloneOptions, type StandaloneResult, type TrainedSupernet, type TrainedSupernetOptions } from './supernet';

/** How many validation and calibration images evaluate sub-networks (a schedule's `calibration` and `evaluation`). */
export interface EvaluationSizes {
  readonly calibration: number;
  readonly evaluation: number;
}

/** What fixes a supernet's weights: `trainedSupernet`'s options as plain data (always cached). */
export type SupernetSettings = Pick<TrainedSupernetOptions, 'config' | 'steps' | 'batchSize' | 'learningRate' | 'seed' | 'sampling' | 'cacheDir'> & {
  /** VAENAS only: the images that rank Γ's draws (`searchEvaluationData` of these sizes). */
  readonly rankingImages?: EvaluationSizes;
};

/** Train (or load) a supernet into the cache. */
export interface SupernetJob {
  readonly kind: 'supernet';
  readonly settings: SupernetSettings;
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
  readonly supernet: SupernetSettings;
  readonly evaluation: EvaluationSizes;
  readonly method: Table2Method;
  /** undefined: no limit (the open band). */
  readonly limit: FlopsLimit | undefined;
  readonly budget: number;
  readonly seeds: readonly number[];
  readonly controllerOverrides?: Partial<ControllerSearchOptions>;
}

/** Any job of the pool. */
export type SupernetPoolJob = SupernetJob | StandaloneJob | SearchJob;

/** What a job gives back. */
export type JobResult<J extends SupernetPoolJob> = J extends SupernetJob ? TrainedSupernet : J extends StandaloneJob ? StandaloneResult : J extends SearchJob ? OneShotRuns : never;

/** A job's result as it crosses threads: a supernet comes back as its cache entry, the rest as they are. */
export type JobOutcome =
  | { readonly kind: 'supernet'; readonly key: string; readonly fromCache: boolean; readonly trainSeconds: number }
  | { readonly kind: 'standalone'; readonly result: StandaloneResult }
  | { readonly kind: 'search'; readonly runs: OneShotRuns };

/** A supernet job (`cache` must stay on: other threads read the weights from there). */
export function supernetJob(settings: SupernetSettings): SupernetJob {
  return { kind: 'supernet', settings };
}

/** A stand-alone training job. */
export function standaloneJob(config: SupernetSpaceConfig, arch: Architecture, options: Omit<StandaloneOptions, 'onSteps'>): StandaloneJob {
  return { kind: 'standalone', config, arch: [...arch], options };
}

/** A search job (its supernet must be trained before the job starts). */
export function searchJob(job: Omit<SearchJob, 'kind'>): SearchJob {
  return { kind: 'search', ...job };
}

/** A short name of a job for progress lines, e.g. `supernet vaenas`, `stand-alone sep3-…`, `search dnas ≤ 1.2M`. */
export function describeJob(job: SupernetPoolJob): string {
  if (job.kind === 'supernet') return `supernet ${job.settings.sampling.kind}`;
  if (job.kind === 'standalone') return `stand-alone ${job.arch.join('-')}`;
  return `search ${job.method} ${job.limit === undefined ? 'no limit' : `≤ ${job.limit.limitM}M`}`;
}

/** `trainedSupernet`'s options for settings (cache on). */
export function supernetOptions(splits: ImageSplits, settings: SupernetSettings, extra: Partial<TrainedSupernetOptions> = {}): TrainedSupernetOptions {
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
  const run = trainedSupernet(splits, supernetOptions(splits, job.supernet, { trainIfMissing: false }));
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
