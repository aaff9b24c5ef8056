// Tests of the NAS-Bench-101 SearchSpace's key memo: memoised keys equal the official hash,
// each cell is hashed at most once, handed-out cells cannot be edited into a stale key.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '../../../lib/random';
import { InvalidCellError, validateCell, type Cell, type Op } from '../../../lib/spaces/nasbench101/cell';
import { encodeCell } from '../../../lib/spaces/nasbench101/encoding';
import { benchmarkLabelling, hashCell } from '../../../lib/spaces/nasbench101/graph';
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
