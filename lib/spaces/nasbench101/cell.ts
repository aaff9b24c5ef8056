// The NAS-Bench-101 cell: its operations, validation with precise errors, and pruning
// exactly as NAS-Bench-101's ModelSpec does it. Pure data: no hashing, costs or I/O here.

/** Vertex operations of NAS-Bench-101, in the order of the official label numbers. */
export const OPS = ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'output'] as const;
/** One vertex operation. */
export type Op = (typeof OPS)[number];
/** The operations an inner (non input/output) vertex may take. */
export const INNER_OPS = ['conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3'] as const;
/** One inner-vertex operation. */
export type InnerOp = (typeof INNER_OPS)[number];

/** NAS-Bench-101 limits (nasbench/lib/config.py: module_vertices = 7, max_edges = 9). */
export const MAX_VERTICES = 7;
export const MAX_EDGES = 9;

/** A cell: `matrix[i][j] = 1` is an edge i → j (upper-triangular), `ops[i]` is vertex i's op. */
export interface Cell {
  readonly matrix: readonly (readonly number[])[];
  readonly ops: readonly Op[];
}

/** A validated cell: the cell as given and the cell NAS-Bench-101 actually trains. */
export interface PrunedCell {
  /** The cell exactly as given (may hold vertices off every input→output path). */
  readonly original: Cell;
  /** The cell with those vertices removed; this is what the benchmark hashes and trains. */
  readonly pruned: Cell;
}

/** Thrown for a cell that is not a valid NAS-Bench-101 cell; the message names value and limit. */
export class InvalidCellError extends Error {
  override name = 'InvalidCellError';
}

/**
 * Validate a cell given as `{matrix, ops}` (e.g. parsed JSON) and prune it.
 * Rules, in the order checked: shapes (square matrix, one op per vertex, 2–7 vertices),
 * 0/1 entries, strictly upper-triangular, known ops with `input` first and `output` last,
 * an input→output path, and at most 9 edges after pruning (NAS-Bench-101 counts the
 * pruned cell, so an unpruned matrix may carry dangling extras).
 * @throws InvalidCellError naming the broken rule, the offending value and the limit.
 */
export function validateCell(spec: unknown): PrunedCell {
  const original = checkShape(spec);
  const pruned = pruneCell(original);
  if (pruned === null) throw new InvalidCellError('no path from input (vertex 0) to output (last vertex)');
  const edges = countEdges(pruned.matrix);
  if (edges > MAX_EDGES) {
    throw new InvalidCellError(`too many edges after pruning: got ${edges} (max ${MAX_EDGES})`);
  }
  return { original, pruned };
}

/** True when `validateCell(spec)` would succeed. Never throws. */
export function isValidCell(spec: unknown): boolean {
  try {
    validateCell(spec);
    return true;
  } catch {
    return false;
  }
}

/** Number of edges (ones) in an adjacency matrix. */
export function countEdges(matrix: readonly (readonly number[])[]): number {
  let edges = 0;
  for (const row of matrix) for (const x of row) edges += x;
  return edges;
}

/**
 * Remove every vertex that is not on some input→output path (NAS-Bench-101's
 * `ModelSpec._prune`). Returns null when input cannot reach output. Input must be
 * shape-checked (see `validateCell`).
 */
export function pruneCell(cell: Cell): Cell | null {
  const n = cell.ops.length;
  const fromInput = reach(n, 0, (v, w) => cell.matrix[v][w] === 1);
  const toOutput = reach(n, n - 1, (v, w) => cell.matrix[w][v] === 1);
  if (!fromInput[n - 1]) return null;
  const keep: number[] = [];
  for (let v = 0; v < n; v++) if (fromInput[v] && toOutput[v]) keep.push(v);
  if (keep.length === n) return cell;
  return {
    matrix: keep.map((v) => keep.map((w) => cell.matrix[v][w])),
    ops: keep.map((v) => cell.ops[v]),
  };
}

/** Vertices reachable from `start` along `edge(v, w)`. */
function reach(n: number, start: number, edge: (v: number, w: number) => boolean): boolean[] {
  const seen = new Array<boolean>(n).fill(false);
  const stack = [start];
  seen[start] = true;
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let w = 0; w < n; w++) {
      if (!seen[w] && edge(v, w)) {
        seen[w] = true;
        stack.push(w);
      }
    }
  }
  return seen;
}

/** Check everything about a cell that does not need graph search. */
function checkShape(spec: unknown): Cell {
  if (typeof spec !== 'object' || spec === null) {
    throw new InvalidCellError(`a cell must be an object {matrix, ops}: got ${JSON.stringify(spec)}`);
  }
  const { matrix, ops } = spec as { matrix?: unknown; ops?: unknown };
  if (!Array.isArray(matrix)) throw new InvalidCellError(`matrix must be an array of rows: got ${JSON.stringify(matrix)}`);
  if (!Array.isArray(ops)) throw new InvalidCellError(`ops must be an array of op names: got ${JSON.stringify(ops)}`);
  const n = matrix.length;
  if (n < 2 || n > MAX_VERTICES) {
    throw new InvalidCellError(`matrix must have 2 to ${MAX_VERTICES} vertices: got ${n}`);
  }
  if (ops.length !== n) throw new InvalidCellError(`ops must have one entry per vertex: got ${ops.length} ops for ${n} vertices`);
  matrix.forEach((row, i) => checkRow(row, i, n));
  ops.forEach((op, i) => checkOp(op, i, n));
  return { matrix: matrix as number[][], ops: ops as Op[] };
}

function checkRow(row: unknown, i: number, n: number): void {
  if (!Array.isArray(row) || row.length !== n) {
    throw new InvalidCellError(`matrix is not square: row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries (expected ${n})`);
  }
  row.forEach((x, j) => {
    if (x !== 0 && x !== 1) throw new InvalidCellError(`matrix[${i}][${j}] must be 0 or 1: got ${JSON.stringify(x)}`);
    if (x === 1 && j <= i) {
      throw new InvalidCellError(`matrix is not strictly upper-triangular: matrix[${i}][${j}] = 1 (edges must go from a lower to a higher vertex)`);
    }
  });
}

function checkOp(op: unknown, i: number, n: number): void {
  const expected = i === 0 ? 'input' : i === n - 1 ? 'output' : null;
  if (expected !== null && op !== expected) {
    throw new InvalidCellError(`ops[${i}] must be '${expected}': got ${JSON.stringify(op)}`);
  }
  if (expected === null && !(INNER_OPS as readonly unknown[]).includes(op)) {
    throw new InvalidCellError(`unknown op at ops[${i}]: got ${JSON.stringify(op)} (allowed: ${INNER_OPS.join(', ')})`);
  }
}
