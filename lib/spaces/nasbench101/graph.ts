// Pure graph functions on NAS-Bench-101 cells: the official graph hash (hash_module).
// No validation here: callers pass cells that validateCell/pruneCell produced.
import { createHash } from 'node:crypto';
import type { Cell, Op } from './cell';

/** Labels hash_module gives each op (nasbench/lib/graph_util.py; input −1, output −2). */
const HASH_LABEL: Record<Op, number> = {
  input: -1,
  'conv3x3-bn-relu': 0,
  'conv1x1-bn-relu': 1,
  maxpool3x3: 2,
  output: -2,
};

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * NAS-Bench-101's graph hash of a (pruned) cell, bit for bit: each vertex starts from
 * md5 of Python's `str((out_degree, in_degree, label))`, then for `n` rounds becomes md5 of
 * its sorted in-neighbour hashes, '|', sorted out-neighbour hashes, '|', its own hash; the
 * fingerprint is md5 of Python's `str(sorted(hashes))`. Isomorphic cells hash equal.
 * @param cell a pruned cell (hashing an unpruned one gives a hash the benchmark never uses).
 * @returns 32 lowercase hex characters.
 */
export function hashCell(cell: Cell): string {
  const n = cell.ops.length;
  const m = cell.matrix;
  let hashes: string[] = [];
  for (let v = 0; v < n; v++) {
    let inDegree = 0;
    let outDegree = 0;
    for (let w = 0; w < n; w++) {
      inDegree += m[w][v];
      outDegree += m[v][w];
    }
    hashes.push(md5(`(${outDegree}, ${inDegree}, ${HASH_LABEL[cell.ops[v]]})`));
  }
  for (let round = 0; round < n; round++) {
    const next: string[] = [];
    for (let v = 0; v < n; v++) {
      const inbound: string[] = [];
      const outbound: string[] = [];
      for (let w = 0; w < n; w++) {
        if (m[w][v]) inbound.push(hashes[w]);
        if (m[v][w]) outbound.push(hashes[w]);
      }
      next.push(md5(`${inbound.sort().join('')}|${outbound.sort().join('')}|${hashes[v]}`));
    }
    hashes = next;
  }
  const sorted = hashes.slice().sort();
  return md5(`[${sorted.map((h) => `'${h}'`).join(', ')}]`);
}

/** Label of an inner op in generate_graphs.py's labeling loop (its `available_ops` order). */
const GENERATION_LABEL: Partial<Record<Op, number>> = { 'conv3x3-bn-relu': 0, 'conv1x1-bn-relu': 1, maxpool3x3: 2 };

/** All orderings of `items` (inner vertices: at most 5! = 120). */
export function permutations(items: readonly number[]): number[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/**
 * Position of a labelled cell in nasbench/scripts/generate_graphs.py's loop over n-vertex
 * cells: the edge bitmask first (edge x→y is bit x + y(y−1)/2), then the inner op labels
 * read as a base-3 number, first inner vertex most significant (itertools.product order).
 */
export function generationRank(cell: Cell): number {
  const n = cell.ops.length;
  let bits = 0;
  for (let y = 1; y < n; y++) for (let x = 0; x < y; x++) if (cell.matrix[x][y]) bits += 2 ** (x + (y * (y - 1)) / 2);
  let labels = 0;
  for (let v = 1; v < n - 1; v++) labels = labels * 3 + (GENERATION_LABEL[cell.ops[v]] ?? 0);
  return bits * 3 ** (n - 2) + labels;
}

/**
 * The vertex order NAS-Bench-101 stores for this cell's graph: among the relabellings of the
 * inner vertices that keep the matrix upper-triangular, the one generate_graphs.py meets
 * first (lowest `generationRank`). The hash does not depend on vertex order but the network
 * does: the channel-splitting rule gives leftover channels to the lowest-numbered vertices,
 * so parameter counts match the benchmark's only in this order.
 * @param cell a pruned cell.
 */
export function benchmarkLabelling(cell: Cell): Cell {
  const n = cell.ops.length;
  let best = cell;
  let bestRank = Infinity;
  for (const inner of permutations(Array.from({ length: n - 2 }, (_, i) => i + 1))) {
    const order = [0, ...inner, n - 1];
    const matrix = order.map((i) => order.map((j) => cell.matrix[i][j]));
    if (matrix.some((row, i) => row.some((x, j) => x === 1 && j <= i))) continue;
    const candidate: Cell = { matrix, ops: order.map((i) => cell.ops[i]) };
    const rank = generationRank(candidate);
    if (rank < bestRank) [best, bestRank] = [candidate, rank];
  }
  return best;
}
