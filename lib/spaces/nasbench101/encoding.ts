// The token-sequence form of a NAS-Bench-101 cell used by the LSTM controllers of NAO/SemiNAS:
// encode, strict decode, and the grammar masks a decoder needs. Never repairs or prunes a
// sequence: checking that the decoded cell is valid is the caller's job (validateCell).
import { validateCell, MAX_VERTICES, type Cell, type Op } from './cell';

/** Padding after the output op (SemiNAS also uses 0 as its sos/eos id). */
export const TOKEN_PAD = 0;
/** Edge slot: no edge from this source to this vertex. */
export const TOKEN_NO_EDGE = 1;
/** Edge slot: an edge from this source to this vertex. */
export const TOKEN_EDGE = 2;
/** Op slot: conv1x1-bn-relu. */
export const TOKEN_CONV1X1 = 3;
/** Op slot: conv3x3-bn-relu. */
export const TOKEN_CONV3X3 = 4;
/** Op slot: maxpool3x3. */
export const TOKEN_MAXPOOL = 5;
/** Op slot: output; the cell ends at this vertex. */
export const TOKEN_OUTPUT = 6;
/** Tokens 0..6 (SemiNAS nasbench/utils.py). */
export const VOCAB_SIZE = 7;
/** For each column j = 1..6: j edge tokens then one op token, 2+3+…+7 = 27 (SemiNAS). */
export const SEQUENCE_LENGTH = 27;

/** Thrown by `decodeTokens` / `allowedNextTokens` for a sequence the grammar forbids. */
export class InvalidTokenSequenceError extends Error {
  override name = 'InvalidTokenSequenceError';
}

/** What one position of the sequence holds: an edge bit `source → vertex`, or `vertex`'s op. */
export type PositionKind =
  | { readonly kind: 'edge'; readonly vertex: number; readonly source: number }
  | { readonly kind: 'op'; readonly vertex: number };

/** The kind of every position 0..26, in order (column by column of the 7×7 matrix). */
export const POSITION_KINDS: readonly PositionKind[] = buildPositionKinds();

function buildPositionKinds(): PositionKind[] {
  const kinds: PositionKind[] = [];
  for (let vertex = 1; vertex < MAX_VERTICES; vertex++) {
    for (let source = 0; source < vertex; source++) kinds.push({ kind: 'edge', vertex, source });
    kinds.push({ kind: 'op', vertex });
  }
  return kinds;
}

const OP_TOKEN: Record<Exclude<Op, 'input'>, number> = {
  'conv1x1-bn-relu': TOKEN_CONV1X1,
  'conv3x3-bn-relu': TOKEN_CONV3X3,
  maxpool3x3: TOKEN_MAXPOOL,
  output: TOKEN_OUTPUT,
};
const TOKEN_OP: Record<number, Exclude<Op, 'input'>> = {
  [TOKEN_CONV1X1]: 'conv1x1-bn-relu',
  [TOKEN_CONV3X3]: 'conv3x3-bn-relu',
  [TOKEN_MAXPOOL]: 'maxpool3x3',
  [TOKEN_OUTPUT]: 'output',
};

/**
 * Token sequence of a cell (SemiNAS `convert_arch_to_seq`): for each vertex j = 1..6 the
 * incoming-edge bits matrix[0..j−1][j] as 1 (none) / 2 (edge), then j's op token; columns past
 * the output vertex are all 0. The cell is encoded exactly as given (an unpruned cell keeps its
 * dangling vertices; prune first for the benchmark's form).
 * @param cell a valid cell of 2–7 vertices.
 * @returns SEQUENCE_LENGTH tokens in 0..VOCAB_SIZE−1.
 * @throws InvalidCellError when the cell is not a valid NAS-Bench-101 cell.
 */
export function encodeCell(cell: Cell): number[] {
  const { original } = validateCell(cell);
  const n = original.ops.length;
  return POSITION_KINDS.map((pos) => {
    if (pos.vertex >= n) return TOKEN_PAD;
    if (pos.kind === 'edge') return original.matrix[pos.source][pos.vertex] === 1 ? TOKEN_EDGE : TOKEN_NO_EDGE;
    return OP_TOKEN[original.ops[pos.vertex] as Exclude<Op, 'input'>];
  });
}

/**
 * The cell a token sequence spells (inverse of `encodeCell`, SemiNAS `convert_seq_to_arch`
 * without its silent padding artefacts). The cell has as many vertices as the output op's
 * column + 1 and is returned UNPRUNED and unvalidated: it may lack an input→output path or
 * have too many edges; run `validateCell` on it.
 * @param tokens SEQUENCE_LENGTH integers.
 * @throws InvalidTokenSequenceError naming the position, the value and the allowed set when the
 *   length is wrong or a token breaks the grammar of `allowedNextTokens`.
 */
export function decodeTokens(tokens: readonly number[]): Cell {
  if (!Array.isArray(tokens) || tokens.length !== SEQUENCE_LENGTH) {
    const got = Array.isArray(tokens) ? `${tokens.length} tokens` : JSON.stringify(tokens);
    throw new InvalidTokenSequenceError(`a token sequence must have ${SEQUENCE_LENGTH} tokens: got ${got}`);
  }
  checkPrefix(tokens);
  const n = tokens.findIndex((t, p) => t === TOKEN_OUTPUT && POSITION_KINDS[p].kind === 'op');
  const vertices = POSITION_KINDS[n].vertex + 1;
  const matrix = Array.from({ length: vertices }, () => new Array<number>(vertices).fill(0));
  const ops: Op[] = ['input'];
  POSITION_KINDS.forEach((pos, p) => {
    if (pos.vertex >= vertices) return;
    if (pos.kind === 'edge') matrix[pos.source][pos.vertex] = tokens[p] === TOKEN_EDGE ? 1 : 0;
    else ops.push(TOKEN_OP[tokens[p]]);
  });
  return { matrix, ops };
}

/**
 * Which tokens the grammar allows after `prefix`: at an edge slot {1, 2}, at an op slot
 * {3, 4, 5, 6} for vertices 1–5 and {6} for vertex 6, and only 0 (padding) once the output op
 * has been emitted. Every sequence built by taking only allowed tokens decodes without error.
 * @param prefix the tokens so far (0 ≤ length < SEQUENCE_LENGTH), itself well-formed.
 * @returns VOCAB_SIZE booleans, true where the token is allowed next.
 * @throws InvalidTokenSequenceError when the prefix is full-length or breaks the grammar.
 */
export function allowedNextTokens(prefix: readonly number[]): boolean[] {
  if (prefix.length >= SEQUENCE_LENGTH) {
    throw new InvalidTokenSequenceError(`prefix is complete: got ${prefix.length} tokens (max ${SEQUENCE_LENGTH - 1})`);
  }
  const outputEmitted = checkPrefix(prefix);
  return Array.from(tokenMask(prefix.length, outputEmitted), (x) => x === 1);
}

/**
 * The grammar mask at one position as 0/1 floats, for a batched TF.js decoder that tracks
 * per sequence only `outputEmitted` (has token 6 appeared at an op slot yet?).
 * @param position 0 ≤ position < SEQUENCE_LENGTH.
 * @param outputEmitted whether the output op came earlier in the sequence.
 * @returns Float32Array [VOCAB_SIZE], 1 where allowed.
 * @throws RangeError when position is out of range.
 */
export function tokenMask(position: number, outputEmitted: boolean): Float32Array {
  if (!Number.isInteger(position) || position < 0 || position >= SEQUENCE_LENGTH) {
    throw new RangeError(`position must be an integer in 0..${SEQUENCE_LENGTH - 1}: got ${position}`);
  }
  const mask = new Float32Array(VOCAB_SIZE);
  for (const token of allowedSet(position, outputEmitted)) mask[token] = 1;
  return mask;
}

/**
 * Every mask at once: a flat Float32Array [2, SEQUENCE_LENGTH, VOCAB_SIZE] whose slice
 * [e, p, :] is `tokenMask(p, e === 1)`; ready for `tf.tensor3d(maskTable(), [2, 27, 7])` + gather.
 */
export function maskTable(): Float32Array {
  const table = new Float32Array(2 * SEQUENCE_LENGTH * VOCAB_SIZE);
  for (let e = 0; e < 2; e++) {
    for (let p = 0; p < SEQUENCE_LENGTH; p++) table.set(tokenMask(p, e === 1), (e * SEQUENCE_LENGTH + p) * VOCAB_SIZE);
  }
  return table;
}

/** The grammar: tokens allowed at `position` given whether the output op came before. */
function allowedSet(position: number, outputEmitted: boolean): readonly number[] {
  if (outputEmitted) return [TOKEN_PAD];
  const pos = POSITION_KINDS[position];
  if (pos.kind === 'edge') return [TOKEN_NO_EDGE, TOKEN_EDGE];
  if (pos.vertex === MAX_VERTICES - 1) return [TOKEN_OUTPUT];
  return [TOKEN_CONV1X1, TOKEN_CONV3X3, TOKEN_MAXPOOL, TOKEN_OUTPUT];
}

/** Check every token of a (partial) sequence against the grammar; returns whether output was emitted. */
function checkPrefix(tokens: readonly number[]): boolean {
  let outputEmitted = false;
  tokens.forEach((token, p) => {
    const allowed = allowedSet(p, outputEmitted);
    if (!allowed.includes(token)) {
      throw new InvalidTokenSequenceError(`token at position ${p} (${describe(p, outputEmitted)}) must be one of {${allowed.join(', ')}}: got ${typeof token === 'number' ? String(token) : JSON.stringify(token)}`);
    }
    if (token === TOKEN_OUTPUT) outputEmitted = true;
  });
  return outputEmitted;
}

function describe(position: number, outputEmitted: boolean): string {
  if (outputEmitted) return 'padding after the output op';
  const pos = POSITION_KINDS[position];
  return pos.kind === 'edge' ? `edge ${pos.source}→${pos.vertex}` : `op of vertex ${pos.vertex}`;
}
