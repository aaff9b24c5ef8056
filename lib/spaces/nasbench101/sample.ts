// Random cells of NAS-Bench-101: uniform over unique cells, nasbench's random_spec, and the
// regularized-evolution mutation. All randomness through Rng; no search loop or benchmark here.
import type { Rng } from '../../random';
import { INNER_OPS, InvalidCellError, MAX_VERTICES, validateCell, type Cell, type Op, type PrunedCell } from './cell';
import { hashCell } from './graph';
import type { Nasbench101Space } from './space';

/** Options for `mutateCell`. */
export interface MutateOptions {
  /**
   * Expected number of edge flips and of op changes, scaled (nasbench's example notebook and
   * NASLib: mutation_rate = 1.0; edge flip probability rate / 7, op change probability rate / 5).
   */
  mutationRate?: number;
  /** Give up after this many invalid or parent-identical draws (default 10,000; a guard, never hit at rate ≥ 0.1). */
  maxAttempts?: number;
  /**
   * The parent's graph hash (`hashCell` of its pruned form) when the caller already knows it,
   * e.g. from the space's key memo; saves hashing the parent again (~50 µs). Trusted, not checked.
   */
  parentHash?: string;
  /** The graph hash function (default hashCell); a memo (hash-memo.ts) makes repeated children cheap. */
  hash?: (pruned: Cell) => string;
}

/** A mutated cell and the graph hash `mutateCell` computed for it anyway, so nobody hashes it again. */
export interface MutatedCell extends PrunedCell {
  /** `hashCell(pruned)`: the NAS-Bench-101 table key of the child. */
  readonly hash: string;
}

/** Inner op slots of a full 7-vertex cell (nasbench's OP_SPOTS). */
const OP_SPOTS = MAX_VERTICES - 2;

/**
 * A cell drawn uniformly from the 423,624 unique cells (each graph hash equally likely),
 * the sampling the DNAS/VAENAS baselines call "random search over the space".
 * @returns the pruned cell, as the benchmark stores it.
 */
export function sampleUniformCell(space: Nasbench101Space, rng: Rng): Cell {
  return space.cellAt(sampleUniformIndex(space, rng));
}

/**
 * The draw behind `sampleUniformCell` as an index of the space (same stream, same result), for
 * callers that also want the cell's stored hash (`space.hashAt(index)`) without hashing it.
 */
export function sampleUniformIndex(space: Nasbench101Space, rng: Rng): number {
  return rng.int(space.size);
}

/**
 * nasbench's `random_spec` (NAS-Bench-101 example notebook): a 7×7 upper-triangular matrix
 * with each entry 1 with probability 0.5 and a uniform op on each inner vertex, redrawn until
 * valid. Not uniform over unique cells: small, heavily pruned cells are over-represented.
 * @returns the 7×7 draw (`original`) and the cell it prunes to (`pruned`).
 */
export function sampleRandomSpec(rng: Rng): PrunedCell {
  for (;;) {
    const matrix = Array.from({ length: MAX_VERTICES }, (_, i) =>
      Array.from({ length: MAX_VERTICES }, (_, j) => (j > i ? rng.int(2) : 0)),
    );
    const inner = Array.from({ length: OP_SPOTS }, () => rng.choice(INNER_OPS) as Op);
    const candidate = tryValidate({ matrix, ops: ['input', ...inner, 'output'] });
    if (candidate !== null) return candidate;
  }
}

/**
 * Mutate a cell as regularized evolution does in nasbench's example notebook and NASLib
 * (`mutate_spec`): on the 7×7 form, flip each upper-triangle edge with probability rate / 7
 * ("in expectation, V edges flipped") and move each inner op with probability rate / 5 to a
 * different op; redraw until the result is valid and its graph hash differs from the parent's.
 * A cell with fewer than 7 vertices is first padded to 7: its inner vertices keep their
 * order, output moves to vertex 6, and the new vertices are unconnected (so pruned away)
 * with ops drawn uniformly once per call; a flip may then connect them, as it would have
 * in the unpruned 7-vertex original.
 * @param cell parent: pruned or unpruned, any size 2–7 (validated).
 * @returns the child's 7×7 form (`original`, mutate it again for the next generation), its
 *   pruned cell and that cell's graph hash (hashed once, in the differs-from-parent check).
 * @throws InvalidCellError for an invalid parent; RangeError for mutationRate ≤ 0 or not
 *   finite; Error when maxAttempts draws give no valid, different child.
 */
export function mutateCell(cell: Cell, rng: Rng, options: MutateOptions = {}): MutatedCell {
  const rate = options.mutationRate ?? 1.0;
  const maxAttempts = options.maxAttempts ?? 10_000;
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`mutationRate must be a finite number > 0: got ${rate}`);
  const parent = validateCell(cell);
  const hash = options.hash ?? hashCell;
  const parentHash = options.parentHash ?? hash(parent.pruned);
  const base = padToFull(parent.original, rng);
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const child = tryValidate(mutateOnce(base, rng, rate));
    if (child === null) continue;
    const childHash = hash(child.pruned);
    if (childHash !== parentHash) return { ...child, hash: childHash };
  }
  throw new Error(`no valid child differing from parent ${parentHash} after ${maxAttempts} attempts (mutationRate ${rate})`);
}

/** One pass of mutate_spec's edge flips and op changes over a 7×7 cell. */
function mutateOnce(base: Cell, rng: Rng, rate: number): Cell {
  const edgeProb = rate / MAX_VERTICES;
  const opProb = rate / OP_SPOTS;
  const matrix = base.matrix.map((row, i) => row.map((x, j) => (j > i && rng.bernoulli(edgeProb) ? 1 - x : x)));
  const ops = base.ops.map((op, v) => {
    if (v === 0 || v === MAX_VERTICES - 1 || !rng.bernoulli(opProb)) return op;
    return rng.choice(INNER_OPS.filter((o) => o !== op)) as Op;
  });
  return { matrix, ops };
}

/** The cell on 7 vertices: inner vertices stay 1..n−2, output goes to 6, new vertices are isolated. */
function padToFull(cell: Cell, rng: Rng): Cell {
  const n = cell.ops.length;
  if (n === MAX_VERTICES) return cell;
  const at = (v: number): number => (v === n - 1 ? MAX_VERTICES - 1 : v);
  const matrix = Array.from({ length: MAX_VERTICES }, () => new Array<number>(MAX_VERTICES).fill(0));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) matrix[at(i)][at(j)] = cell.matrix[i][j];
  const ops: Op[] = Array.from({ length: MAX_VERTICES }, (_, v) => (v < n - 1 ? cell.ops[v] : v === MAX_VERTICES - 1 ? 'output' : (rng.choice(INNER_OPS) as Op)));
  return { matrix, ops };
}

/** validateCell, with null for an invalid cell (the redraw loops expect many). */
function tryValidate(cell: Cell): PrunedCell | null {
  try {
    return validateCell(cell);
  } catch (err) {
    if (err instanceof InvalidCellError) return null;
    throw err;
  }
}
