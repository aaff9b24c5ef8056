// Smaller budgets read off one longer run. An algorithm whose proposals never depend on its budget
// (an "anytime" search: random, evolution, local search, BANANAS, the improved DNAS) makes, at budget
// b, exactly the first proposals it makes at any larger budget B. Its b-query result is then the
// state of the B-query run at the moment it has queried b distinct cells, so a grid that runs the
// same search at several budgets runs only the largest and takes the others as snapshots.
// Controller searches (NAO, SemiNAS, DNAS) split their budget into iterations (splitBudget), so
// they are not anytime and always run at each budget.
import type { SearchResult } from './search';

/** A run's state as a run at a smaller budget would have ended. */
export interface BudgetSnapshot {
  readonly budget: number;
  /** Exactly what `runSearch` at `budget` returns (the tests check it against such a run). */
  readonly result: SearchResult;
  /** Proposals made by then: the query log's first `rows` rows are that run's log (one row per proposal). */
  readonly rows: number;
}

/** What the runner asks of a session: the budgets to snapshot and where each snapshot goes. */
export interface BudgetSnapshots {
  /** Budgets below the run's own; each is taken at most once, in increasing order. */
  readonly budgets: readonly number[];
  take(snapshot: BudgetSnapshot): void;
}

/**
 * Why `budgets` cannot be snapshotted in a run at `budget`, or null when they can: each must be a
 * positive integer below the run's budget, without repeats.
 */
export function badSnapshotBudgets(budgets: readonly number[], budget: number): string | null {
  for (const b of budgets) {
    if (!Number.isInteger(b) || b < 1 || b >= budget) return `snapshot budget ${b} must be an integer in [1, ${budget - 1}] (below the run's budget ${budget})`;
  }
  if (new Set(budgets).size !== budgets.length) return `snapshot budgets repeat: ${budgets.join(', ')}`;
  return null;
}
