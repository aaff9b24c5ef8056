// Random Search: uniform proposals over the space's unique cells until the budget is spent, under a
// FLOPs limit by rejection sampling. It never names a space and never looks at accuracies to choose.
import { checkLimitReachable, FlopsGate, limitSettings, resolveFlopsLimit, type FlopsLimit, type FlopsLimitedSearch } from './flops-limit';
import type { SearchSession } from './search';

/** Stream name of the uniform proposals; regularized evolution draws its first population from the same stream. */
export const UNIFORM_STREAM = 'uniform';

/** Settings of Random Search. */
export interface RandomSearchOptions {
  /**
   * Query only cells with FLOPs ≤ F + τ (DNAS Eq 6; and > aboveM in a band), drawn by rejection
   * sampling: uniform draws outside the limit are counted (flopsStats().discarded.uniform) and never proposed, so the queried
   * cells are uniform over the feasible cells. Default: none (Infinity is the same as none).
   */
  readonly flopsLimit?: FlopsLimit;
}

/**
 * Random Search (Ying et al. 2019 §5; the baseline of DNAS Table 1): propose
 * `space.sampleUniform` cells until `budget` distinct in-domain cells have been queried.
 * On a partial table most proposals are out of domain (free, counted) and repeats are free,
 * so the queried cells are a uniform sample WITHOUT replacement from the table's cells:
 * its expected best is exactly `expectedBestOfK(table, budget)` (lib/analysis/order-statistics.ts).
 * Under a FLOPs limit the same holds for the table's feasible cells.
 * @throws RangeError for an invalid limit (see resolveFlopsLimit); at run time, when F + τ is below
 *   the space's minimum FLOPs (checkLimitReachable).
 */
export function randomSearch(options: RandomSearchOptions = {}): FlopsLimitedSearch {
  const limit = resolveFlopsLimit(options.flopsLimit);
  let gate: FlopsGate<unknown> | null = null;
  return {
    name: 'random',
    anytime: true,
    // The limit is named only when there is one, so unconstrained settings stay what they were.
    settings: { proposal: 'space.sampleUniform', ...(limit ? { flopsLimit: limitSettings(limit) } : {}) },
    flopsStats: () => gate?.stats() ?? null,
    run<C>(session: SearchSession<C>): void {
      const rng = session.rng.fork(UNIFORM_STREAM);
      if (limit === null) {
        while (!session.done) session.propose(session.space.sampleUniform(rng));
        return;
      }
      checkLimitReachable(session.space, limit);
      const feasible = new FlopsGate<C>(session.space, limit);
      gate = feasible as FlopsGate<unknown>;
      while (!session.done) session.propose(feasible.drawFeasible(() => session.space.sampleUniform(rng), 'uniform'));
    },
  };
}
