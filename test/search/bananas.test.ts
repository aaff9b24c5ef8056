// Tests of the BANANAS-style search (lib/search/bananas.ts): exact budgets that are no multiple of
// the batch, no cell proposed twice (toy ring with gaps and NAS-Bench-201), origins, determinism,
// out-of-domain candidates, and one toThrow per setting.
import { describe, expect, it } from 'vitest';
import { loadProblem } from '../../lib/experiments/problems';
import { Rng } from '../../lib/random';
import { QueryLog, type QueryLogRow } from '../../lib/report/query-log';
import { BANANAS_DEFAULTS, bananasSearch, type BananasOptions } from '../../lib/search/bananas';
import { runSearch, type SearchResult } from '../../lib/search/search';
import { toyBenchmark, toySpace } from './toy-problem';

/** A small predictor so each fit takes milliseconds (the defaults train 100 epochs). */
const FAST = { predictor: { epochs: 20 } } as const;

/** Run on a 300-cell toy ring where only even cells are in the table; return result and log. */
async function toyRun(budget: number, seed: number, options: BananasOptions = FAST): Promise<{ result: SearchResult; rows: readonly QueryLogRow[] }> {
  const log = QueryLog.inMemory();
  const benchmark = toyBenchmark(300, { inTable: (c) => c % 2 === 0, log });
  const result = await runSearch(bananasSearch(options), { space: toySpace(300), benchmark, rng: new Rng(seed), budget });
  return { result, rows: log.rows };
}

/** Run on NAS-Bench-201 (CIFAR-10); return result and log. */
async function nb201Run(budget: number, seed: number): Promise<{ result: SearchResult; rows: readonly QueryLogRow[] }> {
  const problem = await loadProblem('nb201');
  const log = QueryLog.inMemory();
  const benchmark = problem.makeBenchmark({ budget, log });
  const result = await runSearch(bananasSearch(FAST), { space: problem.space, benchmark, rng: new Rng(seed), budget });
  return { result, rows: log.rows };
}

const distinct = (rows: readonly QueryLogRow[]): boolean => new Set(rows.map((r) => r.hash)).size === rows.length;

describe('bananasSearch', () => {
  it('uses the naszilla settings by default (10 initial, batches of 10, 100 candidates)', () => {
    expect(BANANAS_DEFAULTS).toEqual({ initial: 10, batch: 10, candidates: 100, mutantShare: 0.8, parents: 4 });
    expect(bananasSearch().settings).toMatchObject({ initial: 10, batch: 10, candidates: 100, mutantShare: 0.8, parents: 4 });
  });

  // 10 = initial only; 11 = one predicted cell; 25 and 37 end inside a batch of 10.
  it.each([10, 11, 25, 37])('spends a budget of %i exactly, never proposing a cell twice (toy table with gaps)', async (budget) => {
    const { result, rows } = await toyRun(budget, budget);
    expect(result.queried).toBe(budget);
    expect(rows.filter((r) => r.outcome === 'new')).toHaveLength(budget);
    expect(result.repeats).toBe(0);
    expect(distinct(rows)).toBe(true);
    expect(result.queriedByOrigin).toEqual(budget > 10 ? { initial: 10, predicted: budget - 10 } : { initial: 10 });
  });

  it('spends a budget below initial exactly, all of it on initial cells', async () => {
    // initial 12 > budget 10: the run ends inside the uniform phase, before any fit.
    const { result } = await toyRun(10, 4, { ...FAST, initial: 12 });
    expect(result.queried).toBe(10);
    expect(result.queriedByOrigin).toEqual({ initial: 10 });
  });

  it('counts initial = min(initial, budget) and the rest as predicted', async () => {
    // initial 7 and batch 3: budget 20 = 7 + 3 + 3 + 3 + 3 + 1, the last batch cut short.
    const { result } = await toyRun(20, 9, { ...FAST, initial: 7, batch: 3 });
    expect(result.queriedByOrigin).toEqual({ initial: 7, predicted: 13 });
  });

  it('still fills the budget when candidates fall outside the table, counting them as free', async () => {
    // Half of the ring is missing: mutants and uniform candidates land outside the table.
    const { result, rows } = await toyRun(37, 37);
    const outside = rows.filter((r) => r.outcome === 'out-of-domain');
    expect(result.queried).toBe(37);
    expect(result.outOfDomain).toBe(outside.length);
    expect(result.proposals).toBe(37 + outside.length);
    // Both phases meet the gaps: uniform draws and predicted candidates.
    expect(outside.some((r) => r.source === 'bananas:initial')).toBe(true);
    expect(outside.some((r) => r.source === 'bananas:predicted')).toBe(true);
  });

  it('gives the same result for the same seed and a different one for another seed (toy)', async () => {
    const a = (await toyRun(25, 1)).result;
    expect((await toyRun(25, 1)).result).toEqual(a);
    expect((await toyRun(25, 2)).result).not.toEqual(a);
  });

  it('spends the budget exactly and never proposes a cell twice on NAS-Bench-201', async () => {
    const { result, rows } = await nb201Run(37, 1);
    expect(result.queried).toBe(37);
    expect(result.repeats).toBe(0);
    expect(result.outOfDomain).toBe(0);
    expect(rows).toHaveLength(37);
    expect(distinct(rows)).toBe(true);
    expect(result.queriedByOrigin).toEqual({ initial: 10, predicted: 27 });
  }, 20_000);

  it('gives the same result for the same seed and a different one for another seed on NAS-Bench-201', async () => {
    const a = (await nb201Run(25, 3)).result;
    expect((await nb201Run(25, 3)).result).toEqual(a);
    expect((await nb201Run(25, 4)).result).not.toEqual(a);
  }, 20_000);

  it('rejects an initial count that is not a positive integer', () => {
    expect(() => bananasSearch({ initial: 0 })).toThrow(RangeError);
    expect(() => bananasSearch({ initial: 0 })).toThrow('initial must be a positive integer: got 0');
  });

  it('rejects a batch that is not a positive integer', () => {
    expect(() => bananasSearch({ batch: 2.5 })).toThrow('batch must be a positive integer: got 2.5');
  });

  it('rejects a candidate count that is not a positive integer', () => {
    expect(() => bananasSearch({ candidates: -1 })).toThrow('candidates must be a positive integer: got -1');
  });

  it('rejects a parent count that is not a positive integer', () => {
    expect(() => bananasSearch({ parents: 0 })).toThrow('parents must be a positive integer: got 0');
  });

  it('rejects a mutant share outside [0, 1], NaN included', () => {
    expect(() => bananasSearch({ mutantShare: 1.5 })).toThrow('mutantShare must be in [0, 1]: got 1.5');
    expect(() => bananasSearch({ mutantShare: -0.1 })).toThrow('mutantShare must be in [0, 1]: got -0.1');
    expect(() => bananasSearch({ mutantShare: Number.NaN })).toThrow('mutantShare must be in [0, 1]: got NaN');
    // Both ends are allowed: all uniform candidates, or all mutants.
    expect(() => bananasSearch({ mutantShare: 0 })).not.toThrow();
    expect(() => bananasSearch({ mutantShare: 1 })).not.toThrow();
  });

  it('records every setting with its default filled in, the predictor\'s too, and takes defaults for undefined options', () => {
    // Manifests must say what ran; {batch: undefined} must mean the default batch, not an error.
    const settings = bananasSearch({ batch: undefined, predictor: { epochs: 7 } }).settings as Record<string, unknown>;
    expect(settings.batch).toBe(BANANAS_DEFAULTS.batch);
    expect(settings.predictor).toEqual({ members: 5, hidden: [32, 32], epochs: 7, learningRate: 0.01, batchSize: 32 });
  });
});
