// Local search (NASLib / naszilla): climb from the best of a few random cells through one-edit
// neighbourhoods, restarting from a random cell at a local optimum. Never names a space.
import { SearchStalledError, type SearchAlgorithm, type SearchSession } from './search';

/** Uniform draws in a row that may all be cells already tried before a restart gives up. */
const STALL_DRAWS = 100_000;

/** Settings of local search. */
export interface LocalSearchOptions {
  /** Uniform cells queried first; the climb starts from the best of them (NASLib/naszilla: 10). */
  readonly initial?: number;
}

/** Defaults; sources in LocalSearchOptions. */
export const LOCAL_SEARCH_DEFAULTS = { initial: 10 } as const;

/**
 * Local search as NASLib's `LocalSearch` runs it: query `initial` uniform cells and start from the
 * best; query the whole neighbourhood of the current cell (`space.neighbours`: every cell one edit
 * away, in a random order) and move to its best cell if that beats the current one; when no
 * neighbour does (a local optimum), restart from a new uniform cell. A cell is never proposed twice:
 * neighbours already queried count with their known accuracy, neighbours already found outside the
 * table are skipped, and both cost nothing.
 * @throws RangeError when `initial` is not a positive integer.
 */
export function localSearch(options: LocalSearchOptions = {}): SearchAlgorithm {
  const initial = options.initial ?? LOCAL_SEARCH_DEFAULTS.initial;
  if (!Number.isInteger(initial) || initial < 1) throw new RangeError(`initial must be a positive integer: got ${initial}`);
  return {
    name: 'ls',
    anytime: true,
    settings: { initial, neighbourhood: 'space.neighbours (one edit)', move: 'best of the full neighbourhood', restart: 'uniform cell at a local optimum' },
    run<C>(session: SearchSession<C>): void {
      const { space } = session;
      const known = new Map<string, number | null>(); // key → accuracy, null when outside the table
      const query = (cell: C, origin: string): number | null => {
        const key = space.key(cell);
        if (known.has(key)) return known.get(key)!;
        const answer = session.propose(cell, { origin });
        const accuracy = answer.outcome === 'out-of-domain' ? null : answer.record.searchAccuracy;
        known.set(key, accuracy);
        return accuracy;
      };
      const uniform = session.rng.fork('uniform');
      const order = session.rng.fork('neighbourhood');
      const randomStart = (origin: string): { cell: C; accuracy: number } | null => {
        for (let draws = 0; !session.done; draws++) {
          if (draws >= STALL_DRAWS) throw new SearchStalledError(`local search: ${STALL_DRAWS} uniform draws in a row were cells already tried (${known.size} tried)`);
          const cell = space.sampleUniform(uniform);
          if (known.has(space.key(cell))) continue;
          const accuracy = query(cell, origin);
          if (accuracy !== null) return { cell, accuracy };
        }
        return null;
      };
      let current: { cell: C; accuracy: number } | null = null;
      while (!session.done && session.history.length < initial) {
        const start = randomStart('initial');
        if (start !== null && (current === null || start.accuracy > current.accuracy)) current = start;
      }
      while (!session.done && current !== null) {
        let best: { cell: C; accuracy: number } | null = null;
        for (const cell of order.shuffle(space.neighbours(current.cell))) {
          if (session.done) return;
          const accuracy = query(cell, 'neighbour');
          if (accuracy !== null && (best === null || accuracy > best.accuracy)) best = { cell, accuracy };
        }
        current = best !== null && best.accuracy > current.accuracy ? best : randomStart('restart');
      }
    },
  };
}
