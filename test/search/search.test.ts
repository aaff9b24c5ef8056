import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { QueryLog } from '../../lib/report/query-log';
import { runSearch, SearchSession, SearchStalledError, type SearchAlgorithm } from '../../lib/search/search';
import { toyBenchmark, toySpace } from './toy-problem';

/** Proposes the cells of a fixed list in order, cycling (to script outcomes exactly). */
function scripted(cells: number[]): SearchAlgorithm {
  return {
    name: 'scripted',
    settings: {},
    run<C>(session: SearchSession<C>): void {
      for (let i = 0; !session.done; i++) session.propose(cells[i % cells.length] as C);
    },
  };
}

const space = toySpace(10);
// Only even cells are in the table: odd ones are out of domain.
const evenOnly = (c: number): boolean => c % 2 === 0;

describe('SearchSession', () => {
  it('counts out-of-domain proposals and repeats as free and stops at exactly the budget', async () => {
    const log = QueryLog.inMemory();
    const benchmark = toyBenchmark(10, { inTable: evenOnly, log });
    // 1 (out), 2 (new), 2 (repeat), 3 (out), 8 (new), 4 (new): budget 3 is spent at the 6th proposal.
    const result = await runSearch(scripted([1, 2, 2, 3, 8, 4, 6]), { space, benchmark, rng: new Rng(0), budget: 3 });
    expect(result).toEqual({
      algorithm: 'scripted', budget: 3, queried: 3, best: { key: 'c8', searchAccuracy: 0.8 },
      trajectory: [0.2, 0.8, 0.8], accuracies: [0.2, 0.8, 0.4], queriedByOrigin: { main: 3 }, proposals: 6, outOfDomain: 2, repeats: 1,
    });
    expect(log.rows.map((r) => r.outcome)).toEqual(['out-of-domain', 'new', 'repeat', 'out-of-domain', 'new', 'new']);
    expect(log.rows.every((r) => r.source === 'scripted')).toBe(true);
    expect(benchmark.outOfDomainCount).toBe(2);
  });
  it('keeps the paid-for cells in query order as the history', () => {
    const session = new SearchSession({ space, benchmark: toyBenchmark(10), rng: new Rng(0), budget: 2 });
    session.propose(4);
    session.propose(4);
    session.propose(9);
    expect(session.history.map((e) => e.key)).toEqual(['c4', 'c9']);
    expect(session.done).toBe(true);
  });
  it('refuses a proposal once the budget is spent', () => {
    const session = new SearchSession({ space, benchmark: toyBenchmark(10), rng: new Rng(0), budget: 1 });
    session.propose(1);
    expect(() => session.propose(2)).toThrow('search budget spent: 1 of 1 distinct cells queried; stop proposing');
  });
  it('stops a search that only proposes out-of-domain cells, naming the count', () => {
    const session = new SearchSession({ space, benchmark: toyBenchmark(10, { inTable: evenOnly }), rng: new Rng(0), budget: 1 }, { maxFreeStreak: 50 });
    let caught: unknown;
    try {
      for (;;) session.propose(3);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SearchStalledError);
    expect((caught as Error).message).toBe(
      'search stalled: 50 consecutive proposals brought no new in-domain cell (limit 50; 50 out of domain and 0 repeats in all); 0 of 1 distinct cells queried on toy-table (5 cells)',
    );
  });
  it('rejects a budget that is not a positive integer', () => {
    expect(() => new SearchSession({ space, benchmark: toyBenchmark(10), rng: new Rng(0), budget: 0 })).toThrow(
      'search budget must be a positive integer (distinct cells): got 0',
    );
  });
  it('rejects a budget larger than the table', () => {
    expect(() => new SearchSession({ space, benchmark: toyBenchmark(10, { inTable: evenOnly }), rng: new Rng(0), budget: 6 })).toThrow(
      'search budget 6 exceeds the table toy-table (5 cells)',
    );
  });
  it("rejects a budget larger than what the benchmark's own budget still allows", () => {
    expect(() => new SearchSession({ space, benchmark: toyBenchmark(10, { budget: 2 }), rng: new Rng(0), budget: 3 })).toThrow(
      'search budget 3 exceeds what toy-table still allows (2 distinct cells)',
    );
  });
  it('rejects a maxFreeStreak that is not a positive integer', () => {
    expect(() => new SearchSession({ space, benchmark: toyBenchmark(10), rng: new Rng(0), budget: 1 }, { maxFreeStreak: 0 })).toThrow(
      'maxFreeStreak must be a positive integer: got 0',
    );
  });
  it('throws the abort reason at the next proposal once its signal is aborted', () => {
    const controller = new AbortController();
    const session = new SearchSession({ space, benchmark: toyBenchmark(10), rng: new Rng(0), budget: 5, signal: controller.signal });
    session.propose(1);
    controller.abort(new Error('killed'));
    expect(() => session.propose(2)).toThrow('killed');
  });
});

describe('runSearch', () => {
  it('fails when an algorithm returns before spending its budget', async () => {
    const lazy: SearchAlgorithm = { name: 'lazy', settings: {}, run: () => undefined };
    await expect(runSearch(lazy, { space, benchmark: toyBenchmark(10), rng: new Rng(0), budget: 2 })).rejects.toThrow(
      'lazy returned after 0 of 2 distinct queries (it must spend the budget)',
    );
  });
});
