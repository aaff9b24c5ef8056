// A pool of worker threads pulling jobs in order. TF.js's wasm backend is single-threaded in Node
// (../shared/STACK-NOTES.md), so independent jobs on separate threads are how a run uses more than
// one core. The pool only moves messages: what a job is and what it returns belong to the worker.
import { Worker } from 'node:worker_threads';

/** What the pool sends a worker: the job and its index in the list. */
export interface PoolRequest<J> {
  readonly index: number;
  readonly job: J;
}

/** What a worker sends back: progress of job `index`, its result, or its failure. */
export type PoolReply<R, P> =
  | { readonly kind: 'progress'; readonly index: number; readonly progress: P }
  | { readonly kind: 'done'; readonly index: number; readonly result: R }
  | { readonly kind: 'error'; readonly index: number; readonly name: string; readonly message: string; readonly stack?: string };

/** Callbacks of `runOnWorkerPool`. */
export interface PoolHandlers<R, P, J = unknown> {
  /**
   * Called on this thread just before job `index` is sent to a worker (e.g. to take a lock); the
   * job it resolves to is what the worker gets. A rejection fails the pool like a failed job.
   */
  readonly beforeStart?: (index: number, job: J) => Promise<J>;
  readonly onProgress?: (index: number, progress: P) => void;
  readonly onDone?: (index: number, result: R) => void;
  /** The error of a failed job (default: the worker's message as an Error of the same name, prefixed with the job's index). */
  readonly toError?: (reply: Extract<PoolReply<R, P>, { kind: 'error' }>) => Error;
}

/**
 * Young-generation size of each worker thread's V8 heap, in MB. A TF.js job allocates short-lived
 * JS objects (tensor handles, typed-array views) on every backend op; under V8's default young
 * generation a worker scavenges so often that collection, and its helper threads competing with
 * the other workers for the cores, takes a large share of a controller search's time. A larger
 * nursery changes no result, only how often it is swept (bench/worker-gc.ts measures both).
 */
export const WORKER_YOUNG_GENERATION_MB = 192;

/** Options of `runOnWorkerPool`. */
export interface PoolOptions<J = unknown> {
  /**
   * V8 young-generation size of each thread in MB, an integer ≥ 1 (default
   * `WORKER_YOUNG_GENERATION_MB`); null leaves it to V8 (the reference bench/worker-gc.ts times against).
   */
  readonly youngGenerationMb?: number | null;
  /**
   * Whether a thread that just finished job `previous` is replaced by a fresh one before it takes
   * job `next` (default: never). A long-lived thread that has run many different kinds of job can
   * run the next kind markedly slower than a fresh one (bench/worker-recycle.ts measures it); the
   * seed runner replaces its threads where the algorithm changes.
   */
  readonly recycle?: (previous: J, next: J) => boolean;
}

/**
 * Run `jobs` on `workers` threads of TypeScript module `file` (compiled by tsx's CommonJS hook, so
 * this works under tsx, vitest and tslab), each thread taking the next job when it finishes one.
 * The first failure stops every thread and rejects; so does a thread that exits early.
 * @returns the results in the order of `jobs`.
 * @throws RangeError when workers or options.youngGenerationMb is not a positive integer.
 */
export async function runOnWorkerPool<J, R, P = never>(file: string, jobs: readonly J[], workers: number, handlers: PoolHandlers<R, P, J> = {}, options: PoolOptions<J> = {}): Promise<R[]> {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer: got ${workers}`);
  const youngGenerationMb = options.youngGenerationMb === undefined ? WORKER_YOUNG_GENERATION_MB : options.youngGenerationMb;
  if (youngGenerationMb !== null && (!Number.isInteger(youngGenerationMb) || youngGenerationMb < 1)) throw new RangeError(`youngGenerationMb must be an integer ≥ 1: got ${youngGenerationMb}`);
  const results = new Map<number, R>();
  const threads = new Set<Worker>();
  let next = 0;
  try {
    await new Promise<void>((resolveAll, reject) => {
      if (jobs.length === 0) return resolveAll();
      const feed = (worker: Worker): void => {
        if (next < jobs.length) {
          const index = next++;
          if (handlers.beforeStart === undefined) worker.postMessage({ index, job: jobs[index] } satisfies PoolRequest<J>);
          else handlers.beforeStart(index, jobs[index]).then((job) => worker.postMessage({ index, job } satisfies PoolRequest<J>), reject);
        } else if (results.size === jobs.length) resolveAll();
      };
      const start = (slot: number): Worker => {
        const worker = new Worker(file, { execArgv: ['--require', require.resolve('tsx/cjs')], ...(youngGenerationMb === null ? {} : { resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb } }) });
        threads.add(worker);
        const onExit = (code: number): void => reject(new Error(`worker thread ${slot + 1} of ${file} exited with code ${code} before its jobs were done`));
        worker.on('message', (reply: PoolReply<R, P>) => {
          if (reply.kind === 'progress') return handlers.onProgress?.(reply.index, reply.progress);
          if (reply.kind === 'error') return reject((handlers.toError ?? defaultError)(reply));
          results.set(reply.index, reply.result);
          handlers.onDone?.(reply.index, reply.result);
          if (next < jobs.length && options.recycle?.(jobs[reply.index], jobs[next]) === true) {
            // A fresh thread for the next job; this one ends without failing the pool.
            worker.off('exit', onExit);
            threads.delete(worker);
            void worker.terminate();
            feed(start(slot));
          } else feed(worker);
        });
        worker.on('error', reject);
        worker.on('exit', onExit);
        return worker;
      };
      for (let w = 0; w < Math.min(workers, jobs.length); w++) feed(start(w));
    });
  } finally {
    await Promise.all([...threads].map((t) => t.terminate()));
  }
  return jobs.map((_, i) => results.get(i)!);
}

/** The reply of a failed job, as the worker thread of a pool posts it. */
export function errorReply(index: number, err: unknown): Extract<PoolReply<never, never>, { kind: 'error' }> {
  const error = err instanceof Error ? err : new Error(String(err));
  return { kind: 'error', index, name: error.name, message: error.message, stack: error.stack };
}

function defaultError(reply: Extract<PoolReply<unknown, unknown>, { kind: 'error' }>): Error {
  const error = new Error(`job ${reply.index}: ${reply.message}`);
  error.name = reply.name;
  if (reply.stack !== undefined) error.stack = `${reply.name}: job ${reply.index}: ${reply.message}\n(worker stack) ${reply.stack}`;
  return error;
}
