// Tests of DNAS Table 2 on the NAS-Bench-201 supernet (lib/experiments/nb201-flops.ts) on the
// real CIFAR-10 table: bands cut at quantiles of every cell's FLOPs, the truth inside a band, a
// picked cell judged by the table, and FLOPs-band searches run as pool jobs on a tiny NB201 supernet
// (every pick inside its band; the same picks on worker threads as in this thread).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { percentileRank } from '../../lib/analysis/stats';
import { loadNasbench201Csv, type Nasbench201CsvData } from '../../lib/benchmarks/nasbench201-csv';
import { bandLimit, inBand } from '../../lib/experiments/flops-bands';
import { bandRankingCells, bandTruth, nb201FlopsBands, tablePick } from '../../lib/experiments/nb201-flops';
import { loadImageSplits, searchEvaluationData, supernetEvaluator, type ImageSplits } from '../../lib/experiments/supernet';
import { searchJob, supernetJob, type SupernetSettings } from '../../lib/experiments/supernet-jobs';
import { evaluateOnPool, runSupernetJobs } from '../../lib/experiments/supernet-pool';
import { nasbench201SearchSpace } from '../../lib/spaces/nasbench201/search-space';
import type { Nb201SupernetConfig } from '../../lib/supernet/nb201-supernet';

const space = nasbench201SearchSpace('cifar10');
let table: Nasbench201CsvData;
let flops: number[];
beforeAll(() => {
  table = loadNasbench201Csv('cifar10');
  flops = [...table.records.values()].map((r) => space.flopsM(r.cell));
});

describe('nb201FlopsBands', () => {
  it('cuts at FLOPs values that are the 30th/55th/80th percentiles of all 15,625 cells, with exact shares', () => {
    const bands = nb201FlopsBands(table, space);
    const share = (test: (f: number) => boolean) => flops.filter(test).length / flops.length;
    bands.forEach((band, i) => {
      const q = [0.3, 0.55, 0.8][i];
      expect(flops).toContain(band.lowM);
      // the definition of a quantile on discrete values: below the cut < q ≤ at or below it
      expect(share((f) => f < band.lowM)).toBeLessThanOrEqual(q);
      expect(share((f) => f <= band.lowM)).toBeGreaterThan(q);
      expect(band.share).toBe(share((f) => inBand(band, f)));
    });
    expect(bands[2].highM).toBe(Math.max(...flops));
    expect(bands[0].highM).toBe(bands[1].lowM);
    expect(bands[1].highM).toBe(bands[2].lowM);
  });
});

describe('bandTruth, bandRankingCells and tablePick', () => {
  it('holds exactly the band’s cells, its best and mean val_acc_200', () => {
    const band = nb201FlopsBands(table, space)[1];
    const truth = bandTruth(table, space, band);
    const inside = [...table.records.values()].filter((r) => inBand(band, space.flopsM(r.cell)));
    expect(truth.cells.map((r) => r.arch)).toEqual(inside.map((r) => r.arch));
    expect(truth.cells.length).toBe(Math.round(band.share * table.records.size));
    expect(truth.best.valAccuracy).toBe(Math.max(...inside.map((r) => r.valAccuracy)));
    expect(truth.meanValAccuracy).toBeCloseTo(inside.reduce((a, r) => a + r.valAccuracy, 0) / inside.length, 12);
    expect(() => bandTruth(table, space, { label: 'empty', lowM: 221, highM: 300, share: 0 })).toThrow(/band empty holds none of the 15625 cells of .*cifar10\.csv/);
  });

  it('draws distinct cells of the band, the same for the same seed, and refuses a size beyond the band', () => {
    const truth = bandTruth(table, space, nb201FlopsBands(table, space)[2]);
    const keys = bandRankingCells(truth, 50, 0);
    expect(new Set(keys).size).toBe(50);
    for (const key of keys) expect(inBand(truth.band, space.flopsM(table.records.get(key)!.cell))).toBe(true);
    expect(bandRankingCells(truth, 50, 0)).toEqual(keys);
    expect(bandRankingCells(truth, 50, 1)).not.toEqual(keys);
    expect(() => bandRankingCells(truth, truth.cells.length + 1, 0)).toThrow(`band ${truth.band.label}: ranking set size must be an integer in 1..${truth.cells.length}: got ${truth.cells.length + 1}`);
  });

  it('judges a pick by the table: accuracies, percentiles, regret, and whether it lies in the band', () => {
    const bands = nb201FlopsBands(table, space);
    const truth = bandTruth(table, space, bands[0]);
    const all = [...table.records.values()].map((r) => r.valAccuracy);
    const best = tablePick(table, space, truth, all, truth.best.arch, 0.5);
    expect(best).toMatchObject({ cell: truth.best.arch, inherited: 0.5, valAcc200: truth.best.valAccuracy, testAcc200: truth.best.testAccuracy, regret: 0, params: truth.best.params, inBand: true });
    expect(best.percentileInBand).toBe(percentileRank(truth.valAccuracies, truth.best.valAccuracy));
    const other = truth.cells[7];
    const pick = tablePick(table, space, truth, all, other.arch, 0.1);
    expect(pick.regret).toBeCloseTo(truth.best.valAccuracy - other.valAccuracy, 12);
    expect(pick.percentileInSpace).toBe(percentileRank(all, other.valAccuracy));
    const outside = bandTruth(table, space, bands[2]).cells[0];
    expect(tablePick(table, space, truth, all, outside.arch, 0.1).inBand).toBe(false);
    expect(() => tablePick(table, space, truth, all, 'no-such-cell', 0.1)).toThrow(/picked cell no-such-cell is not in .*cifar10\.csv/);
  });
});

describe('FLOPs-band searches on a NAS-Bench-201 supernet (pool jobs)', () => {
  const config: Nb201SupernetConfig = { imageSize: 16, imageChannels: 3, classes: 10, channels: 4, cellsPerStage: 1 };
  const evaluation = { calibration: 128, evaluation: 100 };
  let splits: ImageSplits;
  beforeAll(async () => {
    splits = await loadImageSplits('cifar10', { validation: 100, seed: 0, trainLimit: 400, testLimit: 100, downsample: 2, quiet: true });
  }, 120_000);

  it('keeps every pick inside its band and gives the same picks on worker threads as in this thread', async () => {
    const band = nb201FlopsBands(table, space)[0];
    const run = async (workers: number) => {
      const settings: SupernetSettings<Nb201SupernetConfig> = { config, steps: 4, batchSize: 16, learningRate: 0.05, seed: 1, sampling: { kind: 'uniform' }, cacheDir: mkdtempSync(join(tmpdir(), `nb201-bands-${workers}-`)) };
      const [trained] = await runSupernetJobs(splits, [supernetJob(settings)], { workers });
      trained.supernet.dispose();
      const jobs = (['random', 'evolution'] as const).map((method) => searchJob({ supernet: settings, evaluation, method, limit: bandLimit(band), budget: 6, seeds: [1, 2] }));
      return runSupernetJobs(splits, jobs, { workers });
    };
    const threaded = await run(2);
    const inline = await run(0);
    for (const [i, runs] of threaded.entries()) {
      expect(runs.results.map((r) => r.best)).toEqual(inline[i].results.map((r) => r.best));
      for (const r of runs.results) {
        expect(r.queried).toBe(6);
        expect(inBand(band, space.flopsM(table.records.get(r.best!.key)!.cell))).toBe(true);
      }
    }
    expect(threaded[0].discardedForFlops).toBeGreaterThan(0);
  }, 240_000);

  it('evaluates keys split over pool jobs, in key order, as this thread does', async () => {
    const settings: SupernetSettings<Nb201SupernetConfig> = { config, steps: 4, batchSize: 16, learningRate: 0.05, seed: 3, sampling: { kind: 'uniform' }, cacheDir: mkdtempSync(join(tmpdir(), 'nb201-eval-')) };
    const [trained] = await runSupernetJobs(splits, [supernetJob(settings)], { workers: 0 });
    const keys = [...table.records.keys()].slice(100, 105);
    const pooled = await evaluateOnPool(splits, settings, evaluation, keys, { parts: 2 });
    const here = supernetEvaluator(trained, searchEvaluationData(splits, evaluation));
    expect(pooled).toEqual(keys.map((key) => here.record(trained.supernet.architecture(key)).valAccuracy));
    expect(here.computed).toBe(0); // every value came from the file the pool jobs wrote
    trained.supernet.dispose();
    expect(await evaluateOnPool(splits, settings, evaluation, [])).toEqual([]);
    await expect(evaluateOnPool(splits, settings, evaluation, keys, { parts: 0 })).rejects.toThrow('parts must be a positive integer: got 0');
  }, 120_000);
});
