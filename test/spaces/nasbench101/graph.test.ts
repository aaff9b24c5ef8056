// Tests of the official graph hash (hash_module): real cells, isomorphism invariance, and the
// bit-identity of enumerate.ts's faster hashPackedCell with hashCell.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random';
import type { Cell, Op } from '../../../lib/spaces/nasbench101/cell';
import { benchmarkLabelling, hashCell } from '../../../lib/spaces/nasbench101/graph';
import { hashPackedCell, labeledRepresentatives, packCell, unpackCell } from '../../../lib/spaces/nasbench101/enumerate';
import { NB101_DATA } from '../../real-data';

const DATA = NB101_DATA;

type RealCell = Cell & { hash: string };

function realCells(): RealCell[] {
  const cells = readFileSync(join(DATA, 'cells-1k.jsonl'), 'utf8').trim().split(/\r?\n/).map((l) => JSON.parse(l) as RealCell);
  expect(cells).toHaveLength(1000);
  return cells;
}

/** The same cell with its vertices renumbered in another topological order (still upper-triangular). */
function reorder(cell: Cell, rng: Rng): Cell {
  const n = cell.ops.length;
  const order: number[] = [];
  const placed = new Set<number>();
  while (order.length < n) {
    const ready = [...Array(n).keys()].filter((v) => !placed.has(v) && cell.matrix.every((row, u) => row[v] === 0 || placed.has(u)));
    const v = rng.choice(ready);
    order.push(v);
    placed.add(v);
  }
  return { matrix: order.map((v) => order.map((w) => cell.matrix[v][w])), ops: order.map((v) => cell.ops[v]) };
}

// input → {A, B} → output: two parallel branches, whose order is arbitrary.
const branches = (a: Op, b: Op): Cell => ({
  matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
  ops: ['input', a, b, 'output'],
});

describe('hashCell', () => {
  it('recomputes all 1,000 official hashes of cells-1k', () => {
    const cells = realCells();
    expect(cells.filter((c) => hashCell(c) === c.hash)).toHaveLength(1000);
  });

  it('gives a literal cell and its branch-swapped copy the same hash', () => {
    expect(hashCell(branches('conv3x3-bn-relu', 'maxpool3x3'))).toBe(hashCell(branches('maxpool3x3', 'conv3x3-bn-relu')));
  });

  it('tells apart cells that differ only in one op', () => {
    expect(hashCell(branches('conv3x3-bn-relu', 'maxpool3x3'))).not.toBe(hashCell(branches('conv1x1-bn-relu', 'maxpool3x3')));
  });

  it('is unchanged when real cells are renumbered in another topological order', () => {
    const rng = new Rng('graph-test/reorder');
    const cells = realCells();
    const moved = cells.map((c) => reorder(c, rng));
    // The reorderings must really move vertices, or the test proves nothing.
    expect(moved.filter((m, i) => JSON.stringify(m) !== JSON.stringify({ matrix: cells[i].matrix, ops: cells[i].ops })).length).toBeGreaterThan(200);
    expect(moved.filter((m, i) => hashCell(m) === cells[i].hash)).toHaveLength(1000);
  });
});

describe('hashPackedCell', () => {
  it('matches the official hashes of cells-1k', () => {
    const cells = realCells();
    expect(cells.filter((c) => hashPackedCell(packCell(c)) === c.hash)).toHaveLength(1000);
  });

  it('is bit-identical to hashCell on all cells up to 5 vertices and every 16th larger one', { timeout: 60_000 }, () => {
    const sample = labeledRepresentatives().filter((c, i) => c.vertices <= 5 || i % 16 === 0);
    const sizes = new Set(sample.map((c) => c.vertices));
    expect([...sizes].sort()).toEqual([2, 3, 4, 5, 6, 7]);
    expect(sample.length).toBeGreaterThan(25_000);
    const mismatches = sample.filter((c) => hashPackedCell(c) !== hashCell(unpackCell(c)));
    expect(mismatches).toEqual([]);
  });
});

describe('benchmarkLabelling', () => {
  it('leaves every cell of cells-1k as it is: they are stored in the benchmark order', () => {
    const moved = realCells().filter((c) => JSON.stringify(benchmarkLabelling(c)) !== JSON.stringify({ matrix: c.matrix, ops: c.ops }));
    expect(moved).toEqual([]);
  });
  it('brings renumbered real cells back to the stored order', () => {
    const rng = new Rng('benchmark-labelling');
    for (const cell of realCells().slice(0, 200)) {
      const stored = { matrix: cell.matrix, ops: cell.ops };
      expect(benchmarkLabelling(reorder(stored, rng))).toEqual(stored);
    }
  });
  it('puts the lower op label first among two parallel branches', () => {
    // generate_graphs.py meets conv3x3 (label 0) before maxpool (label 2) at vertex 1.
    expect(benchmarkLabelling(branches('maxpool3x3', 'conv3x3-bn-relu')).ops).toEqual(['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output']);
  });
});
