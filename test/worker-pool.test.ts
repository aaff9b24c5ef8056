// Tests of the generic worker pool with tiny workers: results come back in job order
// whatever thread ran them, progress reaches the caller, a failing job or a dying thread rejects, and
// every thread starts with the V8 young generation the pool was asked for.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOnWorkerPool, WORKER_YOUNG_GENERATION_MB } from '../lib/worker-pool';

const WORKER = join(__dirname, 'fixtures', 'square-worker.ts');
const LIMITS_WORKER = join(__dirname, 'fixtures', 'limits-worker.ts');

describe('runOnWorkerPool', () => {
  it('returns results in job order and relays progress and completion', async () => {
    const progress: string[] = [];
    const done: number[] = [];
    const jobs = [3, 1, 4, 1, 5, 9, 2, 6];
    const results = await runOnWorkerPool<number, number, string>(WORKER, jobs, 2, { onProgress: (_i, p) => progress.push(p), onDone: (i) => done.push(i) });
    expect(results).toEqual([9, 1, 16, 1, 25, 81, 4, 36]);
    expect(progress.sort()).toEqual(jobs.map((j) => `squaring ${j}`).sort());
    expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  }, 60_000);

  it('resolves an empty list at once and rejects a bad worker count', async () => {
    await expect(runOnWorkerPool<number, number>(WORKER, [], 2)).resolves.toEqual([]);
    await expect(runOnWorkerPool<number, number>(WORKER, [1], 0)).rejects.toThrow('workers must be a positive integer: got 0');
  });

  it('rejects with the failing job named, keeping the error class name', async () => {
    const failure = runOnWorkerPool<number, number>(WORKER, [2, -7, 3], 2);
    await expect(failure).rejects.toThrow('job 1: negative: -7');
    await expect(failure).rejects.toMatchObject({ name: 'RangeError' });
  }, 60_000);

  it('rejects when a thread exits before its jobs are done', async () => {
    await expect(runOnWorkerPool<number, number>(WORKER, [2, NaN], 1)).rejects.toThrow(/exited with code 3 before its jobs were done/);
  }, 60_000);

  it('starts every thread with the young generation asked for, the default one unless told, and rejects a bad size', async () => {
    await expect(runOnWorkerPool<null, number>(LIMITS_WORKER, [null, null], 2)).resolves.toEqual([WORKER_YOUNG_GENERATION_MB, WORKER_YOUNG_GENERATION_MB]);
    await expect(runOnWorkerPool<null, number>(LIMITS_WORKER, [null], 1, {}, { youngGenerationMb: 48 })).resolves.toEqual([48]);
    await expect(runOnWorkerPool<null, number>(LIMITS_WORKER, [null], 1, {}, { youngGenerationMb: 0.5 })).rejects.toThrow('youngGenerationMb must be an integer ≥ 1: got 0.5');
  }, 60_000);
});
