// The training memo (search/training-memo.ts, experiments/training-memo-folder.ts): NAO and SemiNAS
// share their first training through it and end exactly as they do alone; a grid offers it only to
// configs that declare the same first training at the same budget, and removes it when done.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { gridJobs, runGrids, table3Grid, type GridConfig } from '../../lib/experiments/grid';
import { loadProblem, probeSet } from '../../lib/experiments/problems';
import { runSeeds, SEED_FILES } from '../../lib/experiments/runner';
import { folderTrainingMemo } from '../../lib/experiments/training-memo-folder';
import { Rng } from '../../lib/random';
import { createAlgorithm } from '../../lib/search/algorithms';
import { runSearch } from '../../lib/search/search';

const root = mkdtempSync(join(tmpdir(), 'dnas-memo-'));
beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Budget 40: 14 initial cells, then 2 iterations of 13. */
const SHORT = { stepsLabelled: 30, warmStepsLabelled: 10, stepsCombined: 10, warmStepsCombined: 5, unlabelled: 100 };

describe('a shared first training', () => {
  it('is stored by the first search, taken by the second, and changes neither result', async () => {
    const problem = await loadProblem('nb201');
    const memoDir = join(root, 'search-level');
    const memo = folderTrainingMemo(memoDir);
    const run = (algo: string, withMemo: boolean) => runSearch(createAlgorithm(algo, SHORT), {
      space: problem.space, benchmark: problem.makeBenchmark({ budget: 40 }), rng: new Rng(5), budget: 40, probe: () => probeSet(problem), ...(withMemo ? { memo } : {}),
    });
    const nao = await run('nao', true);
    expect(readdirSync(memoDir)).toHaveLength(1);
    const semi = await run('semi', true);
    expect(readdirSync(memoDir)).toHaveLength(0);
    expect(nao).toEqual(await run('nao', false));
    expect(semi).toEqual(await run('semi', false));
  }, 120_000);

  it('is a miss, never an error, for a damaged entry', () => {
    const dir = join(root, 'damaged');
    const memo = folderTrainingMemo(dir);
    memo.put('a'.repeat(64), { weights: new Map([['w', new Float32Array([1, 2])]]), optimizer: [], steps: 3 });
    expect(memo.take('a'.repeat(64))?.steps).toBe(3);
    expect(memo.take('a'.repeat(64))).toBeNull();
    writeFileSync(join(dir, `${'b'.repeat(64)}.json`), '{"weights": ');
    expect(memo.take('b'.repeat(64))).toBeNull();
    expect(existsSync(join(dir, `${'b'.repeat(64)}.json`))).toBe(false);
    expect(() => memo.take('../x')).toThrow('a training memo key is a sha256 in hex: got "../x"');
  });
});

describe('a grid with NAO and SemiNAS', () => {
  const grid: GridConfig[] = ['nao', 'semi', 'dnas'].flatMap((algo) => [40, 30].map((budget) => ({ label: algo, algo, budget, algoOptions: SHORT })));
  it('offers the memo to NAO and SemiNAS at each budget, not to DNAS (another controller)', () => {
    const jobs = gridJobs([{ grid, space: 'nb201', experiment: 'offer' }], { seeds: 1, resultsDir: root });
    expect(jobs.cells.map((c) => [c.config.algo, c.config.budget, c.jobs[0].trainingMemo !== undefined])).toEqual([
      ['nao', 40, true], ['nao', 30, true], ['semi', 40, true], ['semi', 30, true], ['dnas', 40, false], ['dnas', 30, false],
    ]);
    expect(jobs.trainingMemo).toBe(jobs.cells[0].jobs[0].trainingMemo);
    // The ablation's faithful variants pair up by disentanglement (dense-sampling acts after the first training).
    const ablation = gridJobs([{ grid: table3Grid('smoke', 20), space: 'nb201', experiment: 'ablation' }], { seeds: 1, resultsDir: root });
    const byLabel = Object.fromEntries(ablation.cells.map((c) => [c.config.label, c.jobs[0].trainingMemo !== undefined]));
    expect(byLabel).toEqual({ 'dense N, disentangle N': true, 'dense N, disentangle Y': true, 'dense Y, disentangle N': true, 'dense Y, disentangle Y': true });
    expect(gridJobs([{ grid: grid.filter((c) => c.algo === 'nao'), space: 'nb201', experiment: 'alone' }], { seeds: 1, resultsDir: root }).trainingMemo).toBeNull();
  });

  it('gives every seed the result.json of a run on its own, and removes the memo when done', async () => {
    const parts = [{ grid, space: 'nb201', experiment: 'shared' }];
    const [runs] = await runGrids(parts, { seeds: 2, resultsDir: root, workers: 2 });
    expect(existsSync(gridJobs(parts, { seeds: 2, resultsDir: root }).trainingMemo!)).toBe(false);
    for (const run of runs) {
      const alone = await runSeeds({ experiment: 'alone', space: 'nb201', algo: run.config.algo, budget: run.config.budget, algoOptions: SHORT, seeds: [0, 1], resultsDir: root, workers: 0, quiet: true });
      run.seedDirs.forEach((dir, seed) => expect(readFileSync(join(dir, SEED_FILES.result), 'utf8'), `${run.config.algo}-${run.config.budget}/${seed}`).toBe(readFileSync(join(alone.seeds[seed].dir, SEED_FILES.result), 'utf8')));
    }
  }, 300_000);
});
