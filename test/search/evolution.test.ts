import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { QueryLog, type QueryLogRow } from '../../lib/report/query-log';
import { EVOLUTION_DEFAULTS, regularizedEvolution } from '../../lib/search/evolution';
import { randomSearch } from '../../lib/search/random';
import { runSearch, type SearchAlgorithm } from '../../lib/search/search';
import { TOY_STEP, toyBenchmark, toySpace } from './toy-problem';

const SIZE = 2000;

/** Run on the toy ring (even cells only in the table) and return the log rows. */
async function rows(algorithm: SearchAlgorithm, seed: number, budget: number, size = SIZE): Promise<readonly QueryLogRow[]> {
  const log = QueryLog.inMemory();
  const benchmark = toyBenchmark(size, { inTable: (c) => c % 2 === 0, log });
  await runSearch(algorithm, { space: toySpace(size), benchmark, rng: new Rng(seed), budget }, { maxFreeStreak: 10_000 });
  return log.rows;
}

const cellOf = (row: QueryLogRow): number => Number(row.hash.slice(1));
const ringDistance = (a: number, b: number): number => Math.min(Math.abs(a - b), SIZE - Math.abs(a - b));
const strip = (r: readonly QueryLogRow[]): string[] => r.map((row) => `${row.hash}:${row.outcome}`);

describe('regularizedEvolution', () => {
  it('uses the NAS-Bench-101 settings by default: population 100, tournament 10', () => {
    expect(EVOLUTION_DEFAULTS).toEqual({ populationSize: 100, tournamentSize: 10, repeatedChildren: 'join' });
    expect(regularizedEvolution().settings).toMatchObject({ populationSize: 100, tournamentSize: 10, repeatedChildren: 'join' });
  });
  it('draws its first population from the same uniform stream as Random Search', async () => {
    // Budget 30 < population 100: the whole run is the first population.
    expect(strip(await rows(regularizedEvolution(), 4, 30))).toEqual(strip(await rows(randomSearch(), 4, 30)));
  });
  it('gives the same query log for the same seed and spends exactly the budget', async () => {
    const re = regularizedEvolution({ populationSize: 10, tournamentSize: 3 });
    const a = await rows(re, 11, 60);
    expect(strip(a)).toEqual(strip(await rows(re, 11, 60)));
    expect(a.filter((r) => r.outcome === 'new')).toHaveLength(60);
  });
  // Which rows join the population: never out-of-domain ones; repeats only in 'join' mode.
  const joins = (mode: 'skip' | 'join') => (row: QueryLogRow): boolean => row.outcome === 'new' || (mode === 'join' && row.outcome === 'repeat');

  // 'skip' is exercised by the deadlock test below: on this small-step ring it traps itself.
  it.each(['join'] as const)('with population 1 walks from the last member (repeatedChildren %s)', async (mode) => {
    const all = await rows(regularizedEvolution({ populationSize: 1, tournamentSize: 1, repeatedChildren: mode }), 2, 40);
    let member: QueryLogRow | null = null;
    for (const row of all) {
      if (member !== null) expect(ringDistance(cellOf(row), cellOf(member))).toBeLessThanOrEqual(TOY_STEP);
      if (joins(mode)(row)) member = row;
    }
    // Repeats happen on this ring, so the two modes are really exercised.
    expect(all.some((r) => r.outcome === 'repeat')).toBe(true);
  });
  it("with repeatedChildren 'skip' can deadlock once every neighbour has been queried, and says so", async () => {
    // A 40-cell ring (20 in the table) and population 1: the walker soon sits among queried cells.
    await expect(rows(regularizedEvolution({ populationSize: 1, tournamentSize: 1, repeatedChildren: 'skip' }), 2, 20, 40)).rejects.toThrow(
      /search stalled: 10000 consecutive proposals brought no new in-domain cell/,
    );
    // The same run with repeats joining keeps walking and spends its budget.
    const join = await rows(regularizedEvolution({ populationSize: 1, tournamentSize: 1, repeatedChildren: 'join' }), 2, 20, 40);
    expect(join.filter((r) => r.outcome === 'new')).toHaveLength(20);
  });
  it.each(['join'] as const)('mutates the best of the youngest populationSize members (aging; repeatedChildren %s)', async (mode) => {
    // Tournament = population = 5: the parent is the most accurate of the 5 youngest members.
    const all = await rows(regularizedEvolution({ populationSize: 5, tournamentSize: 5, repeatedChildren: mode }), 3, 50);
    const members: QueryLogRow[] = [];
    for (const row of all) {
      if (members.length === 5) {
        const parent = members.reduce((a, b) => (b.trueAccuracy! > a.trueAccuracy! ? b : a));
        expect(ringDistance(cellOf(row), cellOf(parent))).toBeLessThanOrEqual(TOY_STEP);
      }
      if (!joins(mode)(row) && !(members.length < 5 && row.outcome === 'repeat')) continue;
      members.push(row);
      if (members.length > 5) members.shift();
    }
  });
  it('rejects a population size that is not a positive integer', () => {
    expect(() => regularizedEvolution({ populationSize: 0 })).toThrow('populationSize must be a positive integer: got 0');
  });
  it('rejects a tournament size that is not a positive integer', () => {
    expect(() => regularizedEvolution({ tournamentSize: 2.5 })).toThrow('tournamentSize must be a positive integer: got 2.5');
  });
  it('rejects a tournament larger than the population', () => {
    expect(() => regularizedEvolution({ populationSize: 5, tournamentSize: 6 })).toThrow('tournamentSize 6 exceeds populationSize 5');
  });
  it('rejects an unknown repeatedChildren mode', () => {
    expect(() => regularizedEvolution({ repeatedChildren: 'keep' as 'skip' })).toThrow(`repeatedChildren must be 'skip' or 'join': got "keep"`);
  });
});
