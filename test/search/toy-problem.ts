// Test fixture: a tiny ring-shaped search space of integer cells and a partial table over it,
// so harness and algorithm tests run in milliseconds without NAS-Bench-101.
import { TabularBenchmark, type BenchmarkRecord, type QuerySink } from '../../lib/benchmarks/tabular';
import type { SearchSpace } from '../../lib/spaces/search-space';

/** Largest move of the toy mutation: wide enough that evolution never runs out of new neighbours. */
export const TOY_STEP = 8;

/**
 * Cells 0..size−1 on a ring; `mutate` moves to a cell at distance 1 to `TOY_STEP` (never itself).
 * The smooth landscape (accuracy grows with the cell number) lets evolution climb.
 */
export function toySpace(size: number): SearchSpace<number> {
  return {
    name: 'toy',
    size,
    sequenceLength: 1,
    vocabSize: size,
    key: (cell) => `c${cell}`,
    encode: (cell) => [cell],
    decode: (tokens) => tokens[0],
    allowedNextTokens: () => new Array<boolean>(size).fill(true),
    sampleUniform: (rng) => rng.int(size),
    mutate: (cell, rng) => (cell + (rng.int(2) === 0 ? -1 : 1) * (1 + rng.int(TOY_STEP)) + size) % size,
    neighbours: (cell) => [...new Set(Array.from({ length: TOY_STEP }, (_, i) => [(cell - i - 1 + size) % size, (cell + i + 1) % size]).flat())].filter((c) => c !== cell),
    params: () => 0,
    flopsM: () => 0,
  };
}

/** A table holding the cells `inTable` picks, with accuracy cell / size (fractions of 1). */
export function toyBenchmark(size: number, options: { budget?: number; log?: QuerySink; inTable?: (cell: number) => boolean } = {}): TabularBenchmark<number> {
  const records = new Map<string, BenchmarkRecord>();
  for (let c = 0; c < size; c++) if (options.inTable?.(c) ?? true) records.set(`c${c}`, { searchAccuracy: c / size });
  return new TabularBenchmark<number>({ name: 'toy-table', records, keyOf: (cell) => `c${cell}`, budget: options.budget, log: options.log });
}
