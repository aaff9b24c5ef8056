import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { excludingKeys, sampleDistinct, samplerStream, type CellSampler } from '../../lib/samplers/sampler';
import { uniformSampler } from '../../lib/samplers/uniform';
import { toySpace } from '../search/toy-problem';

/** A sampler that hands out a fixed cycle of cells (no randomness), so counts are known exactly. */
function cycleSampler(cells: readonly number[], redrawsPerCall: Record<string, number> = {}): CellSampler<number> {
  let i = 0;
  return {
    name: 'cycle',
    draw(n) {
      const out = Array.from({ length: n }, () => cells[i++ % cells.length]);
      return { cells: out, sources: out.map(() => 'cycle'), redraws: redrawsPerCall };
    },
  };
}
const key = (c: number) => `c${c}`;

describe('uniformSampler', () => {
  it('draws exactly what space.sampleUniform draws, in order', () => {
    const space = toySpace(1000);
    const rng = new Rng(5);
    const expected = Array.from({ length: 20 }, () => space.sampleUniform(rng));
    const drawn = uniformSampler(space).draw(20, new Rng(5));
    expect(drawn.cells).toEqual(expected);
    expect(drawn.sources).toEqual(new Array(20).fill('uniform'));
    expect(drawn.redraws).toEqual({});
  });
  it('rejects a negative count', () => {
    expect(() => uniformSampler(toySpace(10)).draw(-1, new Rng(0))).toThrow('number of samples must be an integer ≥ 0: got -1');
  });
});

describe('samplerStream', () => {
  it('yields the same uniform cells one at a time whatever the batch size', () => {
    const space = toySpace(1000);
    const take = (batch: number) => {
      const stream = samplerStream(uniformSampler(space), new Rng(9), batch);
      return Array.from({ length: 30 }, () => stream.next().cell);
    };
    expect(take(1)).toEqual(take(7));
    expect(take(256)).toEqual(take(1));
  });
  it('sums the redraws of the batches it fetched', () => {
    const stream = samplerStream(cycleSampler([1, 2], { invalid: 2 }), new Rng(0), 4);
    for (let i = 0; i < 5; i++) stream.next(); // two batches of 4
    expect(stream.redraws).toEqual({ invalid: 4 });
  });
  it('rejects a batch size below 1', () => {
    expect(() => samplerStream(cycleSampler([1]), new Rng(0), 0)).toThrow('batchSize must be an integer ≥ 1: got 0');
  });
});

describe('excludingKeys', () => {
  it('redraws excluded cells and counts them', () => {
    // rounds draw 1,2,3,4 (2 and 4 excluded) | 1,2 (2 excluded) | 3: kept 1,3,1,3 after three exclusions
    const drawn = excludingKeys(cycleSampler([1, 2, 3, 4]), new Set(['c2', 'c4']), key).draw(4, new Rng(0));
    expect(drawn.cells).toEqual([1, 3, 1, 3]);
    expect(drawn.redraws).toEqual({ excluded: 3 });
  });
  it('says so when every draw is excluded', () => {
    expect(() => excludingKeys(cycleSampler([2]), new Set(['c2']), key, 3).draw(1, new Rng(0))).toThrow('excludingKeys: 1 of 1 draws still excluded after 3 rounds (1 excluded keys)');
  });
});

describe('sampleDistinct', () => {
  it('counts duplicates and rejected draws and returns distinct accepted cells in draw order', () => {
    // cycle 1,2,3,1,2,3,…; accept odd cells only: 1 (ok), 2 (rejected), 3 (ok), then 1 and 3 are duplicates
    const drawn = sampleDistinct(cycleSampler([1, 2, 3, 5]), 3, { rng: new Rng(0), key, accept: (c) => c % 2 === 1, batchSize: 2 });
    expect(drawn.cells).toEqual([1, 3, 5]);
    expect(drawn.keys).toEqual(['c1', 'c3', 'c5']);
    expect(drawn.draws).toBe(4);
    expect(drawn.rejected).toBe(1);
    expect(drawn.duplicates).toBe(0);
    const again = sampleDistinct(cycleSampler([1, 2, 1, 3]), 2, { rng: new Rng(0), key, accept: (c) => c % 2 === 1 });
    expect(again.cells).toEqual([1, 3]);
    expect([again.draws, again.rejected, again.duplicates]).toEqual([4, 1, 1]);
  });
  it('is uniform sampling without replacement from the accepted cells for the uniform sampler', () => {
    // 40-cell ring, even cells accepted: 20 draws must be all 20 even cells
    const drawn = sampleDistinct(uniformSampler(toySpace(40)), 20, { rng: new Rng(3), key, accept: (c) => c % 2 === 0 });
    expect([...drawn.cells].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
    expect(drawn.draws).toBe(20 + drawn.rejected + drawn.duplicates);
  });
  it('gives the same cells for the same seed', () => {
    const run = (seed: number) => sampleDistinct(uniformSampler(toySpace(1000)), 50, { rng: new Rng(seed), key }).cells;
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
  });
  it('stops with a clear error when the sampler cannot give enough distinct cells', () => {
    expect(() => sampleDistinct(cycleSampler([1, 2]), 3, { rng: new Rng(0), key, maxDraws: 10 })).toThrow('cycle: 10 draws gave 2 of 3 distinct accepted cells (8 duplicates, 0 rejected)');
    expect(() => sampleDistinct(cycleSampler([1]), 1, { rng: new Rng(0), key, maxDraws: 0 })).toThrow('maxDraws must be an integer ≥ 1: got 0');
  });
});
