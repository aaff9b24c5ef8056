// Tests of the NAO / SemiNAS / DNAS controller search: the budget split, exact budgets on a
// partial table, determinism per seed, and the switch rules.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { QueryLog } from '../../lib/report/query-log';
import { CONTROLLER_SEARCH_PRESETS, controllerSearch, splitBudget } from '../../lib/search/controller-search';
import { runSearch } from '../../lib/search/search';
import type { SearchSpace } from '../../lib/spaces/search-space';
import { toyBenchmark, toySpace } from './toy-problem';

// The ring toy space with FLOPs that vary (the controller normalises FLOPs targets).
const SIZE = 120;
const space: SearchSpace<number> = { ...toySpace(SIZE), flopsM: (cell: number) => 1 + cell };
// A small, fast schedule: the behaviour under test is the loop's accounting, not search quality.
const FAST = { stepsLabelled: 5,
  warmStepsLabelled: 2, stepsCombined: 2,
  warmStepsCombined: 1, unlabelled: 20, maxEta: 20, batchSize: 16, controller: { hidden: 8, latentDim: 4 } };

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

describe('splitBudget', () => {
  it('splits the Table 1 budgets as stated: n0 initial cells, then P new cells in each of L iterations', () => {
    expect(splitBudget(150)).toEqual({ initial: 50, perIteration: 50, iterations: 2 });
    expect(splitBudget(300)).toEqual({ initial: 100, perIteration: 100, iterations: 2 });
    expect(splitBudget(2000)).toEqual({ initial: 200, perIteration: 200, iterations: 9 });
    expect(splitBudget(2100)).toEqual({ initial: 200, perIteration: 190, iterations: 10 });
    // the ablation budget: L = 2, P = 66, n0 = 68 (n0 + L·P = B always)
    expect(splitBudget(200)).toEqual({ initial: 68, perIteration: 66, iterations: 2 });
  });
  it('rejects a budget below 3 and iterations outside [1, budget)', () => {
    expect(() => splitBudget(2)).toThrow('budget must be an integer ≥ 3 for a controller search: got 2');
    expect(() => splitBudget(10, 0)).toThrow('iterations must be an integer in [1, budget): got 0');
  });
});

describe('controllerSearch', () => {
  for (const [name, switches] of Object.entries(CONTROLLER_SEARCH_PRESETS)) {
    it(`${name}: queries exactly the budget on a partial table, and the same seed gives the same query log`, async () => {
      const run = async () => {
        const rows: unknown[] = [];
        const log = { append: (e: unknown) => rows.push(e) };
        const benchmark = toyBenchmark(SIZE, { inTable: (c) => c % 3 !== 0, log: log as unknown as QueryLog });
        const result = await runSearch(controllerSearch(name, { ...switches, ...FAST }), { space, benchmark, rng: new Rng(7), budget: 24 });
        return { result, rows };
      };
      const first = await run();
      expect(first.result.queried).toBe(24);
      expect(first.result.trajectory).toHaveLength(24);
      // every queried cell is attributed: initial uniform cells, latent-step cells, uniform top-ups
      const origins = first.result.queriedByOrigin;
      expect(Object.values(origins).reduce((a, b) => a + b, 0)).toBe(24);
      expect(origins.initial).toBe(splitBudget(24).initial);
      expect(Object.keys(origins).every((o) => ['initial', 'latent', 'top-up'].includes(o))).toBe(true);
      const second = await run();
      expect(second.rows).toEqual(first.rows);
    });
  }
  it('with rankByPredictor, still queries exactly the budget and logs the prediction beside each ranked query', async () => {
    const rows: { source: string; predictedAccuracy?: number }[] = [];
    const benchmark = toyBenchmark(SIZE, { inTable: (c) => c % 3 !== 0, log: { append: (e: { source: string; predictedAccuracy?: number }) => rows.push(e) } as unknown as QueryLog });
    const options = { ...CONTROLLER_SEARCH_PRESETS.dnas, ...FAST, rankByPredictor: true };
    const result = await runSearch(controllerSearch('dnas', options), { space, benchmark, rng: new Rng(8), budget: 24 });
    expect(result.queried).toBe(24);
    const ranked = rows.filter((r) => r.source === 'dnas:latent' || r.source === 'dnas:top-up');
    expect(ranked.length).toBeGreaterThan(0);
    // every ranked proposal carries the predictor's estimate; plain top-ups (if any) may not
    expect(ranked.some((r) => typeof r.predictedAccuracy === 'number')).toBe(true);
  });

  it('reports its workings: η of each latent-step query, dense-sampling counts that add up, probe scores per iteration', async () => {
    const probe = { cells: Array.from({ length: 30 }, (_, i) => i * 4), accuracy: Array.from({ length: 30 }, (_, i) => (i * 4) / SIZE) };
    const benchmark = toyBenchmark(SIZE, { inTable: (c) => c % 3 !== 0 });
    const options = { ...CONTROLLER_SEARCH_PRESETS.dnas, ...FAST, probabilities: { epsilon1: 0.5, epsilon2: 0 } };
    const result = await runSearch(controllerSearch('dnas', options), { space, benchmark, rng: new Rng(9), budget: 24, probe: () => probe });
    const d = result.diagnostics as { acceptedEta: Record<string, number>; dense: Record<string, number>; iterations: { iteration: number; predictorKendallTau: number | null; exactReconstruction: number; klNats: number | null }[] };
    expect(Object.values(d.acceptedEta).reduce((a, b) => a + b, 0)).toBe(result.queriedByOrigin.latent ?? 0);
    expect(Object.keys(d.acceptedEta).every((eta) => Number.isInteger(Number(eta)) && Number(eta) >= 1 && Number(eta) <= FAST.maxEta)).toBe(true);
    expect(d.dense.draws).toBe(d.dense.fromRegion + d.dense.fromEdge + d.dense.duplicates + d.dense.invalidDecodes + d.dense.fallbacks);
    expect(d.dense.draws).toBeGreaterThan(0);
    // one unlabelled set per iteration
    expect(d.dense.fromRegion + d.dense.fromEdge + d.dense.uniform).toBe(splitBudget(24).iterations * FAST.unlabelled);
    expect(d.iterations.map((i) => i.iteration)).toEqual([0, 1]);
    for (const it of d.iterations) {
      expect(it.exactReconstruction).toBeGreaterThanOrEqual(0);
      expect(it.exactReconstruction).toBeLessThanOrEqual(1);
      expect(it.klNats).toBeGreaterThanOrEqual(0);
    }
    // without a probe there are no iteration scores; NAO (no semi-supervision) has no dense counts
    const nao = await runSearch(controllerSearch('nao', { ...CONTROLLER_SEARCH_PRESETS.nao, ...FAST }), { space, benchmark: toyBenchmark(SIZE), rng: new Rng(9), budget: 24 });
    expect(Object.keys(nao.diagnostics ?? {})).toEqual(['acceptedEta']);
  });

  it('rejects dense-sampling without the semi-supervised set it draws', () => {
    expect(() => controllerSearch('bad', { disentangle: true, dense: true, semiSupervised: false })).toThrow(
      'dense-sampling draws the unlabelled cells: it needs semiSupervised: true',
    );
  });
});
