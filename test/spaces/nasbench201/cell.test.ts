// Tests of the NAS-Bench-201 cell: official string parse/format, the checked constructor and the
// degenerate-cell check. Literal cells only; the real tables are exercised in cost/csv tests.
import { describe, expect, it } from 'vitest';
import {
  formatNb201Cell,
  InvalidNb201CellError,
  isDegenerateNb201Cell,
  NB201_EDGES,
  NB201_OPS,
  nb201Cell,
  parseNb201Cell,
  type Nb201Op,
} from '../../../lib/spaces/nasbench201/cell';

// Row 1 of the real CIFAR-10 table: every op but none appears, so parse must place each one right.
const ROW1 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const ALL_NONE = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';

/** A cell with `op` on the listed edge indices (into NB201_EDGES) and none elsewhere. */
function withEdges(op: Nb201Op, edges: number[]) {
  return nb201Cell(NB201_EDGES.map((_, e) => (edges.includes(e) ? op : 'none')));
}

describe('parseNb201Cell / formatNb201Cell', () => {
  it('parses the official string into ops in edge order 0→1, 0→2, 1→2, 0→3, 1→3, 2→3', () => {
    expect(parseNb201Cell(ROW1).ops).toEqual(['nor_conv_3x3', 'nor_conv_3x3', 'avg_pool_3x3', 'skip_connect', 'nor_conv_3x3', 'skip_connect']);
  });

  it('formats back to the same string for literal cells', () => {
    // All none (degenerate), a real row, and one with each op on a distinct edge.
    const mixed = '|skip_connect~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|avg_pool_3x3~0|none~1|skip_connect~2|';
    for (const text of [ALL_NONE, ROW1, mixed]) expect(formatNb201Cell(parseNb201Cell(text))).toBe(text);
  });

  it('formats a cell built from ops into the string the table uses as key', () => {
    expect(formatNb201Cell(nb201Cell(['none', 'none', 'none', 'none', 'none', 'none']))).toBe(ALL_NONE);
  });

  // One test per rule, each expecting its own message (string and what is wrong).
  it('rejects a string without 3 node groups', () => {
    const two = '|none~0|+|none~0|none~1|';
    expect(() => parseNb201Cell(two)).toThrow(InvalidNb201CellError);
    expect(() => parseNb201Cell(two)).toThrow(`not a NAS-Bench-201 cell string: ${JSON.stringify(two)}: 2 node groups (expected 3 joined by '+')`);
  });
  it('rejects a node group that does not start and end with |', () => {
    // The last '|' dropped, as a truncated copy would leave it.
    const text = ALL_NONE.slice(0, -1);
    expect(() => parseNb201Cell(text)).toThrow(`node 3 group "|none~0|none~1|none~2" must start and end with '|'`);
  });
  it('rejects a node with the wrong number of inputs', () => {
    // Node 2 lists only one input.
    expect(() => parseNb201Cell('|none~0|+|none~0|+|none~0|none~1|none~2|')).toThrow('node 2 has 1 inputs (expected 2)');
  });
  it('rejects an input index out of order', () => {
    expect(() => parseNb201Cell('|none~0|+|none~1|none~0|+|none~0|none~1|none~2|')).toThrow('node 2 input "none~1" (expected op~0)');
  });
  it('rejects an input entry with more than one ~', () => {
    expect(() => parseNb201Cell('|none~0~0|+|none~0|none~1|+|none~0|none~1|none~2|')).toThrow('node 1 input "none~0~0" (expected op~0)');
  });
  it('rejects an unknown op', () => {
    // NAS-Bench-101's op name is the likely slip.
    expect(() => parseNb201Cell('|conv3x3-bn-relu~0|+|none~0|none~1|+|none~0|none~1|none~2|')).toThrow(
      `unknown op "conv3x3-bn-relu" (expected one of ${NB201_OPS.join(', ')})`,
    );
  });
});

describe('nb201Cell', () => {
  it('copies the ops so later edits of the input do not reach the cell', () => {
    const ops = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3', 'none'];
    const cell = nb201Cell(ops);
    ops[0] = 'skip_connect';
    expect(cell.ops[0]).toBe('none');
  });
  it('rejects a length other than 6', () => {
    expect(() => nb201Cell(['none', 'none'])).toThrow(InvalidNb201CellError);
    expect(() => nb201Cell(['none', 'none'])).toThrow('a NAS-Bench-201 cell has 6 edge ops: got 2');
  });
  it('rejects something that is not an array, naming its type', () => {
    expect(() => nb201Cell('none' as unknown as string[])).toThrow('a NAS-Bench-201 cell has 6 edge ops: got string');
  });
  it('rejects an unknown op, naming the edge and the value', () => {
    expect(() => nb201Cell(['none', 'none', 'none', 'conv', 'none', 'none'])).toThrow(
      `edge 3: unknown op "conv" (expected one of ${NB201_OPS.join(', ')})`,
    );
  });
});

describe('isDegenerateNb201Cell', () => {
  // Edge indices: 0: 0→1, 1: 0→2, 2: 1→2, 3: 0→3, 4: 1→3, 5: 2→3.
  it('marks the all-none cell degenerate', () => {
    expect(isDegenerateNb201Cell(parseNb201Cell(ALL_NONE))).toBe(true);
  });
  it('does not mark a cell whose only non-none edge is 0→3', () => {
    expect(isDegenerateNb201Cell(withEdges('nor_conv_3x3', [3]))).toBe(false);
  });
  it('does not mark a cell connected only through 0→1→3', () => {
    expect(isDegenerateNb201Cell(withEdges('skip_connect', [0, 4]))).toBe(false);
  });
  it('marks a cell with 0→1 and 2→3 but neither 1→2 nor 0→2 degenerate', () => {
    // Both ends touched, but node 2 is never reached from the input.
    expect(isDegenerateNb201Cell(withEdges('nor_conv_3x3', [0, 5]))).toBe(true);
  });
  it('counts an avg_pool path as connected (only none cuts an edge)', () => {
    expect(isDegenerateNb201Cell(withEdges('avg_pool_3x3', [1, 5]))).toBe(false);
  });
  it('marks a cell whose non-none edges all leave nodes the input does not reach', () => {
    // 1→2, 1→3, 2→3 are live but node 1 has no input.
    expect(isDegenerateNb201Cell(withEdges('nor_conv_1x1', [2, 4, 5]))).toBe(true);
  });
});
