// Tests of the VAENAS experiment pieces on a toy problem (a 2,000-cell ring, even cells in the table):
// the evaluated set, max-of-K runs and their accounting, the summary rows, the VAE cache, evolution runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import type { SearchProblem } from '../../lib/experiments/problems';
import { cachedVaeSampler, drawEvaluatedSet, evolutionRuns, maxOfK, maxOfKRows, sampledAccuracies, VAENAS_TABLE4_PAPER, type MaxOfKRun } from '../../lib/experiments/vaenas';
import { Rng } from '../../lib/random';
import { uniformSampler } from '../../lib/samplers/uniform';
import { toyBenchmark, toySpace } from '../search/toy-problem';

const SIZE = 2000;
const even = (c: number) => c % 2 === 0;
const problem: SearchProblem<number> = {
  name: 'toy',
  metrics: { search: 'toy', report: null },
  space: toySpace(SIZE),
  dataFile: 'toy',
  dataSha256: 'toy-sha',
  dataName: 'toy',
  reportData: null,
  tableReportAccuracies: () => null,
  view: { cellOf: (tokens) => tokens[0], attributes: (cell) => ({ cell }), attributeNames: ['cell'] },
  tableAccuracies: () => Float64Array.from({ length: SIZE / 2 }, (_, i) => (2 * i) / SIZE),
  tableKeys: () => Array.from({ length: SIZE / 2 }, (_, i) => String(2 * i)).sort(),
  tableEntry: (key) => ({ cell: Number(key), record: { searchAccuracy: Number(key) / SIZE } }),
  makeBenchmark: ({ budget, log }) => toyBenchmark(SIZE, { inTable: even, budget, log }),
};
const cacheDir = mkdtempSync(join(tmpdir(), 'dnas-vaenas-'));

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('drawEvaluatedSet', () => {
  it('draws distinct table cells uniformly with their table accuracies, the same for the same seed', () => {
    const set = drawEvaluatedSet(problem, 300, new Rng(1));
    expect(new Set(set.keys).size).toBe(300);
    expect(set.cells.every(even)).toBe(true);
    expect(set.accuracies).toEqual(set.cells.map((c) => c / SIZE));
    expect(drawEvaluatedSet(problem, 300, new Rng(1)).keys).toEqual(set.keys);
    expect(() => drawEvaluatedSet(problem, 1001, new Rng(1))).toThrow('evaluated count must be an integer in 1..1000: got 1001');
  });
});

describe('maxOfK', () => {
  it('reports the max over nested prefixes and counts draws outside the table and of excluded cells', () => {
    const exclude = new Set(drawEvaluatedSet(problem, 500, new Rng(2)).keys);
    const run = maxOfK(problem, uniformSampler(problem.space), [5, 20, 60], { rng: new Rng(3), exclude });
    expect(run.accuracies).toHaveLength(60);
    expect(run.maxima).toEqual([5, 20, 60].map((k) => Math.max(...run.accuracies.slice(0, k))));
    // none of the accepted cells is an excluded one (accuracy·SIZE gives the cell back on the toy ring)
    expect(run.accuracies.some((a) => exclude.has(`c${Math.round(a * SIZE)}`))).toBe(false);
    expect(run.outsideTable).toBeGreaterThan(0);
    expect(run.redraws.excluded).toBeGreaterThan(0);
    expect(run.draws).toBe(60 + run.outsideTable + run.duplicates);
  });
  it('rejects Ks that are not increasing positive integers', () => {
    expect(() => maxOfK(problem, uniformSampler(problem.space), [10, 10], { rng: new Rng(0), exclude: new Set() })).toThrow('ks must be increasing positive integers: got [10, 10]');
  });
});

describe('maxOfKRows', () => {
  const runs = (maxima: number[][]): MaxOfKRun[] => maxima.map((m) => ({ maxima: m, accuracies: [], draws: 0, outsideTable: 0, duplicates: 0, redraws: {} }));
  it('summarises each method at each K with a Mann–Whitney p-value against the baseline', () => {
    const table = [0.1, 0.2, 0.3, 0.4, 0.5];
    const rows = maxOfKRows({ random: runs([[0.2], [0.3], [0.2]]), vae: runs([[0.5], [0.4], [0.5]]) }, [10], table, 'random', { random: [0.9293] });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ method: 'random', k: 10, runs: 3, pVsBaseline: null, paper: 0.9293 });
    expect(rows[0].mean).toBeCloseTo(0.7 / 3, 12);
    // percentile rank = share of table values strictly below: 0.2 → 1/5, 0.3 → 2/5
    expect(rows[0].meanPercentile).toBeCloseTo((0.2 + 0.4 + 0.2) / 3, 12);
    expect(rows[1].paper).toBeNull();
    expect(rows[1].pVsBaseline).toBeGreaterThan(0);
    expect(rows[1].pVsBaseline).toBeLessThan(1);
  });
  it('needs the baseline among the methods', () => {
    expect(() => maxOfKRows({ vae: runs([[0.5], [0.4]]) }, [10], [0.1], 'random')).toThrow("baseline 'random' is not among the methods (vae)");
  });
  it('carries the paper numbers of VAENAS Table 4', () => {
    expect(VAENAS_TABLE4_PAPER.rows.find((r) => r.method === 'random')!.maxOfK).toEqual([0.9293, 0.933, 0.9353, 0.9386]);
    expect(VAENAS_TABLE4_PAPER.rows.find((r) => r.method === 'vae' && r.noise === 0)!.maxOfK).toEqual([0.9356, 0.9371, 0.9395, 0.9413]);
  });
});

describe('sampledAccuracies', () => {
  it('keeps repeats, skips cells outside the table and marks the given keys', () => {
    const small: SearchProblem<number> = { ...problem, space: toySpace(20), makeBenchmark: ({ budget }) => toyBenchmark(20, { inTable: even, budget }) };
    const marked = new Set(['c0', 'c2']);
    const out = sampledAccuracies(small, uniformSampler(small.space), 100, { rng: new Rng(4), marked });
    expect(out.accuracies).toHaveLength(100);
    expect(out.distinct).toBeLessThanOrEqual(10); // 10 even cells: repeats were kept
    expect(out.draws).toBeGreaterThan(100);
    out.accuracies.forEach((a, i) => expect(out.marked[i]).toBe(Math.round(a * 20) <= 2));
  });
});

describe('cachedVaeSampler', () => {
  const TINY = { seed: 5, evaluated: 40, steps: 4, batchSize: 10, controller: { hidden: 8, latentDim: 4 }, cacheDir };
  it('trains once, then loads the same VAE from the cache', () => {
    const first = cachedVaeSampler(problem, TINY);
    const second = cachedVaeSampler(problem, TINY);
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(second.key).toBe(first.key);
    expect(second.history).toEqual(first.history);
    expect(second.evaluated.keys).toEqual(first.evaluated.keys);
    expect(second.sampler.draw(10, new Rng(1)).cells).toEqual(first.sampler.draw(10, new Rng(1)).cells);
    first.dispose();
    second.dispose();
  });
  it('keeps the evaluated set across noise levels but changes the key and the ranking', () => {
    const clean = cachedVaeSampler(problem, TINY);
    const noisy = cachedVaeSampler(problem, { ...TINY, noiseStd: 0.2 });
    expect(noisy.evaluated.keys).toEqual(clean.evaluated.keys);
    expect(noisy.key).not.toBe(clean.key);
    expect(noisy.selection.indices).not.toEqual(clean.selection.indices);
    expect(noisy.evaluated.accuracies).toEqual(clean.evaluated.accuracies);
    clean.dispose();
    noisy.dispose();
  });
});

describe('evolutionRuns', () => {
  it('runs one seeded evolution per seed at the budget, with the initial sampler given per seed', async () => {
    const asked: number[] = [];
    const results = await evolutionRuns(problem, {
      budget: 30, seeds: [1, 2], evolution: { populationSize: 10, tournamentSize: 3 },
      initialSampler: (seed) => { asked.push(seed); return uniformSampler(problem.space); },
    });
    expect(asked).toEqual([1, 2]);
    expect(results.map((r) => r.queried)).toEqual([30, 30]);
    const again = await evolutionRuns(problem, { budget: 30, seeds: [1], evolution: { populationSize: 10, tournamentSize: 3 } });
    expect(again[0].trajectory).toEqual(results[0].trajectory); // explicit uniform = default
  });
});
