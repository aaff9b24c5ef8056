import { describe, expect, it } from 'vitest';
import { InvalidCellError, isValidCell, pruneCell, validateCell, type Cell } from '../../../lib/spaces/nasbench101/cell';

const C3 = 'conv3x3-bn-relu';
const C1 = 'conv1x1-bn-relu';
const MP = 'maxpool3x3';

// input → conv3x3 → output: the smallest cell with an inner vertex.
const chain: Cell = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', C3, 'output'] };

/** A 7×7 matrix with the given edges set. */
function matrix7(edges: [number, number][]): number[][] {
  const m = Array.from({ length: 7 }, () => new Array<number>(7).fill(0));
  for (const [i, j] of edges) m[i][j] = 1;
  return m;
}
const ops7 = ['input', C3, C1, MP, C3, C1, 'output'];

describe('validateCell', () => {
  it('accepts a valid cell and returns it unchanged when nothing is dangling', () => {
    const { original, pruned } = validateCell(chain);
    expect(original).toEqual(chain);
    expect(pruned).toEqual(chain);
  });

  it('accepts the 2-vertex cell input → output', () => {
    expect(validateCell({ matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] }).pruned.ops).toEqual(['input', 'output']);
  });

  // One test per rule, each expecting its own message (value and limit named).
  it('rejects something that is not an object', () => {
    expect(() => validateCell(42)).toThrow('a cell must be an object {matrix, ops}: got 42');
  });
  it('rejects a matrix that is not an array', () => {
    expect(() => validateCell({ matrix: 'x', ops: [] })).toThrow('matrix must be an array of rows: got "x"');
  });
  it('rejects ops that are not an array', () => {
    expect(() => validateCell({ matrix: [], ops: 'input' })).toThrow('ops must be an array of op names: got "input"');
  });
  it('rejects fewer than 2 or more than 7 vertices', () => {
    expect(() => validateCell({ matrix: [[0]], ops: ['input'] })).toThrow('matrix must have 2 to 7 vertices: got 1');
    const m8 = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
    expect(() => validateCell({ matrix: m8, ops: new Array(8).fill(C3) })).toThrow('matrix must have 2 to 7 vertices: got 8');
  });
  it('rejects a number of ops different from the number of vertices', () => {
    expect(() => validateCell({ matrix: chain.matrix, ops: ['input', 'output'] })).toThrow('ops must have one entry per vertex: got 2 ops for 3 vertices');
  });
  it('rejects a matrix that is not square', () => {
    expect(() => validateCell({ matrix: [[0, 1, 0], [0, 0], [0, 0, 0]], ops: chain.ops })).toThrow('matrix is not square: row 1 has 2 entries (expected 3)');
  });
  it('rejects an entry that is not 0 or 1', () => {
    expect(() => validateCell({ matrix: [[0, 2, 0], [0, 0, 1], [0, 0, 0]], ops: chain.ops })).toThrow('matrix[0][1] must be 0 or 1: got 2');
  });
  it('rejects a self-loop or a backward edge (not strictly upper-triangular)', () => {
    expect(() => validateCell({ matrix: [[0, 1, 0], [0, 1, 1], [0, 0, 0]], ops: chain.ops })).toThrow('matrix is not strictly upper-triangular: matrix[1][1] = 1');
    expect(() => validateCell({ matrix: [[0, 1, 0], [0, 0, 1], [1, 0, 0]], ops: chain.ops })).toThrow('matrix is not strictly upper-triangular: matrix[2][0] = 1');
  });
  it('rejects a first op other than input and a last op other than output', () => {
    expect(() => validateCell({ matrix: chain.matrix, ops: [C3, C3, 'output'] })).toThrow(`ops[0] must be 'input': got "${C3}"`);
    expect(() => validateCell({ matrix: chain.matrix, ops: ['input', C3, C3] })).toThrow(`ops[2] must be 'output': got "${C3}"`);
  });
  it('rejects an unknown op on an inner vertex', () => {
    expect(() => validateCell({ matrix: chain.matrix, ops: ['input', 'conv5x5', 'output'] })).toThrow(
      'unknown op at ops[1]: got "conv5x5" (allowed: conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3)',
    );
    // input/output are not allowed as inner ops either
    expect(() => validateCell({ matrix: chain.matrix, ops: ['input', 'output', 'output'] })).toThrow('unknown op at ops[1]: got "output"');
  });
  it('rejects a cell with no input → output path', () => {
    // input → v1, v2 → output, but nothing joins v1 to v2.
    expect(() => validateCell({ matrix: [[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]], ops: ['input', C3, C3, 'output'] })).toThrow(
      'no path from input (vertex 0) to output (last vertex)',
    );
  });
  it('rejects more than 9 edges after pruning', () => {
    // A full DAG on 7 vertices minus 11 edges keeps 10 edges, all on input→output paths.
    const edges: [number, number][] = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [0, 2], [0, 3], [0, 4], [0, 6]];
    expect(() => validateCell({ matrix: matrix7(edges), ops: ops7 })).toThrow('too many edges after pruning: got 10 (max 9)');
  });
  it('counts edges after pruning, as NAS-Bench-101 does: dangling extras do not count', () => {
    // 9 edges on the path structure plus one edge into a vertex that never reaches output.
    const edges: [number, number][] = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 6], [0, 2], [0, 3], [0, 4], [0, 6], [0, 5]];
    const { pruned } = validateCell({ matrix: matrix7(edges), ops: ops7 });
    expect(pruned.ops).toHaveLength(6);
  });
});

describe('pruneCell', () => {
  it('drops a vertex no path from input reaches and one that never reaches output', () => {
    // v1 has no inbound edge; v2 is fed by input but feeds nothing.
    const cell: Cell = { matrix: [[0, 0, 1, 1, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]], ops: ['input', C1, MP, C3, 'output'] };
    expect(pruneCell(cell)).toEqual({ matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', C3, 'output'] });
  });
  it('returns null when output is unreachable', () => {
    expect(pruneCell({ matrix: [[0, 0], [0, 0]], ops: ['input', 'output'] })).toBeNull();
  });
  it('keeps the original beside the pruned cell', () => {
    const cell = { matrix: [[0, 1, 1], [0, 0, 0], [0, 0, 0]], ops: ['input', C3, 'output'] };
    const { original, pruned } = validateCell(cell);
    expect(original).toEqual(cell);
    expect(pruned).toEqual({ matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] });
  });
});

describe('isValidCell', () => {
  it('never throws, whatever it is given', () => {
    for (const bad of [null, undefined, 7, 'cell', [], {}, { matrix: [[0]] }, { matrix: [[0, 1], [0, 0]], ops: null }]) {
      expect(isValidCell(bad)).toBe(false);
    }
    expect(isValidCell(chain)).toBe(true);
  });
});
