import { describe, expect, it } from 'vitest';
import { CELL_ATTRIBUTE_NAMES, CELL_PRIMARY_ATTRIBUTE_NAMES, cellAttributes, vertexLevels } from '../../../lib/spaces/nasbench101/attributes';
import { traverseFactor } from '../../../lib/analysis/traversal';
import { validateCell, type Cell } from '../../../lib/spaces/nasbench101/cell';
import { decodeTokens, encodeCell, POSITION_KINDS, TOKEN_MAXPOOL } from '../../../lib/spaces/nasbench101/encoding';

// The example cell of the nasbench README: 7 vertices, 9 edges, no input→output edge.
const README_CELL: Cell = {
  matrix: [
    [0, 1, 1, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ops: ['input', 'conv1x1-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
};

// Vertex 2 is a dead end (no path to the output): attributes must describe the pruned cell
// 0 → 1 → 2' → out, 1 → out, 0 → out (vertex 3 becomes 2).
const DANGLING_CELL: Cell = {
  matrix: [
    [0, 1, 1, 0, 1],
    [0, 0, 0, 1, 1],
    [0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0],
  ],
  ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'conv1x1-bn-relu', 'output'],
};

// The smallest cell: its network is stem + nine 1×1 projections + dense, costs by hand below.
const SKIP_ONLY: Cell = { matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] };
// Same network plus a max-pool, which has no weights and no multiply-accumulates.
const MAXPOOL_ONLY: Cell = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'maxpool3x3', 'output'] };
// Same plus a 1×1 conv (C·C weights + 2C batch norm) in each of the nine cells.
const CONV1X1_ONLY: Cell = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'output'] };

// By hand: stem 3·3·3·128 + 2·128 = 3712; 1×1 projections in the cells
// 3·(128² + 256) + (128·256 + 512) + 2·(256² + 512) + (256·512 + 1024) + 2·(512² + 1024)
// = 49,920 + 33,280 + 132,096 + 132,096 + 526,336; dense 512·10 + 10 = 5130. Total 882,570.
const SKIP_ONLY_PARAMS = 882_570;
// MACs: stem 27·128·1024 = 3,538,944; projections 3·128²·1024 + 128·256·256 + 2·256²·256
// + 256·512·64 + 2·512²·64 = 50,331,648 + 8,388,608 + 33,554,432 + 8,388,608 + 33,554,432;
// dense 5120. Total 137,761,792.
const SKIP_ONLY_FLOPS_M = 137.761792;
// Extra 1×1 conv C→C + BN per cell: 3·(128² + 256) + 3·(256² + 512) + 3·(512² + 1024) = 1,037,568.
const CONV1X1_EXTRA_PARAMS = 1_037_568;

describe('cellAttributes', () => {
  it('describes the README cell: ops by position, 9 edges, depth 3, four vertices on level 1', () => {
    expect(cellAttributes(README_CELL)).toMatchObject({
      op1: 'conv1x1-bn-relu',
      op2: 'conv3x3-bn-relu',
      op3: 'conv3x3-bn-relu',
      op4: 'conv3x3-bn-relu',
      op5: 'maxpool3x3',
      vertices: 7,
      edges: 9,
      depth: 3, // 0 → 3 → 4 → 6
      width: 4, // vertices 1, 2, 3, 5 are all one edge from the input
      inputToOutput: false,
      numConv3x3: 3,
      numConv1x1: 1,
      numMaxpool: 1,
    });
  });

  it('describes the pruned cell, with positions past the last inner vertex as none', () => {
    expect(cellAttributes(DANGLING_CELL)).toMatchObject({
      op1: 'conv3x3-bn-relu',
      op2: 'conv1x1-bn-relu',
      op3: 'none',
      op4: 'none',
      op5: 'none',
      vertices: 4,
      edges: 5,
      depth: 3,
      width: 1,
      inputToOutput: true,
      numConv3x3: 1,
      numConv1x1: 1,
      numMaxpool: 0,
    });
  });

  it('gives the hand-computed params and FLOPs of the smallest cell', () => {
    const a = cellAttributes(SKIP_ONLY);
    expect(a).toMatchObject({ vertices: 2, edges: 1, depth: 1, width: 1, inputToOutput: true, op1: 'none', params: SKIP_ONLY_PARAMS });
    expect(a.flopsM).toBeCloseTo(SKIP_ONLY_FLOPS_M, 9);
  });

  it('charges nothing for a max-pool and C² + 2C per cell for a 1×1 conv', () => {
    expect(cellAttributes(MAXPOOL_ONLY).params).toBe(SKIP_ONLY_PARAMS);
    expect(cellAttributes(MAXPOOL_ONLY).flopsM).toBeCloseTo(SKIP_ONLY_FLOPS_M, 9);
    expect(cellAttributes(CONV1X1_ONLY).params).toBe(SKIP_ONLY_PARAMS + CONV1X1_EXTRA_PARAMS);
    expect(cellAttributes(MAXPOOL_ONLY)).toMatchObject({ depth: 2, inputToOutput: false, numMaxpool: 1 });
  });

  it('fills exactly the attributes CELL_ATTRIBUTE_NAMES lists, in that order', () => {
    expect(Object.keys(cellAttributes(README_CELL))).toEqual([...CELL_ATTRIBUTE_NAMES]);
    expect(CELL_ATTRIBUTE_NAMES).toEqual(expect.arrayContaining([...CELL_PRIMARY_ATTRIBUTE_NAMES]));
  });

  it('rejects a cell without an input→output path', () => {
    expect(() => cellAttributes({ matrix: [[0, 0], [0, 0]], ops: ['input', 'output'] })).toThrow('no path from input');
  });
});

describe('vertexLevels', () => {
  it('gives the longest path from the input, not the shortest', () => {
    // 0 → 1 → 2 → 3 and 0 → 3: the output is at level 3 even though one edge reaches it.
    const matrix = [
      [0, 1, 0, 1],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
      [0, 0, 0, 0],
    ];
    expect(vertexLevels(matrix)).toEqual([0, 1, 2, 3]);
  });
});

describe('cellAttributes in a traversal', () => {
  it('sees an op-token flip as op3 plus the attributes derived from it', () => {
    // A decoder that spells the README cell, with vertex 3's op token set to max-pool when z0 > 0.05.
    const tokens = encodeCell(README_CELL);
    const op3 = POSITION_KINDS.findIndex((k) => k.kind === 'op' && k.vertex === 3);
    const decode = (zs: number[][]) => zs.map((z) => validateCell(decodeTokens(tokens.map((t, p) => (p === op3 && z[0] > 0.05 ? TOKEN_MAXPOOL : t)))).pruned);
    const t = traverseFactor([0, 0], 0, { decode, attributes: cellAttributes });
    expect(t.steps[8].changed).toEqual(['op3', 'numConv3x3', 'numMaxpool', 'params', 'flopsM']);
    expect(t.steps[8].attributes).toMatchObject({ op3: 'maxpool3x3', depth: 3, edges: 9 });
    expect(t.steps.slice(0, 5).every((s) => s.changed!.length === 0)).toBe(true);
  });
});
