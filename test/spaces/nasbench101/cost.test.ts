// Tests of the NAS-Bench-101 cost model: hand-counted literal cells, then exact agreement with
// the benchmark's stored parameter counts and NASLib's FLOPs on real data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidCellError, type Cell } from '../../../lib/spaces/nasbench101/cell';
import { hashCell } from '../../../lib/spaces/nasbench101/graph';
import { cellFlops, cellParams, networkFlops, networkFlopsM, networkParams, vertexChannels } from '../../../lib/spaces/nasbench101/cost';
import { NB101_DATA } from '../../real-data';

const DATA = NB101_DATA;

function readJsonl<T>(file: string): T[] {
  return readFileSync(join(DATA, file), 'utf8').trim().split(/\r?\n/).map((line) => JSON.parse(line) as T);
}

/** hash → params column of val-subset-30k.csv. */
function storedParams(): Map<string, number> {
  const lines = readFileSync(join(DATA, 'val-subset-30k.csv'), 'utf8').trim().split(/\r?\n/);
  expect(lines[0].split(',')[6]).toBe('params');
  return new Map(lines.slice(1).map((line) => {
    const fields = line.split(',');
    return [fields[0], Number(fields[6])];
  }));
}

// input → conv3x3 → output: one projection and one 3×3 conv per cell.
const CONV_CHAIN: Cell = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] };
// input → maxpool → output plus input → output: two projections, a weightless pool.
const POOL_SKIP: Cell = { matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ops: ['input', 'maxpool3x3', 'output'] };

/** (in, out) channels of the 9 cells: 128→128 ×3, 128→256, 256→256 ×2, 256→512, 512→512 ×2. */
const PLACES = [[128, 128], [128, 128], [128, 128], [128, 256], [256, 256], [256, 256], [256, 512], [512, 512], [512, 512]];
/** Output pixels of each cell (32², 16², 8²). */
const PIXELS = [1024, 1024, 1024, 256, 256, 256, 64, 64, 64];
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const STEM_PARAMS = 3 * 3 * 3 * 128 + 2 * 128; // 3×3 kernel from RGB, BN beta+gamma
const DENSE_PARAMS = 512 * 10 + 10; // kernel + bias

describe('vertexChannels', () => {
  it('splits the output channels over the vertices feeding it, remainder to the lowest first', () => {
    // Three vertices feed the output: 128 = 43 + 43 + 42.
    const matrix = [[0, 1, 1, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
    expect(vertexChannels(matrix, 64, 128)).toEqual([64, 43, 43, 42, 128]);
  });

  it('gives a vertex that feeds only other vertices the max of their channels', () => {
    // 1 → {2, 3}, 2 and 3 → output: vertex 1 takes max(64, 64); the input→output edge does not split.
    const matrix = [[0, 1, 0, 0, 1], [0, 0, 1, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
    expect(vertexChannels(matrix, 128, 128)).toEqual([128, 64, 64, 64, 128]);
  });

  it('leaves a two-vertex cell as input and output channels', () => {
    expect(vertexChannels([[0, 1], [0, 0]], 128, 256)).toEqual([128, 256]);
  });
});

describe('cellParams', () => {
  it('counts a projection and a 3×3 conv-BN for input→conv3x3→output', () => {
    // projection 128·128 + 2·128, conv 9·128·128 + 2·128
    expect(cellParams(CONV_CHAIN)).toBe(128 * 128 + 256 + 9 * 128 * 128 + 256);
  });

  it('counts two projections and no pool weights for the pooled skip cell', () => {
    expect(cellParams(POOL_SKIP, { inChannels: 128, outChannels: 256 })).toBe(2 * (128 * 256 + 2 * 256));
  });

  it('throws InvalidCellError for a cell without an input→output path', () => {
    const broken: Cell = { matrix: [[0, 1, 0], [0, 0, 0], [0, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'output'] };
    expect(() => cellParams(broken)).toThrow(InvalidCellError);
  });
});

describe('networkParams', () => {
  it('adds stem, nine cells and the dense layer by hand for input→conv3x3→output', () => {
    const cells = PLACES.map(([cin, c]) => cin * c + 2 * c + 9 * c * c + 2 * c);
    expect(networkParams(CONV_CHAIN)).toBe(STEM_PARAMS + sum(cells) + DENSE_PARAMS);
    expect(networkParams(CONV_CHAIN)).toBe(10_177_674);
  });

  it('counts a two-vertex cell as one output projection per cell', () => {
    const identity: Cell = { matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] };
    const cells = PLACES.map(([cin, c]) => cin * c + 2 * c);
    expect(networkParams(identity)).toBe(STEM_PARAMS + sum(cells) + DENSE_PARAMS);
  });

  it('prunes a dangling vertex away before counting, as ModelSpec does', () => {
    // Vertex 2 (a 3×3 conv) reaches nothing: the cell trains as CONV_CHAIN.
    const dangling: Cell = {
      matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]],
      ops: ['input', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'output'],
    };
    expect(networkParams(dangling)).toBe(networkParams(CONV_CHAIN));
  });

  it('depends on vertex order like the benchmark: two labellings of one graph differ', () => {
    // One graph (hash 087fdce1…), three vertices feed the output so 128 = 43 + 43 + 42 goes by
    // vertex number: the 3×3 conv is vertex 2 (43 channels) in the benchmark's labelling and
    // vertex 3 (42) in flops-500's. The benchmark stores 2,792,597.
    const matrix = [[0, 1, 1, 1, 1], [0, 0, 1, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]];
    const stored: Cell = { matrix, ops: ['input', 'maxpool3x3', 'conv3x3-bn-relu', 'maxpool3x3', 'output'] };
    const relabelled: Cell = {
      matrix: [[0, 1, 1, 1, 1], [0, 0, 0, 0, 1], [0, 0, 0, 1, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]],
      ops: ['input', 'maxpool3x3', 'maxpool3x3', 'conv3x3-bn-relu', 'output'],
    };
    expect(hashCell(stored)).toBe(hashCell(relabelled));
    expect(networkParams(stored)).toBe(2_792_597);
    expect(networkParams(relabelled)).toBe(2_781_083);
  });

  it('equals the stored parameter count of all 1,000 cells of cells-1k', () => {
    const params = storedParams();
    const cells = readJsonl<Cell & { hash: string }>('cells-1k.jsonl');
    expect(cells).toHaveLength(1000);
    const wrong = cells.filter((c) => networkParams(c) !== params.get(c.hash)).map((c) => c.hash);
    expect(wrong).toEqual([]);
  });
});

describe('networkFlops', () => {
  it('counts conv and dense multiply-adds by hand for input→conv3x3→output (macs)', () => {
    const stem = 27 * 128 * 1024;
    const cells = PLACES.map(([cin, c], i) => (cin * c + 9 * c * c) * PIXELS[i]);
    expect(networkFlops(CONV_CHAIN)).toBe(stem + sum(cells) + 512 * 10);
    expect(networkFlops(CONV_CHAIN)).toBe(1_496_716_288);
  });

  it('adds BN (2), ReLU (1), pool windows and the 2×2 downsampling under the naslib convention', () => {
    // conv-BN-ReLU over P pixels: MACs + 2·C·P (affine BN) + C·P (ReLU).
    const cbr = (cin: number, c: number, k: number, p: number): number => k * k * cin * c * p + 3 * c * p;
    const stem = cbr(3, 128, 3, 1024);
    const cells = PLACES.map(([cin, c], i) => 2 * cbr(cin, c, 1, PIXELS[i]) + 9 * c * PIXELS[i]);
    const downsample = 4 * 128 * 256 + 4 * 256 * 64; // before stacks 2 and 3: 4 per output element
    expect(networkFlops(POOL_SKIP, { convention: 'naslib' })).toBe(stem + sum(cells) + downsample + 512 * 10);
  });

  it('gives one cell in its placement the same as its share of the network', () => {
    const first = cellFlops(POOL_SKIP, { convention: 'naslib' });
    expect(first).toBe(2 * (128 * 128 * 1024 + 3 * 128 * 1024) + 9 * 128 * 1024);
  });

  it('throws InvalidCellError for a cell with too many edges', () => {
    const full = Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => (j > i ? 1 : 0)));
    const ops: Cell['ops'] = ['input', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'output'];
    expect(() => networkFlops({ matrix: full, ops })).toThrow(InvalidCellError);
  });

  it("reproduces NASLib's flops_m and params_m exactly on all 500 cells of flops-500 (unpruned 7×7)", () => {
    const rows = readJsonl<Cell & { flops_m: number; params_m: number }>('flops-500.jsonl');
    expect(rows).toHaveLength(500);
    const flopsOff = rows.filter((r) => Math.abs(networkFlopsM(r, { convention: 'naslib' }) - r.flops_m) > 1e-9);
    const paramsOff = rows.filter((r) => networkParams(r) !== Math.round(r.params_m * 1e6));
    expect(flopsOff).toEqual([]);
    expect(paramsOff).toEqual([]);
  });

  it('puts multiply-adds at 86–100% of the naslib count on those 500 cells', () => {
    // BN, ReLU and pooling add 0.2%–13.4% on top of the MACs (measured: ratio 0.866–0.998).
    const rows = readJsonl<Cell & { flops_m: number }>('flops-500.jsonl');
    const ratios = rows.map((r) => networkFlopsM(r) / r.flops_m);
    expect(Math.min(...ratios)).toBeGreaterThan(0.86);
    expect(Math.max(...ratios)).toBeLessThan(1);
  });
});
