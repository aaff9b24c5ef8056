// Tests of nasbench201SearchSpace: shape, uniform sampling, one-edge mutation, the 24-cell
// neighbourhood, key = official string, and costs bound to the chosen data set.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random';
import { formatNb201Cell, NB201_OPS, nb201Cell, type Nb201Cell } from '../../../lib/spaces/nasbench201/cell';
import { NB201_DATASETS, networkFlopsM, networkParams, type Nb201Dataset } from '../../../lib/spaces/nasbench201/cost';
import { allNb201Cells, NB201_SIZE, nasbench201SearchSpace } from '../../../lib/spaces/nasbench201/search-space';

const space = nasbench201SearchSpace();

describe('nasbench201SearchSpace', () => {
  it('has 15,625 cells of 6 tokens over a vocabulary of 5', () => {
    expect([space.name, space.size, space.sequenceLength, space.vocabSize]).toEqual(['nb201', 15_625, 6, 5]);
    expect(NB201_SIZE).toBe(5 ** 6);
  });

  it('samples the same cells for the same seed and different ones for another', () => {
    const draw = (seed: string) => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => formatNb201Cell(space.sampleUniform(rng)));
    };
    expect(draw('nb201-sample')).toEqual(draw('nb201-sample'));
    expect(draw('nb201-sample')).not.toEqual(draw('nb201-other'));
  });

  it('samples each op on each edge about a fifth of the time', () => {
    // 5,000 draws: each (edge, op) count is Binomial(5000, 0.2), mean 1,000, sd √800 ≈ 28.3;
    // ±4 sd = ±113. The seed is fixed, so this cannot flake; a biased sampler fails it.
    const n = 5_000;
    const counts = Array.from({ length: 6 }, () => new Array<number>(5).fill(0));
    const rng = new Rng('nb201-uniform');
    for (let i = 0; i < n; i++) {
      space.sampleUniform(rng).ops.forEach((op, e) => counts[e][NB201_OPS.indexOf(op)]++);
    }
    const sd = Math.sqrt(n * 0.2 * 0.8);
    for (const row of counts) for (const c of row) expect(Math.abs(c - n / 5)).toBeLessThan(4 * sd);
  });

  it('mutates exactly one edge to a different op', () => {
    const rng = new Rng('nb201-mutate');
    for (let i = 0; i < 500; i++) {
      const parent = space.sampleUniform(rng);
      const child = space.mutate(parent, rng);
      const changed = parent.ops.map((op, e) => (op !== child.ops[e] ? e : -1)).filter((e) => e >= 0);
      expect(changed).toHaveLength(1);
      expect(space.key(child)).not.toBe(space.key(parent));
    }
  });

  it('mutates deterministically for a seed and leaves the parent unchanged', () => {
    const parent = nb201Cell(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3', 'none']);
    const before = formatNb201Cell(parent);
    const chain = (seed: string) => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => formatNb201Cell(space.mutate(parent, rng)));
    };
    expect(chain('nb201-mut-det')).toEqual(chain('nb201-mut-det'));
    expect(formatNb201Cell(parent)).toBe(before);
  });

  it('reaches every edge and, on each edge, every one of the four other ops', () => {
    // From a fixed parent, 2,000 mutations: 24 (edge, new op) pairs, ~83 draws each expected.
    const parent = nb201Cell(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3', 'none']);
    const seen = new Set<string>();
    const rng = new Rng('nb201-mut-cover');
    for (let i = 0; i < 2_000; i++) {
      const child = space.mutate(parent, rng);
      child.ops.forEach((op, e) => {
        if (op !== parent.ops[e]) seen.add(`${e}:${op}`);
      });
    }
    const expected = parent.ops.flatMap((own, e) => NB201_OPS.filter((op) => op !== own).map((op) => `${e}:${op}`));
    expect([...seen].sort()).toEqual(expected.sort());
  });

  it('keys a cell by its official string and rejects a cell with a bad op', () => {
    // Row 1 of the real table: the key must be the table's own key.
    const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
    const cell = nb201Cell(['nor_conv_3x3', 'nor_conv_3x3', 'avg_pool_3x3', 'skip_connect', 'nor_conv_3x3', 'skip_connect']);
    expect(space.key(cell)).toBe(arch);
    expect(() => space.key({ ops: ['none', 'none', 'none', 'none', 'none', 'conv'] } as unknown as Nb201Cell)).toThrow('edge 5: unknown op "conv"');
  });

  it('decodes its own encodings, degenerate cells included', () => {
    const allNone = nb201Cell(new Array<string>(6).fill('none'));
    expect(space.decode(space.encode(allNone))).toEqual(allNone);
  });

  it('reports params and FLOPs of the chosen data set network', () => {
    const rng = new Rng('nb201-costs');
    for (const dataset of Object.keys(NB201_DATASETS) as Nb201Dataset[]) {
      const bound = nasbench201SearchSpace(dataset);
      for (let i = 0; i < 50; i++) {
        const cell = bound.sampleUniform(rng);
        expect(bound.params(cell)).toBe(networkParams(cell, dataset));
        expect(bound.flopsM(cell)).toBe(networkFlopsM(cell, dataset));
      }
    }
    // The default is CIFAR-10, and the data sets really differ (classifier width).
    const cell = nb201Cell(new Array<string>(6).fill('nor_conv_3x3'));
    expect(space.params(cell)).toBe(networkParams(cell, 'cifar10'));
    expect(nasbench201SearchSpace('cifar100').params(cell)).not.toBe(space.params(cell));
  });
});

describe('allNb201Cells and flopsRangeM', () => {
  it('lists all 15,625 cells once, and the FLOPs range is the exact minimum and maximum over them', () => {
    const cells = allNb201Cells();
    expect(new Set(cells.map((c) => space.key(c))).size).toBe(NB201_SIZE);
    for (const dataset of Object.keys(NB201_DATASETS) as Nb201Dataset[]) {
      const flops = cells.map((c) => networkFlopsM(c, dataset));
      expect(nasbench201SearchSpace(dataset).flopsRangeM()).toEqual({ min: Math.min(...flops), max: Math.max(...flops) });
    }
    // the all-none cell is the cheapest network, the all-3×3 cell the most expensive
    const range = space.flopsRangeM();
    expect(range.min).toBe(space.flopsM(nb201Cell(Array(6).fill('none'))));
    expect(range.max).toBe(space.flopsM(nb201Cell(Array(6).fill('nor_conv_3x3'))));
  });
});

describe('nasbench201SearchSpace neighbours', () => {
  // A cell with every op once (none twice): each edge has exactly four other ops to take.
  const cell = nb201Cell(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3', 'none']);

  it('lists the 24 cells one edge away (6 edges × 4 other ops), distinct, the cell itself excluded', () => {
    const neighbours = space.neighbours(cell);
    expect(neighbours).toHaveLength(24);
    const keys = neighbours.map((n) => space.key(n));
    expect(new Set(keys).size).toBe(24);
    expect(keys).not.toContain(space.key(cell));
    for (const n of neighbours) expect(n.ops.filter((op, e) => op !== cell.ops[e])).toHaveLength(1);
    // Every (edge, other op) pair appears exactly once.
    const edits = neighbours.map((n) => {
      const e = n.ops.findIndex((op, k) => op !== cell.ops[k]);
      return `${e}:${n.ops[e]}`;
    });
    const expected = cell.ops.flatMap((own, e) => NB201_OPS.filter((op) => op !== own).map((op) => `${e}:${op}`));
    expect(edits.sort()).toEqual(expected.sort());
  });

  it('gives the same neighbours in the same order on every call and leaves the cell unchanged', () => {
    const before = formatNb201Cell(cell);
    const keys = () => space.neighbours(cell).map((n) => space.key(n));
    expect(keys()).toEqual(keys());
    expect(formatNb201Cell(cell)).toBe(before);
  });

  it('gives 24 neighbours for random cells too, each a valid cell the space can key', () => {
    const rng = new Rng('nb201-neighbours');
    for (let i = 0; i < 100; i++) {
      const parent = space.sampleUniform(rng);
      const keys = space.neighbours(parent).map((n) => space.key(n));
      expect(new Set(keys).size).toBe(24);
      expect(keys).not.toContain(space.key(parent));
    }
  });
});
