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
