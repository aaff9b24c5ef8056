import { describe, expect, it } from 'vitest';
import { BudgetExceededError, OutOfDomainError } from '../../lib/benchmarks/errors';
import { TabularBenchmark, type BenchmarkRecord, type QueryEvent } from '../../lib/benchmarks/tabular';

/** A toy space: cells are strings, the key is the string upper-cased (so 'a' and 'A' coincide). */
const RECORDS = new Map<string, BenchmarkRecord>([
  ['A', { searchAccuracy: 0.9, params: 10, flopsM: 1.5 }],
  ['B', { searchAccuracy: 0.95, reportAccuracy: 0.94, testAccuracy: 0.94 }],
  ['C', { searchAccuracy: 0.8 }],
]);

function bench(budget?: number, events: QueryEvent[] = []): TabularBenchmark<string> {
  return new TabularBenchmark<string>({ name: 'toy', records: RECORDS, keyOf: (c) => c.toUpperCase(), budget, log: { append: (e) => events.push(e) } });
}

describe('TabularBenchmark', () => {
  it('returns the stored record for a cell', () => {
    expect(bench().query('b')).toBe(RECORDS.get('B'));
  });

  it('allows exactly `budget` distinct cells, then throws BudgetExceededError', () => {
    const b = bench(2);
    b.query('A');
    b.query('B');
    expect(b.remaining).toBe(0);
    expect(() => b.query('C')).toThrow(BudgetExceededError);
    expect(() => b.query('C')).toThrow('query budget exhausted on toy: 2 distinct cells already queried (budget 2)');
    expect(b.queriedCount).toBe(2);
  });

  it('charges a repeat nothing and returns the same record, even with the budget spent', () => {
    // 'a' and 'A' share a key: a repeat is decided by key, not by the cell object.
    const b = bench(1);
    const first = b.query('A');
    expect(b.query('a')).toBe(first);
    expect(b.queriedCount).toBe(1);
    expect(b.isQueried('a')).toBe(true);
    expect(b.isQueried('B')).toBe(false);
  });

  it('throws OutOfDomainError for a missing key, free of charge and counted', () => {
    const b = bench(1);
    expect(() => b.query('Z')).toThrow(OutOfDomainError);
    expect(() => b.query('Z')).toThrow('out of domain: cell Z is not in the table toy (3 cells); the query cost no budget');
    expect(b.outOfDomainCount).toBe(2);
    expect(b.queriedCount).toBe(0);
    expect(b.query('A')).toBe(RECORDS.get('A'));
  });

  it('lookup answers what query does, without throwing for a cell outside the table', () => {
    const events: QueryEvent[] = [];
    const b = bench(1, events);
    expect(b.lookup('Z', { source: 'x' })).toEqual({ outcome: 'out-of-domain', key: 'Z' });
    expect(b.lookup('a')).toEqual({ outcome: 'new', key: 'A', record: RECORDS.get('A') });
    expect(b.lookup('A')).toEqual({ outcome: 'repeat', key: 'A', record: RECORDS.get('A') });
    expect(() => b.lookup('B')).toThrow(BudgetExceededError);
    expect([b.outOfDomainCount, b.queriedCount]).toEqual([1, 1]);
    expect(events.map((e) => `${e.hash}:${e.outcome}`)).toEqual(['Z:out-of-domain', 'A:new', 'A:repeat']);
  });

  it('reports out-of-domain before budget when the budget is spent', () => {
    const b = bench(0);
    expect(() => b.query('Z')).toThrow(OutOfDomainError);
    expect(() => b.query('A')).toThrow(BudgetExceededError);
  });

  it('tracks the best cell by validation accuracy among those charged', () => {
    const b = bench();
    expect(b.bestSoFar).toBeNull();
    b.query('A');
    b.query('B');
    b.query('C');
    expect(b.bestSoFar).toEqual({ key: 'B', record: RECORDS.get('B') });
  });

  it('has no limit without a budget', () => {
    const b = bench();
    expect(b.budget).toBe(Infinity);
    expect(b.remaining).toBe(Infinity);
  });

  it('logs new, repeat and out-of-domain queries with source and predictions, but not refused ones', () => {
    const events: QueryEvent[] = [];
    const b = bench(1, events);
    b.query('A', { source: 'dnas', predicted: { accuracy: 0.85, flopsM: 2 } });
    b.query('A');
    expect(() => b.query('Z', { source: 'random' })).toThrow(OutOfDomainError);
    expect(() => b.query('B')).toThrow(BudgetExceededError);
    expect(events).toEqual([
      { hash: 'A', source: 'dnas', outcome: 'new', predictedAccuracy: 0.85, trueAccuracy: 0.9, predictedFlopsM: 2, flopsM: 1.5 },
      { hash: 'A', source: '', outcome: 'repeat', predictedAccuracy: undefined, trueAccuracy: 0.9, predictedFlopsM: undefined, flopsM: 1.5 },
      { hash: 'Z', source: 'random', outcome: 'out-of-domain', predictedAccuracy: undefined, trueAccuracy: undefined, predictedFlopsM: undefined, flopsM: undefined },
    ]);
  });

  it("lets keyOf's own validation error through without counting anything", () => {
    const b = new TabularBenchmark<string>({ name: 'toy', records: RECORDS, keyOf: () => { throw new TypeError('bad cell'); } });
    expect(() => b.query('A')).toThrow('bad cell');
    expect([b.queriedCount, b.outOfDomainCount]).toEqual([0, 0]);
  });

  it('rejects a negative budget', () => {
    expect(() => bench(-1)).toThrow('budget must be a finite integer ≥ 0 (distinct cells), or omitted for no limit: got -1');
  });

  it('rejects a non-finite budget', () => {
    expect(() => bench(Infinity)).toThrow('got Infinity');
    expect(() => bench(NaN)).toThrow('got NaN');
  });

  it('rejects a fractional budget', () => {
    expect(() => bench(2.5)).toThrow('got 2.5');
  });
});
