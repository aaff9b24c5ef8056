import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { mixtureSampler } from '../../lib/samplers/mixture';
import type { CellSampler } from '../../lib/samplers/sampler';
import { uniformSampler } from '../../lib/samplers/uniform';
import { toySpace } from '../search/toy-problem';

// Uniform over 0..999; the "learned" component draws only cells 2000..2009 and reports one invalid
// decode per cell it returns, so where each cell came from and the redraw counts are visible.
const uniform = uniformSampler(toySpace(1000));
const learned: CellSampler<number> = {
  name: 'vae',
  draw(n, rng) {
    const cells = Array.from({ length: n }, () => 2000 + rng.int(10));
    const redraws: Record<string, number> = n > 0 ? { invalid: n } : {};
    return { cells, sources: cells.map(() => 'vae'), redraws };
  },
};

describe('mixtureSampler', () => {
  it('takes the learned component with probability ε (binomial tolerance)', () => {
    const mix = mixtureSampler(uniform, learned, { epsilon: 0.3, epsilonInc: 0 });
    const n = 4000;
    const drawn = mix.draw(n, new Rng(1));
    const fromLearned = drawn.sources.filter((s) => s === 'vae').length;
    // Binomial(4000, 0.3): mean 1200, sd √(4000·0.3·0.7) ≈ 29; allow 4 sd (two-sided p ≈ 6e-5 of a false failure)
    expect(Math.abs(fromLearned - 1200)).toBeLessThan(4 * Math.sqrt(n * 0.3 * 0.7));
    // sources say the truth: learned cells are ≥ 2000, uniform ones below 1000
    drawn.cells.forEach((c, i) => expect(c >= 2000).toBe(drawn.sources[i] === 'vae'));
    // the learned component's redraws stay inside it: one per learned cell
    expect(drawn.redraws).toEqual({ invalid: fromLearned });
  });
  it('matches ε at several settings of the schedule', () => {
    for (const epsilon of [0.05, 0.5, 0.9]) {
      const drawn = mixtureSampler(uniform, learned, { epsilon, epsilonInc: 0 }).draw(2000, new Rng(2));
      const share = drawn.sources.filter((s) => s === 'vae').length / 2000;
      expect(Math.abs(share - epsilon)).toBeLessThan(4 * Math.sqrt((epsilon * (1 - epsilon)) / 2000));
    }
  });
  it('is all uniform at ε = 0 and all learned at ε = 1', () => {
    expect(mixtureSampler(uniform, learned, { epsilonInc: 0 }).draw(200, new Rng(3)).sources.every((s) => s === 'uniform')).toBe(true);
    expect(mixtureSampler(uniform, learned, { epsilon: 1, epsilonInc: 0 }).draw(200, new Rng(3)).sources.every((s) => s === 'vae')).toBe(true);
  });
  it('starts at ε = 0 and grows by ε_inc per advance, capped at 1 (Algorithm 2, lines 1 and 11)', () => {
    const mix = mixtureSampler(uniform, learned, { epsilonInc: 0.25 });
    expect(mix.epsilon).toBe(0);
    expect([mix.advance(), mix.advance(), mix.advance(), mix.advance(), mix.advance()]).toEqual([0.25, 0.5, 0.75, 1, 1]);
    expect(mix.draw(50, new Rng(4)).sources.every((s) => s === 'vae')).toBe(true);
  });
  it('uses a swapped-in learned component and keeps ε', () => {
    const mix = mixtureSampler(uniform, learned, { epsilon: 1, epsilonInc: 0 });
    const other: CellSampler<number> = { name: 'other', draw: (n) => ({ cells: new Array(n).fill(7), sources: new Array(n).fill('other'), redraws: {} }) };
    mix.setLearned(other);
    expect(mix.learned).toBe(other);
    expect(mix.draw(3, new Rng(5)).cells).toEqual([7, 7, 7]);
  });
  it('gives the same cells for the same seed', () => {
    const draw = (seed: number) => mixtureSampler(uniform, learned, { epsilon: 0.4, epsilonInc: 0 }).draw(300, new Rng(seed));
    expect(draw(6)).toEqual(draw(6));
    expect(draw(6).cells).not.toEqual(draw(7).cells);
  });
  it('rejects ε outside [0, 1] and a negative ε_inc', () => {
    expect(() => mixtureSampler(uniform, learned, { epsilon: 1.2, epsilonInc: 0 })).toThrow('epsilon must be in [0, 1]: got 1.2');
    expect(() => mixtureSampler(uniform, learned, { epsilonInc: -0.1 })).toThrow('epsilonInc must be a finite number ≥ 0: got -0.1');
    expect(() => mixtureSampler(uniform, learned, { epsilonInc: 0 }).draw(1.5, new Rng(0))).toThrow('number of samples must be an integer ≥ 0: got 1.5');
  });
});
