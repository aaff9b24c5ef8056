// Tests of the NAS-Bench-101 SearchSpace's key memo: memoised keys equal the official hash,
// each cell is hashed at most once, handed-out cells cannot be edited into a stale key; and of its
// one-edit neighbourhood (op changes and edge flips, filtered to valid cells, deduplicated by hash).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../../lib/random';
import { InvalidCellError, isValidCell, validateCell, type Cell, type Op } from '../../../lib/spaces/nasbench101/cell';
import { encodeCell } from '../../../lib/spaces/nasbench101/encoding';
import { benchmarkLabelling, hashCell } from '../../../lib/spaces/nasbench101/graph';
import { neighbourCandidates } from '../../../lib/spaces/nasbench101/neighbourhood';
import { mutateCell, sampleUniformCell } from '../../../lib/spaces/nasbench101/sample';
import { nasbench101SearchSpace } from '../../../lib/spaces/nasbench101/search-space';
import { loadNasbench101Space, type Nasbench101Space } from '../../../lib/spaces/nasbench101/space';
import type { SearchSpace } from '../../../lib/spaces/search-space';

// hashCell, counted: the point of the memo is how often it runs.
vi.mock('../../../lib/spaces/nasbench101/graph', async (importOriginal) => {
  const graph = await importOriginal<typeof import('../../../lib/spaces/nasbench101/graph')>();
  return { ...graph, hashCell: vi.fn(graph.hashCell) };
});
const hashCalls = (): number => vi.mocked(hashCell).mock.calls.length;
/** The official hash of a fresh copy (never in the memo), as the benchmark computes it. */
const officialHash = (cell: Cell): string => hashCell(validateCell(structuredClone(cell)).pruned);

let enumerated: Nasbench101Space;
let space: SearchSpace<Cell>;
beforeAll(async () => {
  enumerated = await loadNasbench101Space({ quiet: true });
  space = nasbench101SearchSpace(enumerated);
});

describe('nasbench101SearchSpace key memo', () => {
  it('gives keys equal to the official hash along chains of random mutations', () => {
    const rng = new Rng('memo-chain');
    for (let chain = 0; chain < 10; chain++) {
      let cell = space.sampleUniform(rng);
      for (let k = 0; k < 30; k++) {
        cell = space.mutate(cell, rng);
        expect(space.key(cell)).toBe(officialHash(cell));
      }
    }
  });

  it('mutates to the same cell as mutateCell followed by benchmarkLabelling (stored lookup = relabelling)', () => {
    const a = new Rng('same-child');
    const b = new Rng('same-child');
    let parent = space.sampleUniform(a);
    let reference = sampleUniformCell(enumerated, b);
    for (let k = 0; k < 50; k++) {
      parent = space.mutate(parent, a);
      reference = benchmarkLabelling(mutateCell(reference, b).pruned);
      expect(parent).toEqual(reference);
    }
  });

  it('hashes a uniform draw never and a mutant once, however often its key is asked', () => {
    // A fresh space: its hash memo has not met this test's children in earlier tests.
    const space = nasbench101SearchSpace(enumerated);
    const rng = new Rng('count');
    const parent = space.sampleUniform(rng);
    const before = hashCalls();
    space.key(parent);
    expect(hashCalls()).toBe(before);
    const child = space.mutate(parent, rng);
    const afterMutate = hashCalls();
    // mutateCell hashes each valid draw until one differs from the parent: at least one.
    expect(afterMutate).toBeGreaterThan(before);
    space.key(child);
    space.key(child);
    expect(hashCalls()).toBe(afterMutate);
    // The same mutation drawn again is answered by the hash memo (literal cell → hash).
    const replay = new Rng('count');
    const again = space.mutate(space.sampleUniform(replay), replay);
    expect(again).toEqual(child);
    expect(space.key(again)).toBe(space.key(child));
    expect(hashCalls()).toBe(afterMutate);
  });

  it('gives decoded cells their key without hashing again', () => {
    const cell = space.sampleUniform(new Rng('decode'));
    const decoded = space.decode(encodeCell(cell))!;
    const before = hashCalls();
    expect(space.key(decoded)).toBe(space.key(cell));
    expect(hashCalls()).toBe(before);
  });

  it('freezes the cells it hands out, so an in-place edit throws instead of leaving a stale key', () => {
    const rng = new Rng('frozen');
    const drawn = space.sampleUniform(rng);
    const child = space.mutate(drawn, rng) as { matrix: number[][]; ops: Op[] };
    expect(() => {
      child.matrix[0][1] = 1 - child.matrix[0][1];
    }).toThrow(TypeError);
    expect(() => {
      child.ops[1] = 'maxpool3x3';
    }).toThrow(TypeError);
    expect(() => {
      child.matrix.push([]);
    }).toThrow(TypeError);
    expect(space.key(child)).toBe(officialHash(child));
  });

  it('never memoises a cell from elsewhere: editing it in place changes its key', () => {
    // A caller's own (unfrozen) copy: the memo must not remember it, or this edit would be missed.
    const mine = structuredClone(space.sampleUniform(new Rng('foreign'))) as { matrix: number[][]; ops: Op[] };
    const first = space.key(mine);
    const inner = mine.ops.findIndex((op) => op !== 'input' && op !== 'output');
    mine.ops[inner] = mine.ops[inner] === 'maxpool3x3' ? 'conv3x3-bn-relu' : 'maxpool3x3';
    expect(space.key(mine)).toBe(officialHash(mine));
    expect(space.key(mine)).not.toBe(first);
  });

  it('keys an unpruned cell by its pruned form, as the benchmark does', () => {
    // input → conv3x3 → output plus a dangling maxpool (vertex 2) that pruning removes.
    const unpruned: Cell = {
      matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]],
      ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
    };
    const pruned: Cell = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] };
    expect(space.key(unpruned)).toBe(hashCell(pruned));
  });

  it('rejects an invalid cell in key', () => {
    // No input → output path: no table key exists for it.
    const broken: Cell = { matrix: [[0, 0], [0, 0]], ops: ['input', 'output'] };
    expect(() => space.key(broken)).toThrow(InvalidCellError);
  });

  it('is deterministic: the same seed gives the same draws, mutants and keys', () => {
    const run = (): string[] => {
      const rng = new Rng('determinism');
      let cell = space.sampleUniform(rng);
      return Array.from({ length: 20 }, () => space.key((cell = space.mutate(cell, rng))));
    };
    expect(run()).toEqual(run());
  });
});

describe('nasbench101SearchSpace neighbours', () => {
  const C3 = 'conv3x3-bn-relu';
  const C1 = 'conv1x1-bn-relu';
  const MP = 'maxpool3x3';
  /** input → op → output. */
  const chain = (op: Op): Cell => ({ matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', op, 'output'] });
  /** input → a → output and input → b → output, plus the extra edges given as [i, j]. */
  const diamond = (a: Op, b: Op, extra: [number, number][] = []): Cell => {
    const matrix = [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]];
    for (const [i, j] of extra) matrix[i][j] = 1;
    return { matrix, ops: ['input', a, b, 'output'] };
  };
  const keysOf = (cells: readonly Cell[]): string[] => cells.map((c) => space.key(c));

  it('gives the hand-counted 3 neighbours of input → conv3x3 → output, in a fixed order', () => {
    // Op changes of vertex 1: conv1x1 and maxpool (2, both valid). Edge flips: removing 0→1 or 1→2
    // cuts every input→output path (invalid); adding 0→2 gives conv3x3 beside a skip (valid).
    const expected = [chain(C1), chain(MP), { matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ops: ['input', C3, 'output'] } as Cell];
    const neighbours = space.neighbours(chain(C3));
    expect(keysOf(neighbours)).toEqual(expected.map(officialHash));
    expect(keysOf(neighbours)).not.toContain(officialHash(chain(C3)));
  });

  it('merges candidates that prune or relabel to the same graph: 10 valid candidates, 5 neighbours for a diamond', () => {
    // Two parallel conv3x3 branches. Op changes: vertex 1 or 2 to conv1x1 (one graph up to
    // isomorphism) and to maxpool (another): 4 candidates, 2 graphs. Flips: removing 0→1, 0→2, 1→3
    // or 2→3 leaves one branch, which prunes to the chain input → conv3x3 → output (4 candidates,
    // 1 graph); adding 0→3 (a skip) and 1→2 (the branches in series as well) are 2 more graphs.
    const cell = diamond(C3, C3);
    expect(neighbourCandidates(cell).filter(isValidCell)).toHaveLength(10);
    const expected = [diamond(C1, C3), diamond(MP, C3), chain(C3), diamond(C3, C3, [[0, 3]]), diamond(C3, C3, [[1, 2]])];
    expect(keysOf(space.neighbours(cell))).toEqual(expected.map(officialHash));
  });

  it('has no neighbours for the bare input → output cell (no op to change, its one edge is needed)', () => {
    expect(space.neighbours({ matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] })).toEqual([]);
  });

  it('generates every op change and every upper-triangle flip, each one edit from the cell', () => {
    // n vertices: 2 other ops for each of the n − 2 inner vertices, and n(n − 1)/2 entries to flip.
    const rng = new Rng('neighbour-candidates');
    for (let k = 0; k < 20; k++) {
      const cell = space.sampleUniform(rng);
      const n = cell.ops.length;
      const candidates = neighbourCandidates(cell);
      expect(candidates).toHaveLength(2 * (n - 2) + (n * (n - 1)) / 2);
      for (const c of candidates) {
        const ops = c.ops.filter((op, v) => op !== cell.ops[v]).length;
        const entries = c.matrix.flat().filter((x, i) => x !== cell.matrix.flat()[i]).length;
        expect(ops + entries).toBe(1);
      }
    }
  });

  it('gives random cells valid neighbours with distinct official hashes: every valid one-edit graph, once', () => {
    const rng = new Rng('neighbours');
    for (let k = 0; k < 20; k++) {
      const cell = space.sampleUniform(rng);
      const own = space.key(cell);
      const neighbours = space.neighbours(cell);
      const keys = keysOf(neighbours);
      for (const neighbour of neighbours) {
        expect(isValidCell(neighbour)).toBe(true);
        expect(space.key(neighbour)).toBe(officialHash(neighbour));
      }
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).not.toContain(own);
      // Nothing lost, nothing added: the distinct hashes of the valid candidates, the cell's own removed.
      const reachable = new Set(neighbourCandidates(cell).filter(isValidCell).map(officialHash));
      reachable.delete(own);
      expect([...keys].sort()).toEqual([...reachable].sort());
    }
  });

  it('gives the same neighbours in the same order on every call', () => {
    const cell = space.sampleUniform(new Rng('neighbours-order'));
    expect(keysOf(space.neighbours(cell))).toEqual(keysOf(space.neighbours(cell)));
    // A fresh space (empty hash memo) agrees: the order does not depend on what was hashed before.
    expect(keysOf(nasbench101SearchSpace(enumerated).neighbours(cell))).toEqual(keysOf(space.neighbours(cell)));
  });
});
