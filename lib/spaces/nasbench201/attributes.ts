// Human-readable attributes of a NAS-Bench-201 cell (op per edge, op counts, depth, degenerate,
// params, FLOPs) as one flat record, for traversals and disentanglement scores. Describes only.
import { isDegenerateNb201Cell, NB201_EDGES, type Nb201Cell, type Nb201Op } from './cell';
import { networkFlopsM, networkParams, type Nb201Dataset } from './cost';

/** The attributes of one cell (a type alias, so it is assignable to `Record<string, …>`). */
export type Nb201CellAttributes = {
  /** Op on each edge, named `e<from>to<to>`. */
  readonly e0to1: Nb201Op;
  readonly e0to2: Nb201Op;
  readonly e1to2: Nb201Op;
  readonly e0to3: Nb201Op;
  readonly e1to3: Nb201Op;
  readonly e2to3: Nb201Op;
  /** Edges carrying each op. */
  readonly numConv3x3: number;
  readonly numConv1x1: number;
  readonly numAvgPool: number;
  readonly numSkip: number;
  readonly numNone: number;
  /** Edges on the longest input→output path of non-`none` edges (1–3); 0 for a degenerate cell. */
  readonly depth: number;
  /** No input→output path (see isDegenerateNb201Cell). */
  readonly degenerate: boolean;
  /** Trainable parameters of the data set's network (`networkParams`). */
  readonly params: number;
  /** FLOPs of that network in millions (`networkFlopsM`). */
  readonly flopsM: number;
};

/** Attribute name of each edge, in edge order. */
export const NB201_EDGE_ATTRIBUTE_NAMES = NB201_EDGES.map(([from, to]) => `e${from}to${to}`) as readonly (keyof Nb201CellAttributes)[];

/** Every attribute name, in the order `nb201CellAttributes` fills the record. */
export const NB201_ATTRIBUTE_NAMES: readonly (keyof Nb201CellAttributes)[] = [
  ...NB201_EDGE_ATTRIBUTE_NAMES, 'numConv3x3', 'numConv1x1', 'numAvgPool', 'numSkip', 'numNone', 'depth', 'degenerate', 'params', 'flopsM',
];

/**
 * The attributes that are not functions of the others: the six edge ops. Counts, depth,
 * degeneracy and costs all follow from them, so traversal purity and MIG compare only these
 * (as NAS-Bench-101's primary list holds positions and shape, not counts).
 */
export const NB201_PRIMARY_ATTRIBUTE_NAMES: readonly (keyof Nb201CellAttributes)[] = NB201_EDGE_ATTRIBUTE_NAMES;

/** The attributes of a cell for `dataset`'s network (costs differ per data set; the rest does not). */
export function nb201CellAttributes(cell: Nb201Cell, dataset: Nb201Dataset = 'cifar10'): Nb201CellAttributes {
  const count = (op: Nb201Op): number => cell.ops.filter((o) => o === op).length;
  const [e0to1, e0to2, e1to2, e0to3, e1to3, e2to3] = cell.ops;
  return {
    e0to1, e0to2, e1to2, e0to3, e1to3, e2to3,
    numConv3x3: count('nor_conv_3x3'),
    numConv1x1: count('nor_conv_1x1'),
    numAvgPool: count('avg_pool_3x3'),
    numSkip: count('skip_connect'),
    numNone: count('none'),
    depth: longestPath(cell),
    degenerate: isDegenerateNb201Cell(cell),
    params: networkParams(cell, dataset),
    flopsM: networkFlopsM(cell, dataset),
  };
}

/** Longest input→output path over non-`none` edges, in edges; 0 when the output is not reached. */
function longestPath(cell: Nb201Cell): number {
  const level = [0, -1, -1, -1];
  NB201_EDGES.forEach(([from, to], e) => {
    if (level[from] >= 0 && cell.ops[e] !== 'none') level[to] = Math.max(level[to], level[from] + 1);
  });
  return Math.max(level[3], 0);
}
