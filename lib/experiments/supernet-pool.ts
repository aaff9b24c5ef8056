// Runs the supernet notebooks' long jobs (supernet trainings, stand-alone trainings, searches) on
// worker threads, one per core: on this 2-core machine 4 stand-alone trainings finish 1.49× sooner on
// two threads than in one (bench/supernet-pool.ts). Results are the ones the same jobs give in this thread.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startProgress } from '../report/progress';
import { runOnWorkerPool } from '../worker-pool';
import { splitsIdentity, trainedSupernet, type ImageSplits, type ImageSplitsSource, type TrainedSupernet } from './supernet';
import { describeJob, evaluateJob, runSupernetJob, supernetOptions, type EvaluationSizes, type JobOutcome, type JobResult, type SupernetPoolJob, type SupernetSettings } from './supernet-jobs';
import type { SupernetConfig } from './supernet';

/** A job as sent to a worker thread: with the arguments that load its images and their identity. */
export interface SupernetWorkerJob {
  readonly job: SupernetPoolJob;
  readonly source: ImageSplitsSource;
  /** JSON of `splitsIdentity` of the caller's splits; the worker checks its own against it. */
  readonly identity: string;
}

/** Steps (or seeds) a running job has done. */
export interface StepProgress {
  readonly done: number;
  readonly total: number;
}

/** Options of `runSupernetJobs`. */
export interface SupernetPoolOptions {
  /** Worker threads (default min(2, cores, distinct jobs)); 0 runs every job in this thread, in order. */
  readonly workers?: number;
  /** Show one live progress bar over the jobs, naming the running ones and their steps (default false). */
  readonly progress?: boolean;
  /** The bar's label (default `supernet jobs`). */
  readonly label?: string;
  /** Called once per distinct job when it is done, with a one-line account (e.g. for console.log). */
  readonly onDone?: (line: string) => void;
}

/**
 * Run `jobs` on worker threads and return their results in order: a `TrainedSupernet` (loaded from
 * the cache the worker trained it into) for supernet jobs, a `StandaloneResult` for stand-alone jobs,
 * `OneShotRuns` for search jobs. Identical jobs run once. Jobs go out in the order given, so put the
 * longest first. Search jobs need their supernet trained before the call (they never train it).
 * Every job caches what it computes, so a killed run loses at most the jobs in flight, and a
 * supernet training resumes from its last checkpoint.
 * @throws RangeError for a bad worker count; the first failing job's error, naming the job.
 */
export async function runSupernetJobs<const J extends readonly SupernetPoolJob[]>(splits: ImageSplits, jobs: J, options: SupernetPoolOptions = {}): Promise<{ -readonly [K in keyof J]: JobResult<J[K]> }> {
  // Identical jobs run once: `slot` maps each job's JSON to its place among the distinct jobs.
  const slot = new Map<string, number>();
  const distinct: SupernetPoolJob[] = [];
  const slots = jobs.map((job) => {
    const id = JSON.stringify(job);
    if (!slot.has(id)) slot.set(id, distinct.push(job) - 1);
    return slot.get(id)!;
  });
  const workers = options.workers ?? Math.min(2, availableParallelism(), distinct.length);
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be an integer ≥ 0: got ${workers}`);
  const started = Date.now();
  const bar = options.progress === true && distinct.length > 0 ? startProgress(options.label ?? 'supernet jobs', distinct.length) : null;
  const running = new Map<number, StepProgress>();
  let finished = 0;
  const note = () => [...running].map(([i, p]) => `${describeJob(distinct[i])} ${p.done}/${p.total}`).join(' · ');
  const onProgress = (index: number, progress: StepProgress) => {
    running.set(index, progress);
    bar?.tick(finished, note());
  };
  const onDone = (index: number, outcome: JobOutcome) => {
    running.delete(index);
    finished++;
    bar?.tick(finished, note());
    options.onDone?.(`${describeJob(distinct[index])}: ${describeOutcome(outcome)} (${finished}/${distinct.length} done, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  };
  let outcomes: JobOutcome[];
  try {
    if (workers === 0) {
      outcomes = [];
      for (const [index, job] of distinct.entries()) {
        const outcome = await runSupernetJob(splits, job, (done, total) => onProgress(index, { done, total }));
        outcomes.push(outcome);
        onDone(index, outcome);
      }
    } else {
      const identity = JSON.stringify(splitsIdentity(splits));
      const sent: SupernetWorkerJob[] = distinct.map((job) => ({ job, source: splits.source, identity }));
      outcomes = await runOnWorkerPool<SupernetWorkerJob, JobOutcome, StepProgress>(join(__dirname, 'supernet-worker.ts'), sent, workers, {
        onProgress,
        onDone,
        toError: (reply) => {
          const error = new Error(`${describeJob(distinct[reply.index])}: ${reply.message}`);
          error.name = reply.name;
          if (reply.stack !== undefined) error.stack = `${error.name}: ${error.message}\n(worker stack) ${reply.stack}`;
          return error;
        },
      });
    }
    bar?.finish(`${distinct.length} jobs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (err) {
    bar?.finish(`failed: ${(err as Error).message}`);
    throw err;
  }
  const results = distinct.map((job, i) => resultOf(splits, job, outcomes[i]));
  return slots.map((i) => results[i]) as { -readonly [K in keyof J]: JobResult<J[K]> };
}

/**
 * Inherited-weight accuracies of cells (by space key) on an already trained supernet, in key order:
 * the keys split into `parts` contiguous evaluate jobs (default 2, one per core) on the pool. The
 * accuracies persist beside the supernet, so a rerun reads them back.
 * @throws RangeError when parts is not a positive integer; what runSupernetJobs throws.
 */
export async function evaluateOnPool(splits: ImageSplits, supernet: SupernetSettings<SupernetConfig>, sizes: EvaluationSizes, keys: readonly string[], options: SupernetPoolOptions & { parts?: number } = {}): Promise<number[]> {
  const { parts = 2, ...pool } = options;
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`parts must be a positive integer: got ${parts}`);
  if (keys.length === 0) return [];
  const size = Math.ceil(keys.length / parts);
  const chunks = Array.from({ length: Math.ceil(keys.length / size) }, (_, i) => keys.slice(i * size, (i + 1) * size));
  const results = await runSupernetJobs(splits, chunks.map((chunk) => evaluateJob(supernet, sizes, chunk)), pool);
  return results.flat();
}

function resultOf(splits: ImageSplits, job: SupernetPoolJob, outcome: JobOutcome): unknown {
  if (outcome.kind === 'standalone') return outcome.result;
  if (outcome.kind === 'evaluate') return outcome.accuracies;
  if (outcome.kind === 'search') return outcome.runs;
  if (outcome.kind === 'gradient') return outcome.run;
  if (job.kind !== 'supernet') throw new Error(`a ${job.kind} job came back as a supernet`);
  const run = trainedSupernet(splits, supernetOptions(splits, job.settings, { trainIfMissing: false }));
  if (run.key !== outcome.key) throw new Error(`supernet job trained ${outcome.key} but this thread computes key ${run.key}: the job's data or settings differ between threads`);
  return { ...run, fromCache: outcome.fromCache, trainSeconds: outcome.trainSeconds };
}

function describeOutcome(outcome: JobOutcome): string {
  if (outcome.kind === 'supernet') return outcome.fromCache ? `${outcome.key} from the cache` : `${outcome.key} trained in ${outcome.trainSeconds.toFixed(0)} s`;
  if (outcome.kind === 'evaluate') return `${outcome.accuracies.length} sub-networks, ${outcome.computed} newly evaluated`;
  if (outcome.kind === 'standalone') {
    const r = outcome.result;
    return `val ${(100 * r.valAccuracy).toFixed(2)}%, test ${(100 * r.testAccuracy).toFixed(2)}% (${r.fromCache ? 'cached' : `${r.trainSeconds.toFixed(0)} s`})`;
  }
  if (outcome.kind === 'gradient') {
    const r = outcome.run;
    return `derived ${r.derived}, ${(100 * r.parameterFreeShare).toFixed(0)}% parameter-free (${r.fromCache ? 'cached' : `${r.searchSeconds.toFixed(0)} s`})`;
  }
  const best = outcome.runs.results.map((r) => (r.best === null ? '–' : r.best.searchAccuracy.toFixed(4)));
  return `best ${best.join(' ')} (${outcome.runs.evaluationsComputed} new evaluations, ${outcome.runs.seconds.toFixed(0)} s)`;
}
