import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { denseSample } from '../../lib/samplers/dense';
import { promisingRegion } from '../../lib/samplers/promising-region';
import type { SearchSpace } from '../../lib/spaces/search-space';

// A toy space of the integers 0..999; a latent code z decodes to round(1000·z[0]) when that is a
// cell in [500, 999] and to null (an invalid decode) otherwise — so the region's source is visible.
const toySpace = {
  name: 'toy',
  size: 1000,
  key: (c: number) => String(c),
  sampleUniform: (rng: Rng) => rng.int(1000),
} as unknown as SearchSpace<number>;
const decodeLatent = (z: number[][]) => z.map((v) => {
  const cell = Math.round(1000 * v[0]);
  return cell >= 500 && cell <= 999 ? cell : null;
});

describe('denseSample', () => {
  it('draws from the region with probability ε1 and uniformly otherwise', () => {
    // region [0.45, 0.95]: decodes to 450..950, of which 450..499 are invalid
    const region = promisingRegion([[0.7]], 0.25);
    const result = denseSample(600, { space: toySpace, decodeLatent, region, rng: new Rng(1) }, { epsilon1: 0.3, epsilon2: 0 });
    expect(result.cells).toHaveLength(600);
    expect(new Set(result.cells).size).toBe(600);
    expect(result.fromRegion + result.uniform).toBe(600);
    // ε1 = 0.3 of 600 slots: 180 expected, standard error √(600·0.3·0.7) ≈ 11; allow 5 SE
    expect(Math.abs(result.fromRegion - 180)).toBeLessThan(56);
    expect(result.invalidDecodes).toBeGreaterThan(0);
  });
  it('never returns an excluded or repeated cell, and counts the redraws', () => {
    const region = promisingRegion([[0.6]], 0.001); // decodes to 599..601 only
    const exclude = new Set(['600']);
    const result = denseSample(50, { space: toySpace, decodeLatent, region, exclude, rng: new Rng(2) }, { epsilon1: 1, epsilon2: 0 });
    expect(result.cells).not.toContain(600);
    expect(new Set(result.cells).size).toBe(50);
    // only 599 and 601 can come from the region; the rest were redrawn, then filled uniformly
    expect(result.fromRegion).toBeLessThanOrEqual(2);
    expect(result.duplicates).toBeGreaterThan(0);
    expect(result.uniform).toBe(50 - result.fromRegion);
    expect(result.fallbacks).toBe(50 - result.fromRegion);
  });
  it('counts add up: draws = region cells + duplicates + invalid + fallbacks, on every mix of outcomes', () => {
    const exclude = new Set(['600', '700']);
    // region [0.45, 0.75] yields all four outcomes: invalid (450..499), excluded, new cells, and (narrow) fallbacks
    for (const [centre, half, n] of [[0.6, 0.15, 300], [0.6, 0.001, 40], [0.3, 0.1, 20]] as const) {
      const result = denseSample(n, { space: toySpace, decodeLatent, region: promisingRegion([[centre]], half), exclude, rng: new Rng(7) }, { epsilon1: 0.8, epsilon2: 0 });
      expect(result.draws).toBe(result.fromRegion + result.fromEdge + result.duplicates + result.invalidDecodes + result.fallbacks);
      expect(result.cells).toHaveLength(n);
      expect(result.fromRegion + result.fromEdge + result.uniform).toBe(n);
    }
    // the third region decodes to 200..400 only: every latent draw is invalid, every latent slot falls back
    const invalidOnly = denseSample(20, { space: toySpace, decodeLatent, region: promisingRegion([[0.3]], 0.1), rng: new Rng(8) }, { epsilon1: 1, epsilon2: 0 });
    expect([invalidOnly.fromRegion, invalidOnly.fallbacks, invalidOnly.duplicates]).toEqual([0, 20, 0]);
    expect(invalidOnly.invalidDecodes).toBe(20 * 20); // 20 slots × MAX_ROUNDS rounds
  });
  it('is deterministic for a seed', () => {
    const region = promisingRegion([[0.7]], 0.25);
    const run = () => denseSample(100, { space: toySpace, decodeLatent, region, rng: new Rng(3) }, { epsilon1: 0.5, epsilon2: 0 }).cells;
    expect(run()).toEqual(run());
  });
  it('rejects bad probabilities, a bad count and ε2 without an edge region', () => {
    const input = { space: toySpace, decodeLatent, region: promisingRegion([[0.7]], 0.1), rng: new Rng(4) };
    expect(() => denseSample(-1, input)).toThrow('number of samples must be an integer ≥ 0: got -1');
    expect(() => denseSample(1, input, { epsilon1: 1.5, epsilon2: 0 })).toThrow('epsilon1 must be in [0, 1]: got 1.5');
    expect(() => denseSample(1, input, { epsilon1: 0.7, epsilon2: 0.4 })).toThrow('epsilon1 + epsilon2 must be ≤ 1');
    expect(() => denseSample(1, input, { epsilon1: 0, epsilon2: 0.1 })).toThrow('epsilon2 = 0.1 needs an edgeRegion (the FLOPs-edge area)');
  });
});
