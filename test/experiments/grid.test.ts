import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  gridJobOrder,
  NB201_EVOLUTION_OPTIONS,
  NB201_TABLE1_BUDGETS,
  runGrid,
  runGrids,
  SMOKE_CONTROLLER_OPTIONS,
  SMOKE_LATENT_OPTIONS,
  table1Grid,
  table1Nb201Grid,
  table3Grid,
} from '../../lib/experiments/grid';
import { loadProblem } from '../../lib/experiments/problems';
import { runSeeds } from '../../lib/experiments/runner';

const root = mkdtempSync(join(tmpdir(), 'dnas-grid-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runGrid', () => {
  it('keeps each seed\'s recorded seconds when a rerun reuses the seeds', async () => {
    const grid = [{ label: 'random', algo: 'random', budget: 5 }];
    const first = await runGrid(grid, { seeds: 2, experiment: 'grid-test', resultsDir: root, workers: 0 });
    const again = await runGrid(grid, { seeds: 2, experiment: 'grid-test', resultsDir: root, workers: 0 });
    expect(again[0].results).toEqual(first[0].results);
    expect(first[0].seedSeconds).toBeGreaterThan(0);
    expect(again[0].seedSeconds).toBeCloseTo(first[0].seedSeconds, 9);
    expect(first[0].results.map((r) => r.queried)).toEqual([5, 5]);
  });
});

describe('runGrids', () => {
  it('runs several grids on one pool with the results each config gets alone, in grid order', async () => {
    const grid = [
      { label: 'random', algo: 'random', budget: 6 },
      { label: 'evolution', algo: 're', budget: 9, algoOptions: NB201_EVOLUTION_OPTIONS },
    ];
    const parts = [{ grid, space: 'nb201', experiment: 'pool-c10' }, { grid, space: 'nb201-cifar100', experiment: 'pool-c100' }];
    const seen: string[] = [];
    const pooled = await runGrids(parts, { seeds: 3, resultsDir: join(root, 'pooled'), workers: 2, onProgress: (c, p) => seen.push(`${c.algo}:${p.done}/${p.total}`) });
    expect(pooled.map((runs) => runs.map((r) => r.config.label))).toEqual([['random', 'evolution'], ['random', 'evolution']]);
    expect(pooled[1][1].seedDirs).toEqual([0, 1, 2].map((k) => join(root, 'pooled', 'pool-c100-evolution', 're-9', `seed-${k}`)));
    expect(seen.filter((s) => s.startsWith('re:')).sort()).toEqual(['re:1/3', 're:1/3', 're:2/3', 're:2/3', 're:3/3', 're:3/3']);
    for (const [p, part] of parts.entries()) {
      for (const [c, config] of grid.entries()) {
        const alone = await runSeeds({ space: part.space, algo: config.algo, budget: config.budget, algoOptions: config.algoOptions ?? {}, seeds: [0, 1, 2], experiment: 'alone', resultsDir: join(root, `alone-${p}-${c}`), workers: 0, quiet: true });
        expect(pooled[p][c].results).toEqual(alone.seeds.map((s) => s.result));
      }
    }
    // the two data sets are different tables: the same seeds find different accuracies
    expect(pooled[0][0].results.map((r) => r.best!.searchAccuracy)).not.toEqual(pooled[1][0].results.map((r) => r.best!.searchAccuracy));
  }, 60_000);

  it('checks every config before any job starts, naming the bad value', async () => {
    const grid = [{ label: 'random', algo: 'random', budget: 5 }, { label: 'bad', algo: 'random', budget: 0 }];
    await expect(runGrids([{ grid, space: 'nb201', experiment: 'checked' }], { seeds: 1, resultsDir: join(root, 'checked'), workers: 0 })).rejects.toThrow('budget must be a positive integer (distinct cells): got 0');
    expect(existsSync(join(root, 'checked'))).toBe(false);
  });
});

describe('gridJobOrder', () => {
  it('groups configs by algorithm in grid order, largest budget first within a group (ties in grid order), seeds in order, every pair once', () => {
    const order = gridJobOrder([
      { algo: 'nao', budget: 50, seeds: 2 }, { algo: 'bananas', budget: 300, seeds: 1 }, { algo: 'nao', budget: 300, seeds: 2 },
      { algo: 'bananas', budget: 50, seeds: 1 }, { algo: 'nao', budget: 300, seeds: 1 },
    ]);
    expect(order).toEqual([
      { cell: 2, seed: 0 }, { cell: 2, seed: 1 }, { cell: 4, seed: 0 }, { cell: 0, seed: 0 }, { cell: 0, seed: 1 },
      { cell: 1, seed: 0 }, { cell: 3, seed: 0 },
    ]);
    expect(gridJobOrder([])).toEqual([]);
  });
});

describe('table grids', () => {
  it('hold the paper\'s Table 1 budgets plus every method at 150 and 300', () => {
    const names = table1Grid('full').map((c) => `${c.algo}-${c.budget}`);
    expect(names).toEqual(['random-150', 'random-300', 'random-2000', 're-150', 're-300', 're-2000', 'nao-150', 'nao-300', 'nao-2000', 'semi-150', 'semi-300', 'semi-2100', 'dnas-150', 'dnas-300', 'ls-150', 'ls-300', 'bananas-150', 'bananas-300']);
  });
  it('add the improved DNAS at 150 and 300 (and every NAS-Bench-201 budget) when a latent model is given', () => {
    const names = table1Grid('full', 20, '/models/m').map((c) => `${c.algo}-${c.budget}`);
    expect(names.filter((n) => n.startsWith('dnas-acq'))).toEqual(['dnas-acq-150', 'dnas-acq-300']);
    expect(table1Grid('full', 20, '/models/m').find((c) => c.algo === 'dnas-acq')!.algoOptions).toEqual({ latentModel: '/models/m' });
    expect(table1Grid('smoke', 12, '/models/m').find((c) => c.algo === 'dnas-acq')!.algoOptions).toEqual({ latentModel: '/models/m', ...SMOKE_LATENT_OPTIONS });
    expect(table1Nb201Grid('full', 20, '/m').filter((c) => c.algo === 'dnas-acq').map((c) => c.budget)).toEqual([50, 100, 150, 300]);
    // without a model the grid is the one before the improved DNAS existed
    expect(table1Grid('full').some((c) => c.algo === 'dnas-acq')).toBe(false);
  });
  it('hold the improved ablation beside the faithful one: dense on/off, disentangle as the β-VAE or the auto-encoder', () => {
    const grid = table3Grid('full', 20, { vae: '/vae', autoencoder: '/ae' });
    expect(grid).toHaveLength(8);
    expect(grid.slice(4).map((c) => [c.algo, c.budget, c.algoOptions?.dense, c.algoOptions?.latentModel])).toEqual([
      ['dnas-acq', 200, false, '/ae'], ['dnas-acq', 200, false, '/vae'], ['dnas-acq', 200, true, '/ae'], ['dnas-acq', 200, true, '/vae'],
    ]);
    expect(grid.slice(4).map((c) => c.label)).toEqual(['improved, dense N, disentangle N', 'improved, dense N, disentangle Y', 'improved, dense Y, disentangle N', 'improved, dense Y, disentangle Y']);
  });
  it('hold the 2 × 2 ablation at 200 queries', () => {
    const grid = table3Grid('full');
    expect(grid.map((c) => [c.budget, c.algoOptions?.dense, c.algoOptions?.disentangle])).toEqual([[200, false, false], [200, false, true], [200, true, false], [200, true, true]]);
  });
});

describe('table1Nb201Grid', () => {
  it('runs every method at every budget of 50, 100, 150 and 300 queries (28 configs)', () => {
    expect(NB201_TABLE1_BUDGETS).toEqual([50, 100, 150, 300]);
    const names = table1Nb201Grid('full').map((c) => `${c.algo}-${c.budget}`);
    expect(names).toEqual(['random', 're', 'nao', 'semi', 'dnas', 'ls', 'bananas'].flatMap((algo) => [50, 100, 150, 300].map((b) => `${algo}-${b}`)));
    expect(table1Nb201Grid('full').every((c) => c.label === c.algo)).toBe(true);
  });

  it('gives evolution NAS-Bench-201\'s population 10 and tournament 3, and the controllers their defaults', () => {
    // R-EA.sh's settings: with NAS-Bench-101's population of 100, every budget ≤ 100 would be random search.
    expect(NB201_EVOLUTION_OPTIONS).toEqual({ populationSize: 10, tournamentSize: 3 });
    const full = table1Nb201Grid('full');
    expect(full.filter((c) => c.algo === 're').map((c) => c.algoOptions)).toEqual([NB201_EVOLUTION_OPTIONS, NB201_EVOLUTION_OPTIONS, NB201_EVOLUTION_OPTIONS, NB201_EVOLUTION_OPTIONS]);
    expect(full.filter((c) => c.algo !== 're').every((c) => c.algoOptions === undefined)).toBe(true);
  });

  it('runs every method once at the smoke budget, controllers on the smoke schedule, evolution still at population 10', () => {
    const smoke = table1Nb201Grid('smoke', 12);
    expect(smoke.map((c) => [c.algo, c.budget, c.algoOptions])).toEqual([
      ['random', 12, undefined],
      ['re', 12, NB201_EVOLUTION_OPTIONS],
      ['nao', 12, SMOKE_CONTROLLER_OPTIONS],
      ['semi', 12, SMOKE_CONTROLLER_OPTIONS],
      ['dnas', 12, SMOKE_CONTROLLER_OPTIONS],
      ['ls', 12, undefined],
      ['bananas', 12, undefined],
    ]);
    expect(table1Nb201Grid('smoke').map((c) => c.budget)).toEqual([20, 20, 20, 20, 20, 20, 20]); // default smoke budget
  });
});

describe('runGrid on NAS-Bench-201', () => {
  it('searches the NAS-Bench-201 CIFAR-10 table when space is nb201, and a rerun reuses the seeds', async () => {
    // Random search and NB201 evolution at 30 queries, 2 seeds: seconds on one thread.
    const grid = table1Nb201Grid('smoke', 30).filter((c) => c.algo === 'random' || c.algo === 're');
    const problem = await loadProblem('nb201');
    const table = new Set(problem.tableAccuracies());
    const skipped: boolean[] = [];
    const options = { seeds: 2, experiment: 'grid-nb201-test', space: 'nb201', resultsDir: root, workers: 0 };
    const first = await runGrid(grid, { ...options, onProgress: (_, p) => skipped.push(p.skipped) });
    expect(first.map((r) => r.config.algo)).toEqual(['random', 're']);
    for (const run of first) {
      expect(run.results.map((r) => r.queried)).toEqual([30, 30]);
      for (const r of run.results) {
        // Real table values: the best is a CIFAR-10 validation accuracy of the cell it names.
        expect(table.has(r.best!.searchAccuracy)).toBe(true);
        expect(problem.tableEntry(r.best!.key).record.searchAccuracy).toBe(r.best!.searchAccuracy);
        expect(r.accuracies.every((a) => table.has(a))).toBe(true);
      }
      // Each seed folder records the NAS-Bench-201 problem, its table and the algorithm's settings.
      const stored = JSON.parse(readFileSync(join(run.seedDirs[0], 'config.json'), 'utf8'));
      expect([stored.space, stored.dataSha256]).toEqual(['nb201', problem.dataSha256]);
      if (run.config.algo === 're') expect([stored.settings.populationSize, stored.settings.tournamentSize]).toEqual([10, 3]);
    }
    expect(first[0].seedDirs[1]).toBe(join(root, 'grid-nb201-test', 'random-30', 'seed-1'));
    // Two seeds of one config differ (seeded by k), the best keys are cell strings of the table.
    expect(first[0].results[0].best!.key).not.toBe(first[0].results[1].best!.key);
    expect(first[0].results[0].best!.key).toMatch(/^\|.+~0\|\+\|.+\|\+\|.+\|$/);

    const again = await runGrid(grid, { ...options, onProgress: (_, p) => skipped.push(p.skipped) });
    expect(skipped).toEqual([false, false, false, false, true, true, true, true]);
    expect(again.map((r) => r.results)).toEqual(first.map((r) => r.results));
    again.forEach((r, i) => expect(r.seedSeconds).toBeCloseTo(first[i].seedSeconds, 9));
  });
});
