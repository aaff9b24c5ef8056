// The NAS-Bench-201 macro network's wiring (Dong & Yang 2020, Fig 1), written once over an
// abstract value so the same walk computes tensors (the supernet's forward pass) and the set of
// weights a cell's loss depends on (its training path). No weights or tensors live here.
import { NB201_EDGES, NB201_NODES, type Nb201Cell, type Nb201Op } from '../spaces/nasbench201/cell';

/** The three stages of the macro network (their channels are C, 2C, 4C). */
export const NB201_STAGES = 3;

/** An edge operation that computes something (`none` contributes nothing and is never applied). */
export type ComputingOp = Exclude<Nb201Op, 'none'>;

/**
 * What the walk does at each part of the network. A value is `null` where the network holds an
 * all-zero map that no weight produced (a node whose every input edge is `none`); ops that act on
 * it decide whether that stays nothing (skip, pooling) or becomes a computed map (a convolution
 * followed by batch norm is not zero: it outputs β).
 */
export interface NetworkAlgebra<V, H = V> {
  /** The stem (3×3 conv, batch norm) on the input images. */
  stem(): V;
  /** Edge op `op` on edge `edgeIndex` of the cell at `stage` (weights under `prefix`, e.g. `s0c1.e3`) on a node's value. */
  edge(op: ComputingOp, prefix: string, stage: number, input: V | null, edgeIndex: number): V | null;
  /** The sum of a node's incoming edges (at least one term). */
  sum(terms: V[]): V;
  /** The residual reduction block before `stage` (1 or 2), weights under `r<stage>`. */
  reduction(stage: number, input: V | null): V;
  /** Last batch norm + ReLU, global average pooling and the classifier. */
  head(input: V | null): H;
}

/**
 * Which nodes of a cell matter: node 3 (the output) and every node with a non-`none` edge to a
 * node that matters. Edges into nodes that do not matter are never computed: they cannot change
 * the output, so they would only cost time.
 */
export function liveNodes(cell: Nb201Cell): boolean[] {
  const live = new Array<boolean>(NB201_NODES).fill(false);
  live[NB201_NODES - 1] = true;
  for (let node = NB201_NODES - 2; node >= 0; node--) {
    live[node] = NB201_EDGES.some(([from, to], e) => from === node && live[to] && cell.ops[e] !== 'none');
  }
  return live;
}

/** One cell (weights under `prefix`) on its input: node j is the sum of its computed incoming edges. */
export function walkCell<V>(cell: Nb201Cell, prefix: string, stage: number, input: V | null, algebra: NetworkAlgebra<V, unknown>): V | null {
  const live = liveNodes(cell);
  const nodes: (V | null)[] = [input];
  for (let node = 1; node < NB201_NODES; node++) {
    const terms: V[] = [];
    if (live[node]) {
      NB201_EDGES.forEach(([from, to], e) => {
        const op = cell.ops[e];
        if (to !== node || op === 'none') return;
        const value = algebra.edge(op, `${prefix}.e${e}`, stage, nodes[from], e);
        if (value !== null) terms.push(value);
      });
    }
    nodes.push(terms.length === 0 ? null : algebra.sum(terms));
  }
  return nodes[NB201_NODES - 1];
}

/**
 * The whole network for `cell`: stem; three stages of `cellsPerStage` copies of the cell (each
 * copy with its own weights, `s<stage>c<i>`), a residual reduction block between stages; head.
 */
export function walkNetwork<V, H>(cell: Nb201Cell, cellsPerStage: number, algebra: NetworkAlgebra<V, H>): H {
  let value: V | null = algebra.stem();
  for (let stage = 0; stage < NB201_STAGES; stage++) {
    if (stage > 0) value = algebra.reduction(stage, value);
    for (let i = 0; i < cellsPerStage; i++) value = walkCell(cell, `s${stage}c${i}`, stage, value, algebra);
  }
  return algebra.head(value);
}
