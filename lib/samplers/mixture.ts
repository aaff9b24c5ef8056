// VAENAS Eq 5 / Algorithm 2: Γ(α) = (1 − ε)·U(α) + ε·p_θ(α|z), with ε starting at 0 and growing by
// ε_inc per iteration (line 11). It only mixes two samplers; it trains nothing and owns no model.
import type { Rng } from '../random';
import { addCounts, checkCount, type CellSampler, type SamplerDraws } from './sampler';

/** Settings of the mixture. */
export interface MixtureOptions {
  /** ε at the start (default 0: VAENAS Algorithm 2, line 1 "Set ε = 0"). */
  readonly epsilon?: number;
  /**
   * ε_inc, added to ε by each `advance()` (Algorithm 2, line 11, once per super-network iteration).
   * Required: the paper names the parameter ("exploitation increase parameter") but gives no value.
   */
  readonly epsilonInc: number;
}

/** Γ of Eq 5 as a sampler, with the ε schedule of Algorithm 2. */
export interface MixtureSampler<C> extends CellSampler<C> {
  /** ε now, in [0, 1]. */
  readonly epsilon: number;
  readonly epsilonInc: number;
  /**
   * Algorithm 2, line 11: ε ← ε + ε_inc, capped at 1 (ε is a mixture weight; the paper does not say
   * what happens past 1, and beyond it Γ would not be a distribution). @returns the new ε.
   */
  advance(): number;
  /** The learned component p_θ in use (Algorithm 2, line 9 retrains it; swap it in with `setLearned`). */
  readonly learned: CellSampler<C>;
  /** Replace p_θ, e.g. by the sampler of a retrained VAE (Algorithm 2, line 9); ε is kept. */
  setLearned(sampler: CellSampler<C>): void;
}

/**
 * Γ(α) = (1 − ε)·U(α) + ε·p_θ(α|z) (VAENAS Eq 5): each of the n draws independently takes its
 * component with probability ε (learned) or 1 − ε (uniform), then draws one cell from it; a
 * component's own redraws (invalid decodes) stay inside that component, so the component weights
 * are exactly (1 − ε, ε) per returned cell. Draws of one component are fetched in one call (one
 * decoder batch); output order follows the per-slot choices.
 * @throws RangeError when ε is outside [0, 1] or ε_inc is negative or not finite.
 */
export function mixtureSampler<C>(uniform: CellSampler<C>, learned: CellSampler<C>, options: MixtureOptions): MixtureSampler<C> {
  let epsilon = options.epsilon ?? 0;
  const { epsilonInc } = options;
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`epsilon must be in [0, 1]: got ${epsilon}`);
  if (!(epsilonInc >= 0 && Number.isFinite(epsilonInc))) throw new RangeError(`epsilonInc must be a finite number ≥ 0: got ${epsilonInc}`);
  let current = learned;
  return {
    name: 'mixture',
    epsilonInc,
    get epsilon() {
      return epsilon;
    },
    get learned() {
      return current;
    },
    advance() {
      epsilon = Math.min(1, epsilon + epsilonInc);
      return epsilon;
    },
    setLearned(sampler) {
      current = sampler;
    },
    draw(n: number, rng: Rng): SamplerDraws<C> {
      checkCount(n);
      const fromLearned = Array.from({ length: n }, () => rng.bernoulli(epsilon));
      const wantLearned = fromLearned.filter(Boolean).length;
      const a = current.draw(wantLearned, rng);
      const b = uniform.draw(n - wantLearned, rng);
      const cells: C[] = [];
      const sources: string[] = [];
      let ia = 0;
      let ib = 0;
      for (const pick of fromLearned) {
        const i = pick ? ia++ : ib++;
        cells.push(pick ? a.cells[i] : b.cells[i]);
        sources.push(pick ? a.sources[i] : b.sources[i]);
      }
      const redraws: Record<string, number> = {};
      addCounts(redraws, a.redraws);
      addCounts(redraws, b.redraws);
      return { cells, sources, redraws };
    },
  };
}
