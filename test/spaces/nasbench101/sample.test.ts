// Tests of NAS-Bench-101 sampling and mutation: shapes, validity, determinism, the mutation
// rule's rates, and one toThrow per validation rule. Uses a small stand-in space.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random';
import { InvalidCellError, isValidCell, validateCell, type Cell } from '../../../lib/spaces/nasbench101/cell';
import { hashCell } from '../../../lib/spaces/nasbench101/graph';
import { mutateCell, sampleRandomSpec, sampleUniformCell, sampleUniformIndex } from '../../../lib/spaces/nasbench101/sample';
import type { Nasbench101Space } from '../../../lib/spaces/nasbench101/space';

// input → output: the smallest cell, which has nothing to prune and no inner op.
const TWO: Cell = { matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] };
// input → conv3x3 → maxpool → output with a skip: a pruned 4-vertex cell.
const FOUR: Cell = {
  matrix: [[0, 1, 0, 1], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]],
  ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
};

// input → conv1x1 → output: a third, distinct cell for the stand-in space.
const THREE: Cell = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'output'] };

/** A stand-in space of three literal cells: enough to check index draws without the full table. */
const tinySpace: Nasbench101Space = {
  size: 3,
  cellAt: (i) => [TWO, FOUR, THREE][i],
  hashAt: (i) => hashCell(tinySpace.cellAt(i)),
  indexOfHash: () => -1,
  has: () => false,
};

const key = (cell: Cell): string => JSON.stringify(cell);

describe('sampleUniformCell', () => {
  it('draws every cell of the space, each about equally often', () => {
    const rng = new Rng(1);
    const counts = new Map<string, number>();
    for (let k = 0; k < 3000; k++) {
      const c = key(sampleUniformCell(tinySpace, rng));
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(3);
    for (const n of counts.values()) expect(n).toBeGreaterThan(900);
  });

  it('gives the same cells for the same seed', () => {
    const draw = (seed: number): string[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => key(sampleUniformCell(tinySpace, rng)));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
});

describe('sampleRandomSpec', () => {
  it('returns a valid 7×7 upper-triangular draw and the cell it prunes to', () => {
    const rng = new Rng('random-spec');
    for (let k = 0; k < 200; k++) {
      const { original, pruned } = sampleRandomSpec(rng);
      expect(original.matrix).toHaveLength(7);
      expect(original.ops).toHaveLength(7);
      expect(original.matrix.every((row, i) => row.length === 7 && row.every((x, j) => x === 0 || j > i))).toBe(true);
      expect(isValidCell(original)).toBe(true);
      expect(pruned.ops.length).toBeLessThanOrEqual(7);
    }
  });

  it('gives the same cells for the same seed', () => {
    const draw = (seed: string): string[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => key(sampleRandomSpec(rng).original));
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });
});

describe('sampleUniformIndex', () => {
  it('is the draw behind sampleUniformCell: same seed, same cell', () => {
    const a = new Rng('index');
    const b = new Rng('index');
    for (let k = 0; k < 20; k++) expect(tinySpace.cellAt(sampleUniformIndex(tinySpace, a))).toBe(sampleUniformCell(tinySpace, b));
  });
});

describe('mutateCell', () => {
  it('returns the hash of the pruned child it computed, so callers need not hash it again', () => {
    const rng = new Rng('mutate-hash');
    let parent = sampleRandomSpec(rng).original;
    for (let k = 0; k < 100; k++) {
      const child = mutateCell(parent, rng);
      expect(child.hash).toBe(hashCell(child.pruned));
      parent = child.original;
    }
  });

  it('gives the same child when told the parent hash as when it hashes the parent itself', () => {
    // parentHash only saves work: the draws and the differs-from-parent test are unchanged.
    const parent = sampleRandomSpec(new Rng('parent')).original;
    const told = mutateCell(parent, new Rng('same'), { parentHash: hashCell(validateCell(parent).pruned) });
    expect(told).toEqual(mutateCell(parent, new Rng('same')));
  });

  it('returns a valid child whose hash differs from its parent', () => {
    const rng = new Rng('mutate');
    let parent = sampleRandomSpec(rng).original;
    for (let k = 0; k < 300; k++) {
      const child = mutateCell(parent, rng);
      expect(isValidCell(child.original)).toBe(true);
      expect(hashCell(child.pruned)).not.toBe(hashCell(validateCell(parent).pruned));
      parent = child.original;
    }
  });

  it('mutates pruned cells with fewer than 7 vertices, returning a 7-vertex original', () => {
    const rng = new Rng('small');
    for (const parent of [TWO, FOUR]) {
      for (let k = 0; k < 50; k++) {
        const child = mutateCell(parent, rng);
        expect(child.original.ops).toHaveLength(7);
        expect(child.original.ops[6]).toBe('output');
        expect(hashCell(child.pruned)).not.toBe(hashCell(parent));
      }
    }
  });

  it('keeps the parent\'s wiring when padding (a tiny rate changes few edges)', () => {
    // At mutationRate 0.01 almost every child differs from the padded parent in one spot.
    const child = mutateCell(FOUR, new Rng(3), { mutationRate: 0.01 });
    const padded = [[0, 1, 0, 0, 0, 0, 1], [0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1]];
    const differences = padded.flatMap((row, i) => row.filter((x, j) => child.original.matrix[i][j] !== x)).length;
    expect(differences).toBeLessThanOrEqual(1);
  });

  it('flips about 3 of 21 edges per call at mutationRate 1 (nasbench: rate / 7 per edge)', () => {
    const rng = new Rng('rate');
    let flips = 0;
    const calls = 500;
    for (let k = 0; k < calls; k++) {
      const parent = sampleRandomSpec(rng).original;
      const child = mutateCell(parent, rng).original;
      flips += parent.matrix.flatMap((row, i) => row.filter((x, j) => child.matrix[i][j] !== x)).length;
    }
    // Binomial(21, 1/7) has mean 3; redraws of invalid or unchanged children shift it a little.
    expect(flips / calls).toBeGreaterThan(2.5);
    expect(flips / calls).toBeLessThan(3.8);
  });

  it('gives the same children for the same seed', () => {
    const run = (seed: number): string[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => key(mutateCell(FOUR, rng).original));
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it('throws RangeError for a mutation rate that is not > 0', () => {
    expect(() => mutateCell(FOUR, new Rng(0), { mutationRate: 0 })).toThrow(/mutationRate must be a finite number > 0: got 0/);
  });

  it('throws InvalidCellError for an invalid parent', () => {
    // No path from input to output.
    expect(() => mutateCell({ matrix: [[0, 0], [0, 0]], ops: ['input', 'output'] }, new Rng(0))).toThrow(InvalidCellError);
  });

  it('throws when no distinct valid child appears within maxAttempts', () => {
    // A rate of 1e-12 never changes anything, so every attempt repeats the parent.
    expect(() => mutateCell(FOUR, new Rng(0), { mutationRate: 1e-12, maxAttempts: 5 })).toThrow(/after 5 attempts/);
  });
});
