// U(α): the uniform distribution over a search space's unique cells as a CellSampler (VAENAS Eq 5's
// first component, and the random-sampling baseline of its Table 4). It only wraps space.sampleUniform.
import type { Rng } from '../random';
import type { SearchSpace } from '../spaces/search-space';
import { checkCount, type CellSampler, type SamplerDraws } from './sampler';

/**
 * Uniform sampling over `space`: `draw(n, rng)` calls `space.sampleUniform(rng)` n times in a row,
 * so a stream of draws is exactly the stream Random Search and regularized evolution use.
 * Every draw is valid (no redraws).
 */
export function uniformSampler<C>(space: SearchSpace<C>): CellSampler<C> {
  return {
    name: 'uniform',
    draw(n: number, rng: Rng): SamplerDraws<C> {
      checkCount(n);
      const cells = Array.from({ length: n }, () => space.sampleUniform(rng));
      return { cells, sources: cells.map(() => 'uniform'), redraws: {} };
    },
  };
}
