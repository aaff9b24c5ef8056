// A NAS-Bench-201 cell (one op on each of six edges) as a vertex-labelled DAG, so the cell drawing of
// NAS-Bench-101 (cell-graph.ts) draws it: each edge becomes a vertex holding its op, between the
// input, the two inner nodes' sums and the output (the node-labelled form arch2vec uses). Every cell
// has the same eight vertices and edges; 'none' vertices are drawn as they are, so a change of op is
// always a changed vertex and nothing else.
import { NB201_EDGES, type Nb201Cell } from '../../spaces/nasbench201/cell';
import type { LabelledDag } from './cell-graph';

/**
 * The DAG of `cell`: vertices [input, op of edge 0, …, op of edge 5, output]. The op of edge (i → j)
 * feeds every op vertex leaving node j (node j is the sum of the ops entering it), or the output when j = 3.
 */
export function nb201Dag(cell: Nb201Cell): LabelledDag {
  const n = NB201_EDGES.length + 2;
  const out = n - 1;
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  NB201_EDGES.forEach(([from, to], e) => {
    const vertex = e + 1;
    if (from === 0) matrix[0][vertex] = 1;
    if (to === 3) matrix[vertex][out] = 1;
    // The ops leaving node `to` take this op's output (summed with the node's other inputs).
    NB201_EDGES.forEach(([next], f) => {
      if (next === to) matrix[vertex][f + 1] = 1;
    });
  });
  return { matrix, ops: ['input', ...cell.ops, 'output'] };
}
