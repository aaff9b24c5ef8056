// Tests of the Fig 5 / Fig 6 pipeline pieces on the smoke space with a synthetic evaluator (no supernet):
// distinct seeded labelled sets, the factor study's choices, region decodes, the limit grid, and
// limited searches whose best always meets F + τ.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { spearman } from '../../lib/analysis/correlation';
import { initBackend } from '../../lib/backend';
import { factorStudy, fig6Limit, flopsLimitGrid, labelledSubnets, limitedRunsOf, limitedSearchRuns, limitRows, methodsAcrossLimits, regionDraws } from '../../lib/experiments/fig5-fig6';
import { flopsLimitedAlgorithm, oneShotSearchRuns } from '../../lib/experiments/flops-bands';
import { SMOKE_CONTROLLER_OPTIONS } from '../../lib/experiments/grid';
import type { SubnetEvaluator } from '../../lib/supernet/oneshot-benchmark';
import { LayerChoiceSpace, SMOKE_SPACE, type Architecture } from '../../lib/supernet/space';

const space = new LayerChoiceSpace(SMOKE_SPACE);
const TINY = { hidden: 8, latentDim: 4, learningRate: 0.01 };

/** A synthetic accuracy: rises with FLOPs, plus a fixed per-key offset so ties are rare. */
function accuracyOf(arch: Architecture): number {
  let h = 0;
  for (const ch of space.key(arch)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 0.5 + 2 * space.flopsM(arch) + 0.01 * ((h % 997) / 997);
}

/** What oneShotBenchmark and oneShotSearchRuns read of an evaluator, without a supernet. */
function fakeEvaluator(): SubnetEvaluator {
  const fake = { supernet: { space, architecture: (key: string) => space.architecture(key) }, computed: 0, record: (arch: Architecture) => {
    fake.computed++;
    return { searchAccuracy: accuracyOf(arch), valAccuracy: accuracyOf(arch), flopsM: space.flopsM(arch), params: space.params(arch) };
  } };
  return fake as unknown as SubnetEvaluator;
}

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

describe('labelledSubnets', () => {
  it('draws distinct sub-networks, labels them by the callback, and repeats for the same seed', () => {
    const a = labelledSubnets(space, accuracyOf, 40, 3);
    expect(new Set(a.keys).size).toBe(40);
    expect(a.accuracy).toEqual(a.archs.map(accuracyOf));
    expect(a.flopsM).toEqual(a.archs.map((x) => space.flopsM(x)));
    expect(a.tokens[0]).toEqual(space.encode(a.archs[0]));
    expect(labelledSubnets(space, accuracyOf, 40, 3).keys).toEqual(a.keys);
    expect(labelledSubnets(space, accuracyOf, 40, 4).keys).not.toEqual(a.keys);
  });

  it('rejects a count above the space (400 sub-networks)', () => {
    expect(() => labelledSubnets(space, accuracyOf, 401, 0)).toThrow(/integer in 2..400: got 401/);
  });
});

describe('factorStudy and regionDraws', () => {
  it('picks the factor with the largest |ρ|, spans Eq 4 around the top-3, and frees its tensors', () => {
    const labelled = labelledSubnets(space, accuracyOf, 30, 1);
    const before = tf.memory().numTensors;
    const study = factorStudy(space, labelled, { seed: 2, steps: 40, batchSize: 16, controller: TINY });
    try {
      expect(study.mu).toHaveLength(30);
      expect(study.mu[0]).toHaveLength(4);
      const abs = study.spearmanAccuracy.map((r) => Math.abs(r ?? 0));
      expect(abs[study.factor]).toBe(Math.max(...abs));
      expect(study.spearmanFlops[study.factor]).toBeCloseTo(spearman(study.mu.map((r) => r[study.factor]), labelled.flopsM), 12);
      const best = [...labelled.accuracy].sort((x, y) => y - x).slice(0, 3);
      expect(study.top.map((i) => labelled.accuracy[i])).toEqual(best);
      // σ = 0.05: each top code's value lies inside R_k with 0.05 either side
      for (const i of study.top) expect(study.region.intervals[study.factor].some(([lo, hi]) => study.mu[i][study.factor] - 0.05 >= lo - 1e-9 && study.mu[i][study.factor] + 0.05 <= hi + 1e-9)).toBe(true);
      const drawn = regionDraws(space, study.controller, study.region, 25, 5);
      expect(drawn.counts.reduce((a, b) => a + b, 0)).toBe(25);
      expect(new Set(drawn.keys).size).toBe(drawn.archs.length);
      expect(regionDraws(space, study.controller, study.region, 25, 5).keys).toEqual(drawn.keys);
      const again = factorStudy(space, labelled, { seed: 2, steps: 40, batchSize: 16, controller: TINY });
      expect(again.mu).toEqual(study.mu); // same seed, same controller
      again.dispose();
    } finally {
      study.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 30_000);

  it('rejects a topK larger than the labelled set and a non-positive draw count', () => {
    const labelled = labelledSubnets(space, accuracyOf, 5, 1);
    expect(() => factorStudy(space, labelled, { seed: 0, steps: 1, batchSize: 5, controller: TINY, topK: 6 })).toThrow(/topK must be an integer in 1..5: got 6/);
    const study = factorStudy(space, labelled, { seed: 0, steps: 1, batchSize: 5, controller: TINY });
    try {
      expect(() => regionDraws(space, study.controller, study.region, 0, 0)).toThrow(/positive integer: got 0/);
    } finally {
      study.dispose();
    }
  });
});

describe('flopsLimitGrid', () => {
  const { max } = space.flopsRangeM();

  it('cuts limits at FLOPs quantiles and beyond the maximum, sorted, with the share they admit', () => {
    const grid = flopsLimitGrid(space, 0, { quantiles: [0.7, 0.3], beyondMax: [1.1], samples: 4000 });
    expect(grid.map((p) => p.label)).toEqual(['q30', 'q70', '1.1×max']);
    expect(grid[0].feasibleShare).toBeGreaterThan(0.27);
    expect(grid[0].feasibleShare).toBeLessThan(0.33);
    expect(grid.map((p) => p.binds)).toEqual([true, true, false]);
    expect(grid[2].limitM).toBeCloseTo(1.1 * max, 4);
    expect(grid[2].feasibleShare).toBe(1);
  });

  it('keeps one point per limit and rejects quantiles outside (0, 1) and multiples below 1', () => {
    expect(flopsLimitGrid(space, 0, { quantiles: [0.5, 0.5], samples: 500 })).toHaveLength(1);
    expect(() => flopsLimitGrid(space, 0, { quantiles: [1] })).toThrow(/quantiles must lie in \(0, 1\): got 1/);
    expect(() => flopsLimitGrid(space, 0, { quantiles: [], beyondMax: [0.9] })).toThrow(/finite and ≥ 1: got 0.9/);
    expect(() => flopsLimitGrid(space, 0, { quantiles: [] })).toThrow(/at least one/);
  });
});

describe('limitedSearchRuns', () => {
  it('runs DNAS and SemiNAS under each limit; every best meets F + τ and the stats name the limit', async () => {
    const evaluator = fakeEvaluator();
    const limits = flopsLimitGrid(space, 0, { quantiles: [0.3], beyondMax: [1.1], samples: 2000 });
    const runs = await limitedSearchRuns(evaluator, limits, { budget: 8, seeds: [1], methods: ['dnas', 'semi'], search: SMOKE_CONTROLLER_OPTIONS, toleranceFraction: 0.05 });
    expect(runs[0].evaluationsComputed).toBeGreaterThan(0);
    expect(runs.map((r) => [r.limit.label, r.method])).toEqual([['q30', 'dnas'], ['q30', 'semi'], ['1.1×max', 'dnas'], ['1.1×max', 'semi']]);
    for (const r of runs) {
      expect(r.results[0].queried).toBe(8);
      expect(r.bestFlopsM[0]).toBeLessThanOrEqual(r.limit.limitM + r.toleranceM);
      expect(r.bestAccuracy[0]).toBe(r.results[0].best!.searchAccuracy);
      expect(r.stats[0]).toMatchObject({ limitM: r.limit.limitM, toleranceM: r.toleranceM });
    }
    // Above the maximum nothing is ever discarded; at the 30th percentile uniform draws are.
    const rows = limitRows(runs);
    expect(rows.filter((row) => !row.binds).every((row) => row.discardedUniform === 0 && row.discardedLatent === 0)).toBe(true);
    expect(rows.find((row) => row.binds && row.method === 'semi')!.discardedUniform).toBeGreaterThan(0);
    const series = methodsAcrossLimits(runs);
    expect(series.map((s) => [s.method, s.limitM])).toEqual([['dnas', limits.map((l) => l.limitM)], ['semi', limits.map((l) => l.limitM)]]);
  }, 30_000);

  it('gives the same runs from separately run searches (what the pool’s search jobs return) as in one call', async () => {
    const limits = flopsLimitGrid(space, 0, { quantiles: [0.5], samples: 2000 });
    const options = { budget: 8, seeds: [1, 2], methods: ['dnas'] as const, search: SMOKE_CONTROLLER_OPTIONS, toleranceFraction: 0.05 };
    const [together] = await limitedSearchRuns(fakeEvaluator(), limits, options);
    const limit = fig6Limit(limits[0], 0.05);
    expect(limit).toEqual({ limitM: limits[0].limitM, toleranceM: Number((0.05 * limits[0].limitM).toPrecision(4)) });
    const runs = await oneShotSearchRuns(fakeEvaluator(), 'dnas', () => flopsLimitedAlgorithm('dnas', limit, 8, SMOKE_CONTROLLER_OPTIONS), { budget: 8, seeds: [1, 2] });
    const apart = limitedRunsOf(limits[0], limit.toleranceM!, [1, 2], runs, (key) => space.flopsM(space.architecture(key)));
    const strip = ({ seconds, ...rest }: { seconds: number }) => rest;
    expect(strip(apart)).toEqual(strip(together));
    expect(apart.stats.every((s) => s !== null && s.limitM === limits[0].limitM)).toBe(true);
    expect(() => fig6Limit(limits[0], -0.1)).toThrow('tolerance fraction must be a finite number ≥ 0: got -0.1');
  }, 30_000);
});
