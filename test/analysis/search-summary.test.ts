import { describe, expect, it } from 'vitest';
import { bestSoFarBands, summarizeSearchRuns, topKMean } from '../../lib/analysis/search-summary';
import type { SearchResult } from '../../lib/search/search';

/** A finished run whose best-so-far curve is `trajectory`. */
function run(trajectory: number[], outOfDomain = 0, algorithm = 're', budget = trajectory.length): SearchResult {
  return { algorithm, budget, queried: trajectory.length, best: { key: 'k', searchAccuracy: trajectory[trajectory.length - 1] }, trajectory, accuracies: trajectory, queriedByOrigin: { main: trajectory.length }, proposals: trajectory.length + outOfDomain, outOfDomain, repeats: 0 };
}

// A table of 10 cells with accuracies 0.90, 0.91, …, 0.99.
const TABLE = Array.from({ length: 10 }, (_, i) => 0.9 + i / 100);

describe('summarizeSearchRuns', () => {
  it('reports mean best, the share of the table above it, regret to the optimum and free proposals', () => {
    const s = summarizeSearchRuns([run([0.9, 0.97], 4), run([0.95, 0.99], 6)], TABLE);
    expect(s.best.mean).toBeCloseTo(0.98, 12);
    // 0.97 has 2 cells above it (0.98, 0.99): top 20%; 0.99 has none: top 0%
    expect(s.topFraction).toBeCloseTo(0.1, 12);
    expect(s.regret).toBeCloseTo(0.01, 12);
    expect(s.outOfDomain).toBe(5);
    expect(s).toMatchObject({ algo: 're', budget: 2, seeds: 2, originShare: { main: 1 } });
  });
  it('rejects no runs, mixed configurations and unfinished runs', () => {
    expect(() => summarizeSearchRuns([], TABLE)).toThrow('summarizeSearchRuns needs at least one run');
    expect(() => summarizeSearchRuns([run([0.9, 0.91]), run([0.9, 0.91], 0, 'random')], TABLE)).toThrow('runs mix configurations: random/2 beside re/2');
    expect(() => summarizeSearchRuns([{ ...run([0.9]), budget: 5 }], TABLE)).toThrow('run of re/5 did not finish: 1 of 5 queries');
  });
});

describe('bestSoFarBands', () => {
  it('averages the curves per query index', () => {
    const bands = bestSoFarBands([run([0.9, 0.92]), run([0.94, 0.96])]);
    expect(bands.x).toEqual([1, 2]);
    expect(bands.mean.map((v) => Math.round(v * 1000) / 1000)).toEqual([0.92, 0.94]);
    expect(bands.std[0]).toBeCloseTo(Math.sqrt(0.0008), 12);
  });
});

describe('topKMean', () => {
  it('averages the k largest values', () => {
    expect(topKMean([1, 5, 3, 4], 2)).toBe(4.5);
  });
  it('rejects k larger than the sample', () => {
    expect(() => topKMean([1], 2)).toThrow('top-2 mean needs at least 2 values: got 1');
  });
});
