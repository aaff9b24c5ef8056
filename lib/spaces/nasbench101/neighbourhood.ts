// The one-edit neighbourhood of a NAS-Bench-101 cell (local search): every op change and every
// edge flip of the pruned cell, as candidates. Generates only: validity and hashing are the caller's.
import { INNER_OPS, type Cell, type Op } from './cell';

/**
 * The cells one edit away from a pruned cell, as naszilla's `get_neighborhood` builds them: each
 * inner vertex's op replaced by each of the other two ops, then each upper-triangle entry of the
 * adjacency matrix flipped. Candidates may be invalid (no input→output path, more than 9 edges) or
 * prune to the same graph as another candidate; the search space filters and deduplicates them.
 * Vertices are not added: on a pruned cell a single edge to a new vertex would be pruned away again.
 * @param cell a pruned, valid cell (not checked here).
 */
export function neighbourCandidates(cell: Cell): Cell[] {
  const n = cell.ops.length;
  const out: Cell[] = [];
  for (let v = 1; v < n - 1; v++) {
    for (const op of INNER_OPS) {
      if (op === cell.ops[v]) continue;
      const ops = [...cell.ops] as Op[];
      ops[v] = op;
      out.push({ matrix: cell.matrix, ops });
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const matrix = cell.matrix.map((row) => [...row]);
      matrix[i][j] = 1 - matrix[i][j];
      out.push({ matrix, ops: cell.ops });
    }
  }
  return out;
}
