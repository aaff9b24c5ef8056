// Regularized evolution whose first population comes from a sampler (VAENAS §5.3): the default is the
// uniform sampler on the same stream as before, a given sampler really seeds the population, runs are seeded.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { QueryLog, type QueryLogRow } from '../../lib/report/query-log';
import type { CellSampler } from '../../lib/samplers/sampler';
import { uniformSampler } from '../../lib/samplers/uniform';
import { regularizedEvolution } from '../../lib/search/evolution';
import { runSearch, type SearchAlgorithm, type SearchResult } from '../../lib/search/search';
import { toyBenchmark, toySpace } from './toy-problem';

const SIZE = 2000;

/** Run on the toy ring (even cells only in the table); the log rows and the result. */
async function run(algorithm: SearchAlgorithm, seed: number, budget: number): Promise<{ rows: readonly QueryLogRow[]; result: SearchResult }> {
  const log = QueryLog.inMemory();
  const benchmark = toyBenchmark(SIZE, { inTable: (c) => c % 2 === 0, log });
  const result = await runSearch(algorithm, { space: toySpace(SIZE), benchmark, rng: new Rng(seed), budget }, { maxFreeStreak: 10_000 });
  return { rows: log.rows, result };
}

const strip = (rows: readonly QueryLogRow[]): string[] => rows.map((row) => `${row.hash}:${row.outcome}`);

/**
 * A "learned" sampler that only proposes 1000..1099 (half of them in the table), the upper-middle of the
 * ring: away from the top, where the ring wraps to its worst cells and evolution runs out of neighbours.
 */
const topSampler: CellSampler<number> = {
  name: 'vae',
  draw(n, rng) {
    const cells = Array.from({ length: n }, () => 1000 + rng.int(100));
    return { cells, sources: cells.map(() => 'vae'), redraws: {} };
  },
};

describe('regularizedEvolution with an initial sampler', () => {
  it('proposes exactly the old uniform stream by default and with an explicit uniform sampler', async () => {
    const byDefault = await run(regularizedEvolution({ populationSize: 20, tournamentSize: 5 }), 3, 60);
    const explicit = await run(regularizedEvolution({ populationSize: 20, tournamentSize: 5, initialSampler: uniformSampler(toySpace(SIZE)) as CellSampler<unknown> }), 3, 60);
    expect(strip(explicit.rows)).toEqual(strip(byDefault.rows));
    // the first population is space.sampleUniform on the run's 'uniform' stream, one call after another
    const rng = new Rng(3).fork('uniform');
    const space = toySpace(SIZE);
    const firstProposals = byDefault.rows.slice(0, 10).map((r) => r.hash);
    expect(firstProposals).toEqual(Array.from({ length: 10 }, () => `c${space.sampleUniform(rng)}`));
    // default settings are unchanged (the runner compares them when resuming a seed folder)
    expect(regularizedEvolution().settings).toEqual({ populationSize: 100, tournamentSize: 10, repeatedChildren: 'join', mutation: 'space.mutate' });
  });
  it('draws the first population from the given sampler and tags those queries', async () => {
    const { rows, result } = await run(regularizedEvolution({ populationSize: 20, tournamentSize: 5, initialSampler: topSampler as CellSampler<unknown> }), 4, 60);
    // the first population: in-table cells until 20 have joined (repeats join too, out-of-table ones do not)
    let joined = 0;
    const initial: QueryLogRow[] = [];
    for (const row of rows) {
      if (joined === 20) break;
      initial.push(row);
      if (row.outcome !== 'out-of-domain') joined++;
    }
    for (const row of initial) {
      expect(Number(row.hash.slice(1))).toBeGreaterThanOrEqual(1000);
      expect(Number(row.hash.slice(1))).toBeLessThan(1100);
      expect(row.source).toBe('re:initial-vae');
    }
    expect(result.queriedByOrigin['initial-vae']).toBe(initial.filter((r) => r.outcome === 'new').length);
    expect(result.queried).toBe(60);
    expect(regularizedEvolution({ initialSampler: topSampler as CellSampler<unknown> }).settings.initialSampler).toBe('vae');
  });
  it('starts higher than a uniform start when the sampler knows the good region', async () => {
    const seeded = await run(regularizedEvolution({ populationSize: 20, tournamentSize: 5, initialSampler: topSampler as CellSampler<unknown> }), 5, 20);
    const plain = await run(regularizedEvolution({ populationSize: 20, tournamentSize: 5 }), 5, 20);
    // budget = population: the runs are their first populations; accuracy = cell / 2000 on the toy ring
    expect(Math.min(...seeded.result.accuracies)).toBeGreaterThanOrEqual(0.5);
    // 20 uniform table cells all ≥ 0.5 would happen with probability ≈ 2^-20
    expect(Math.min(...plain.result.accuracies)).toBeLessThan(0.5);
  });
  it('gives the same queries for the same seed', async () => {
    const re = regularizedEvolution({ populationSize: 20, tournamentSize: 5, initialSampler: topSampler as CellSampler<unknown> });
    expect(strip((await run(re, 6, 60)).rows)).toEqual(strip((await run(re, 6, 60)).rows));
    expect(strip((await run(re, 6, 60)).rows)).not.toEqual(strip((await run(re, 7, 60)).rows));
  });
});
