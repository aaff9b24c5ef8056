// Random Search: uniform proposals over the space's unique cells until the budget is spent.
// It never names a space and never looks at accuracies to choose (it is the null baseline).
import type { SearchAlgorithm, SearchSession } from './search';

/** Stream name of the uniform proposals; regularized evolution draws its first population from the same stream. */
export const UNIFORM_STREAM = 'uniform';

/**
 * Random Search (Ying et al. 2019 §5; the baseline of DNAS Table 1): propose
 * `space.sampleUniform` cells until `budget` distinct in-domain cells have been queried.
 * On a partial table most proposals are out of domain (free, counted) and repeats are free,
 * so the queried cells are a uniform sample WITHOUT replacement from the table's cells:
 * its expected best is exactly `expectedBestOfK(table, budget)` (lib/analysis/order-statistics.ts).
 */
export function randomSearch(): SearchAlgorithm {
  return {
    name: 'random',
    settings: { proposal: 'space.sampleUniform' },
    run<C>(session: SearchSession<C>): void {
      const rng = session.rng.fork(UNIFORM_STREAM);
      while (!session.done) session.propose(session.space.sampleUniform(rng));
    },
  };
}
