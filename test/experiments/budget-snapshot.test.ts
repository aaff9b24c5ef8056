// Smaller budgets read off one longer run (budget-snapshot.ts, derived-seed.ts): for every anytime
// search, the seed a grid fills from a snapshot of its largest budget holds the result.json and the
// query log (timing column aside) of a run at that budget on its own, at budgets on and off the
// search's round boundaries; searches whose proposals depend on the budget are never derived.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { createController } from '../../lib/controller/index';
import { gridJobs, runGrids, type GridConfig } from '../../lib/experiments/grid';
import { loadProblem } from '../../lib/experiments/problems';
import { runSeeds, SearchAbortedError, SEED_FILES } from '../../lib/experiments/runner';
import { Rng } from '../../lib/random';
import { QUERY_LOG_COLUMNS } from '../../lib/report/query-log';
import { createAlgorithm } from '../../lib/search/algorithms';
import type { BudgetSnapshot } from '../../lib/search/budget-snapshot';
import { runSearch } from '../../lib/search/search';
import { toyBenchmark, toySpace } from '../search/toy-problem';

const root = mkdtempSync(join(tmpdir(), 'dnas-snapshot-'));
let latentModel: string;

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  // An untrained β-VAE controller over NAS-Bench-201: what is tested is the accounting, not search quality.
  const problem = await loadProblem('nb201');
  latentModel = mkdtempSync(join(tmpdir(), 'dnas-snapshot-latent-'));
  const controller = createController(problem.space, { hidden: 8, latentDim: 4, seed: 3 });
  controller.save(latentModel);
  controller.dispose();
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(latentModel, { recursive: true, force: true });
});

/** Budgets 15 and 25 end mid-round for BANANAS and dnas-acq (rounds of 10 after 10 initial cells), 20 on a boundary. */
const BUDGETS = [40, 15, 20, 25];
const ANYTIME: { algo: string; options: () => Record<string, unknown> }[] = [
  { algo: 'random', options: () => ({}) },
  { algo: 're', options: () => ({ populationSize: 10, tournamentSize: 3 }) },
  { algo: 'ls', options: () => ({}) },
  { algo: 'bananas', options: () => ({ predictor: { members: 2, hidden: [16], epochs: 20 } }) },
  { algo: 'dnas-acq', options: () => ({ latentModel, starts: 3, regionDraws: 30, predictor: { members: 2, hidden: [8], epochs: 10 } }) },
];

const grid = (algo: string, algoOptions: Record<string, unknown>): GridConfig[] => BUDGETS.map((budget) => ({ label: algo, algo, budget, algoOptions }));
const seedDir = (experiment: string, algo: string, budget: number, seed: number): string => join(root, experiment, `${algo}-${budget}`, `seed-${seed}`);
const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');
function logWithoutTimes(dir: string): string[] {
  const time = QUERY_LOG_COLUMNS.indexOf('elapsedMs');
  return gunzipSync(readFileSync(join(dir, SEED_FILES.finishedLog))).toString('utf8').trimEnd().split('\n').map((l) => l.split(',').filter((_, i) => i !== time).join(','));
}

describe.each(ANYTIME)('$algo at budgets 15, 20, 25 derived from its run at 40', ({ algo, options }) => {
  it('gives each seed the result.json and query log of a run at that budget on its own', async () => {
    const parts = (experiment: string) => [{ grid: grid(algo, options()), space: 'nb201', experiment }];
    const derived = `${algo}-derived`;
    const alone = `${algo}-alone`;
    const jobs = gridJobs(parts(derived), { seeds: 2, resultsDir: root });
    // Only the largest budget runs; its jobs fill the three others.
    expect(jobs.order.map(({ cell }) => jobs.cells[cell].config.budget)).toEqual([40, 40]);
    expect(jobs.cells.map((c) => c.derivedFrom ?? null)).toEqual([null, 0, 0, 0]);
    const [viaSnapshots] = await runGrids(parts(derived), { seeds: 2, resultsDir: root, workers: 0 });
    const [onTheirOwn] = await runGrids(parts(alone), { seeds: 2, resultsDir: root, workers: 0, deriveBudgets: false });
    expect(viaSnapshots.map((r) => r.results)).toEqual(onTheirOwn.map((r) => r.results));
    // The grid's time: the derived seeds cost nothing of their own; their seconds are the longer run's up to the snapshot.
    expect(viaSnapshots.map((r) => r.readOffSeeds)).toEqual([0, 2, 2, 2]);
    expect(viaSnapshots.map((r) => r.ranSeconds > 0)).toEqual([true, false, false, false]);
    expect(viaSnapshots.every((r) => r.seedSeconds > 0)).toBe(true);
    expect(onTheirOwn.map((r) => [r.readOffSeeds, r.ranSeconds === r.seedSeconds])).toEqual(BUDGETS.map(() => [0, true]));
    for (const budget of BUDGETS) {
      for (const seed of [0, 1]) {
        const a = seedDir(derived, algo, budget, seed);
        const b = seedDir(alone, algo, budget, seed);
        expect(read(a, SEED_FILES.result), `${budget}/${seed}`).toBe(read(b, SEED_FILES.result));
        expect(read(a, SEED_FILES.config)).toBe(read(b, SEED_FILES.config));
        expect(logWithoutTimes(a)).toEqual(logWithoutTimes(b));
        const manifest = JSON.parse(read(a, SEED_FILES.manifest));
        if (budget === 40) expect(manifest.derivedFrom).toBeUndefined();
        else expect(manifest).toMatchObject({ derivedFrom: `../../${algo}-40/seed-${seed}`, derivedRows: logWithoutTimes(a).length - 1, config: { budget } });
        expect(manifest.wallSeconds).toBeGreaterThan(0);
      }
    }
    expect(JSON.parse(read(seedDir(derived, algo, 15, 0), SEED_FILES.result)).trajectory).toHaveLength(15);
  }, 120_000);
});

describe('deriving budgets in a grid', () => {
  it('runs searches whose proposals depend on the budget at every budget (controller searches)', () => {
    const parts = [{ grid: BUDGETS.map((budget) => ({ label: 'dnas', algo: 'dnas', budget })), space: 'nb201', experiment: 'controller' }];
    const jobs = gridJobs(parts, { seeds: 1, resultsDir: root });
    expect(jobs.cells.map((c) => c.derivedFrom ?? null)).toEqual([null, null, null, null]);
    expect(jobs.order).toHaveLength(4);
  });

  it('derives only between the same options and the same space', () => {
    const parts = [
      { grid: [{ label: 're', algo: 're', budget: 40 }, { label: 're', algo: 're', budget: 20, algoOptions: { populationSize: 10 } }], space: 'nb201', experiment: 'opts' },
      { grid: [{ label: 're', algo: 're', budget: 20 }], space: 'nb201-cifar100', experiment: 'other' },
    ];
    const jobs = gridJobs(parts, { seeds: 1, resultsDir: root });
    expect(jobs.cells.map((c) => c.derivedFrom ?? null)).toEqual([null, null, null]);
  });

  it('runs a smaller budget on its own when the larger seed was finished before, and reuses both afterwards', async () => {
    const algoOptions = { populationSize: 10, tournamentSize: 3 };
    const experiment = 'finished-before';
    await runSeeds({ experiment, space: 'nb201', algo: 're', budget: 40, algoOptions, seeds: [0], resultsDir: root, workers: 0, quiet: true });
    const parts = [{ grid: [40, 20].map((budget) => ({ label: 're', algo: 're', budget, algoOptions })), space: 'nb201', experiment }];
    const [[big, small]] = await runGrids(parts, { seeds: 1, resultsDir: root, workers: 0 });
    expect(JSON.parse(read(seedDir(experiment, 're', 20, 0), SEED_FILES.manifest)).derivedFrom).toBeUndefined();
    expect(small.results[0].trajectory).toEqual(big.results[0].trajectory.slice(0, 20));
    const again = await runGrids(parts, { seeds: 1, resultsDir: root, workers: 0 });
    expect(again[0].map((r) => r.results)).toEqual([big.results, small.results]);
  }, 60_000);

  it('runs a budget on its own when the larger run resumed from a checkpoint past it', async () => {
    const algoOptions = { predictor: { members: 2, hidden: [16], epochs: 20 } };
    const experiment = 'resumed-past';
    const parts = [{ grid: [40, 15].map((budget) => ({ label: 'bananas', algo: 'bananas', budget, algoOptions })), space: 'nb201', experiment }];
    // Killed after 25 queries: the last checkpoint stands for 20 cells, past budget 15.
    await expect(runSeeds({ experiment, space: 'nb201', algo: 'bananas', budget: 40, algoOptions, seeds: [0], resultsDir: root, workers: 0, quiet: true, stopAfter: 25, checkpointEveryMs: 0 })).rejects.toThrow(SearchAbortedError);
    const [[, small]] = await runGrids(parts, { seeds: 1, resultsDir: root, workers: 0 });
    expect(JSON.parse(read(seedDir(experiment, 'bananas', 15, 0), SEED_FILES.manifest)).derivedFrom).toBeUndefined();
    const [[, fresh]] = await runGrids([{ ...parts[0], experiment: 'resumed-past-fresh' }], { seeds: 1, resultsDir: root, workers: 0, deriveBudgets: false });
    expect(small.results).toEqual(fresh.results);
    expect(existsSync(join(seedDir(experiment, 'bananas', 40, 0), SEED_FILES.checkpoint))).toBe(false);
  }, 60_000);
});

describe('runSearch with snapshots', () => {
  const space = toySpace(50);
  it('refuses them for a search that is not anytime, and budgets that are not below the run', async () => {
    const snapshots = (budgets: number[]) => ({ budgets, take: () => {} });
    const controller = createAlgorithm('nao', {});
    await expect(runSearch(controller, { space, benchmark: toyBenchmark(50), rng: new Rng(1), budget: 10, snapshots: snapshots([5]) })).rejects.toThrow('nao is not an anytime search (its proposals depend on the budget): it cannot give snapshots at budgets 5');
    const random = createAlgorithm('random', {});
    await expect(runSearch(random, { space, benchmark: toyBenchmark(50), rng: new Rng(1), budget: 10, snapshots: snapshots([10]) })).rejects.toThrow("snapshot budget 10 must be an integer in [1, 9] (below the run's budget 10)");
    await expect(runSearch(random, { space, benchmark: toyBenchmark(50), rng: new Rng(1), budget: 10, snapshots: snapshots([4, 4]) })).rejects.toThrow('snapshot budgets repeat: 4, 4');
  });

  it('takes each snapshot once, in increasing order, with the rows logged by then', async () => {
    const taken: BudgetSnapshot[] = [];
    const result = await runSearch(createAlgorithm('random', {}), { space, benchmark: toyBenchmark(50), rng: new Rng(2), budget: 12, snapshots: { budgets: [7, 3], take: (s) => taken.push(s) } });
    expect(taken.map((s) => [s.budget, s.result.queried, s.result.budget])).toEqual([[3, 3, 3], [7, 7, 7]]);
    expect(taken.map((s) => s.rows)).toEqual(taken.map((s) => s.result.proposals));
    expect(taken[1].result.trajectory).toEqual(result.trajectory.slice(0, 7));
  });
});
