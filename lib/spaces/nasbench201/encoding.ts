// Token sequences of NAS-Bench-201 cells for the controller: one token per edge, the op's index.
// Encoding only: no validity beyond the grammar (every op on every edge is a cell), no costs.
import { InvalidNb201CellError, NB201_EDGES, NB201_OPS, type Nb201Cell } from './cell';

/** One token per edge, in the official string's edge order. */
export const NB201_SEQUENCE_LENGTH = NB201_EDGES.length;

/** Token v is op NB201_OPS[v]; there is no padding (every cell has six edges). */
export const NB201_VOCAB_SIZE = NB201_OPS.length;

const ALL_ALLOWED: readonly boolean[] = Object.freeze(Array.from({ length: NB201_VOCAB_SIZE }, () => true));

/** The tokens of a cell: the op index of each edge. */
export function encodeNb201Cell(cell: Nb201Cell): number[] {
  return cell.ops.map((op) => NB201_OPS.indexOf(op));
}

/**
 * The cell a token sequence spells. Every well-formed sequence is a cell of the space.
 * @throws InvalidNb201CellError for a length other than 6 or a token outside 0..4 (naming position and value).
 */
export function decodeNb201Tokens(tokens: readonly number[]): Nb201Cell {
  if (tokens.length !== NB201_SEQUENCE_LENGTH) throw new InvalidNb201CellError(`a NAS-Bench-201 sequence has ${NB201_SEQUENCE_LENGTH} tokens: got ${tokens.length}`);
  const bad = tokens.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= NB201_VOCAB_SIZE);
  if (bad >= 0) throw new InvalidNb201CellError(`token ${bad} must be an integer in 0..${NB201_VOCAB_SIZE - 1}: got ${tokens[bad]}`);
  return { ops: tokens.map((t) => NB201_OPS[t]) };
}

/**
 * Which tokens may follow `prefix`: any op on any edge, so all of them while the sequence is short.
 * @throws RangeError when the prefix is already complete (no token may follow).
 */
export function allowedNextNb201Tokens(prefix: readonly number[]): boolean[] {
  if (prefix.length >= NB201_SEQUENCE_LENGTH) throw new RangeError(`prefix of ${prefix.length} tokens is complete (sequence length ${NB201_SEQUENCE_LENGTH})`);
  return [...ALL_ALLOWED];
}
