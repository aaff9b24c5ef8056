// Human-readable attributes of a NAS-Bench-101 cell (ops per position, size, depth, width, skip,
// op counts, params, FLOPs) as one flat record, for traversals and disentanglement scores.
// Describes a cell only: no hashing, no relabelling, no benchmark lookups.
import { countEdges, INNER_OPS, MAX_VERTICES, validateCell, type Cell, type InnerOp } from './cell';
import { networkFlopsM, networkParams } from './cost';

/** Value of an op-position attribute: the inner op there, or 'none' when the pruned cell is shorter. */
export type PositionOp = InnerOp | 'none';

/**
 * The attributes of one cell, all computed on the PRUNED cell in its given vertex order.
 * A flat record of numbers, strings and booleans, so generic analysis code can treat every
 * attribute alike (a type alias, not an interface, so it is assignable to `Record<string, …>`).
 */
export type CellAttributes = {
  /** Op of inner vertex 1..5 of the pruned cell; 'none' past its last inner vertex. */
  readonly op1: PositionOp;
  readonly op2: PositionOp;
  readonly op3: PositionOp;
  readonly op4: PositionOp;
  readonly op5: PositionOp;
  /** Vertices of the pruned cell, input and output included (2–7). */
  readonly vertices: number;
  /** Edges of the pruned cell (1–9). */
  readonly edges: number;
  /** Edges on the longest input→output path (1–6): the number of "layers" the cell stacks. */
  readonly depth: number;
  /** Most vertices sharing one level, level(v) = longest input→v path in edges (see `vertexLevels`). */
  readonly width: number;
  /** Whether the input feeds the output directly (the skip connection; a 1×1 projection in the network). */
  readonly inputToOutput: boolean;
  /** Number of inner vertices with each op. */
  readonly numConv3x3: number;
  readonly numConv1x1: number;
  readonly numMaxpool: number;
  /** Trainable parameters of the NAS-Bench-101 network built from the cell (`networkParams`). */
  readonly params: number;
  /** FLOPs of that network in millions, multiply-accumulates (`networkFlopsM`, convention 'macs'). */
  readonly flopsM: number;
};

/** Every attribute name, in the order `cellAttributes` fills the record. */
export const CELL_ATTRIBUTE_NAMES: readonly (keyof CellAttributes)[] = [
  'op1', 'op2', 'op3', 'op4', 'op5', 'vertices', 'edges', 'depth', 'width', 'inputToOutput',
  'numConv3x3', 'numConv1x1', 'numMaxpool', 'params', 'flopsM',
];

/**
 * The attributes that are not functions of the others: ops per position and the graph's shape.
 * The op counts follow from op1..op5, and params/FLOPs from the whole cell, so a score that
 * counts how many attributes changed (traversal purity) should use this list: with all
 * attributes, converting one op always "changes" four (the op, two counts, params/FLOPs).
 */
export const CELL_PRIMARY_ATTRIBUTE_NAMES: readonly (keyof CellAttributes)[] = [
  'op1', 'op2', 'op3', 'op4', 'op5', 'vertices', 'edges', 'depth', 'width', 'inputToOutput',
];

/** Inner vertex positions of the largest cell (1..5). */
const INNER_POSITIONS = MAX_VERTICES - 2;

/**
 * The attributes of a cell. It is validated and pruned first; everything is then computed on
 * the pruned cell AS GIVEN, without relabelling: op positions are its vertex indices, and
 * params depend on vertex order (see cost.ts `vertexChannels`), so pass the cell in
 * NAS-Bench-101's stored order (as `SearchSpace.decode` hands it out) to get the benchmark's
 * parameter count, or the cell as decoded from tokens to keep positions = token columns.
 * @param cell a valid NAS-Bench-101 cell, pruned or not.
 * @throws InvalidCellError when the cell is not a valid NAS-Bench-101 cell.
 */
export function cellAttributes(cell: Cell): CellAttributes {
  const pruned = validateCell(cell).pruned;
  const n = pruned.ops.length;
  const levels = vertexLevels(pruned.matrix);
  const positionOp = (p: number): PositionOp => (p < n - 1 ? (pruned.ops[p] as InnerOp) : 'none');
  const count = (op: InnerOp): number => pruned.ops.filter((o) => o === op).length;
  const [conv3x3, conv1x1, maxpool] = INNER_OPS;
  const ops = Array.from({ length: INNER_POSITIONS }, (_, i) => positionOp(i + 1));
  return {
    op1: ops[0],
    op2: ops[1],
    op3: ops[2],
    op4: ops[3],
    op5: ops[4],
    vertices: n,
    edges: countEdges(pruned.matrix),
    depth: levels[n - 1],
    width: maxLevelCount(levels),
    inputToOutput: pruned.matrix[0][n - 1] === 1,
    numConv3x3: count(conv3x3),
    numConv1x1: count(conv1x1),
    numMaxpool: count(maxpool),
    params: networkParams(pruned),
    flopsM: networkFlopsM(pruned),
  };
}

/**
 * Level of every vertex: the number of edges on the longest path from the input (vertex 0) to
 * it; the output's level is the cell's depth. Vertices the input cannot reach get level 0
 * (none in a pruned cell). Used for `depth`, `width` and to lay cells out in figures.
 * @param matrix an upper-triangular adjacency matrix (not validated: vertex order is topological).
 * @returns one level per vertex.
 */
export function vertexLevels(matrix: readonly (readonly number[])[]): number[] {
  const n = matrix.length;
  const levels = new Array<number>(n).fill(0);
  const reached = new Array<boolean>(n).fill(false);
  reached[0] = true;
  for (let w = 1; w < n; w++) {
    for (let v = 0; v < w; v++) {
      if (matrix[v][w] && reached[v]) {
        reached[w] = true;
        levels[w] = Math.max(levels[w], levels[v] + 1);
      }
    }
  }
  return levels;
}

/** Largest number of vertices sharing a level (input and output included, so ≥ 1). */
function maxLevelCount(levels: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const level of levels) counts.set(level, (counts.get(level) ?? 0) + 1);
  return Math.max(...counts.values());
}
