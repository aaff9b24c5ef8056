// Tests of the NAS-Bench-101 enumeration: literal small spaces, packing, and the full space
// against the benchmark's own facts (423,624 cells; every hash of the real 30k subset).
import { NB101_DATA } from '../../real-data';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  edgeBit,
  enumerateNasbench101,
  labeledRepresentatives,
  packCell,
  shapeRepresentatives,
  unpackCell,
  type PackedSpace,
} from '../../../lib/spaces/nasbench101/enumerate';

const DATA = NB101_DATA;

/** The 30,001 hashes of val-subset-30k.csv (real NAS-Bench-101 cells). */
function subsetHashes(): string[] {
  const lines = readFileSync(join(DATA, 'val-subset-30k.csv'), 'utf8').trim().split(/\r?\n/);
  expect(lines[0].startsWith('hash,')).toBe(true);
  return lines.slice(1).map((line) => line.slice(0, line.indexOf(',')));
}

function hexAt(space: PackedSpace, i: number): string {
  return Buffer.from(space.hashes.subarray(i * 16, i * 16 + 16)).toString('hex');
}

describe('edgeBit', () => {
  it('numbers the upper triangle row by row', () => {
    // 7 vertices: (0,1) is bit 0, (0,6) bit 5, (1,2) bit 6, (5,6) the last of 21.
    expect([edgeBit(7, 0, 1), edgeBit(7, 0, 6), edgeBit(7, 1, 2), edgeBit(7, 5, 6)]).toEqual([0, 5, 6, 20]);
  });
});

describe('packCell / unpackCell', () => {
  it('round-trips every real cell of cells-1k', () => {
    const cells = readFileSync(join(DATA, 'cells-1k.jsonl'), 'utf8').trim().split(/\r?\n/).map((l) => JSON.parse(l));
    expect(cells).toHaveLength(1000);
    for (const cell of cells) expect(unpackCell(packCell(cell))).toEqual({ matrix: cell.matrix, ops: cell.ops });
  });
});

describe('shapeRepresentatives', () => {
  it('finds the one 2-vertex and the two 3-vertex cell graphs', () => {
    // 2 vertices: input → output only. 3 vertices: a chain, or a chain plus the skip 0 → 2.
    expect(shapeRepresentatives(2).map((s) => s.edges)).toEqual([1]);
    expect(shapeRepresentatives(3).map((s) => s.edges).sort()).toEqual([0b101, 0b111]);
  });

  it('lists the swap of two parallel vertices as an automorphism', () => {
    // 0 → 1 → 3 and 0 → 2 → 3: swapping 1 and 2 maps the graph onto itself.
    const diamond = shapeRepresentatives(4).find((s) => s.edges === (1 << edgeBit(4, 0, 1)) + (1 << edgeBit(4, 0, 2)) + (1 << edgeBit(4, 1, 3)) + (1 << edgeBit(4, 2, 3)));
    expect(diamond?.automorphisms).toEqual([[0, 2, 1, 3]]);
  });
});

describe('labeledRepresentatives', () => {
  it('gives one cell per isomorphism class: 423,624', () => {
    expect(labeledRepresentatives()).toHaveLength(423_624);
  });
});

describe('enumerateNasbench101', () => {
  // One full enumeration (≈10 s on 2 cores, longer when other test files run beside it).
  let space: PackedSpace;
  const progress: [number, number][] = [];

  it('finds exactly 423,624 unique cells, sorted by hash', async () => {
    space = await enumerateNasbench101({ quiet: true, onProgress: (done, total) => progress.push([done, total]) });
    expect(space.count).toBe(423_624);
    for (let i = 1; i < space.count; i++) {
      if (!(hexAt(space, i - 1) < hexAt(space, i))) throw new Error(`hashes not strictly ascending at index ${i}`);
    }
  }, 180_000);

  it('contains all 30,001 hashes of the real validation subset', () => {
    const all = new Set(Array.from({ length: space.count }, (_, i) => hexAt(space, i)));
    const subset = subsetHashes();
    expect(subset).toHaveLength(30_001);
    expect(subset.filter((h) => !all.has(h))).toEqual([]);
  });

  it('reports progress up to done = total', () => {
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toEqual([423_624, 423_624]);
    expect(progress.every(([done], k) => k === 0 || done >= progress[k - 1][0])).toBe(true);
  });

  it('rejects a worker count that is not a positive integer', async () => {
    await expect(enumerateNasbench101({ quiet: true, workers: 0 })).rejects.toThrow(RangeError);
  });
});
