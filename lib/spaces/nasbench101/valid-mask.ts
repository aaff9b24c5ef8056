// Which tokens keep a NAS-Bench-101 token sequence completable into a VALID cell: the token
// grammar of encoding.ts plus at most 9 edges and a path from the input to the output vertex.
// A decoder that picks only among these tokens always emits a valid cell; nothing is repaired.
import { MAX_EDGES, MAX_VERTICES } from './cell';
import { POSITION_KINDS, SEQUENCE_LENGTH, TOKEN_CONV1X1, TOKEN_CONV3X3, TOKEN_EDGE, TOKEN_MAXPOOL, TOKEN_NO_EDGE, TOKEN_OUTPUT, TOKEN_PAD, VOCAB_SIZE, InvalidTokenSequenceError } from './encoding';

/**
 * What a prefix has fixed so far: edges used, which vertices the input reaches (bit v), and
 * whether the output op has been emitted. Validity of any completion depends on nothing else.
 */
interface PrefixState {
  readonly edges: number;
  readonly reached: number;
  readonly outputEmitted: boolean;
}

const START: PrefixState = { edges: 0, reached: 1, outputEmitted: false };

/** The state after `token` at `position`, or null when the token grammar or the edge limit forbids it. */
function advance(state: PrefixState, position: number, token: number): PrefixState | null {
  if (state.outputEmitted) return token === TOKEN_PAD ? state : null;
  const pos = POSITION_KINDS[position];
  if (pos.kind === 'edge') {
    if (token === TOKEN_NO_EDGE) return state;
    if (token !== TOKEN_EDGE || state.edges >= MAX_EDGES) return null;
    const reached = state.reached & (1 << pos.source) ? state.reached | (1 << pos.vertex) : state.reached;
    return { edges: state.edges + 1, reached, outputEmitted: false };
  }
  if (token === TOKEN_OUTPUT) return state.reached & (1 << pos.vertex) ? { ...state, outputEmitted: true } : null;
  const isOp = token === TOKEN_CONV1X1 || token === TOKEN_CONV3X3 || token === TOKEN_MAXPOOL;
  return isOp && pos.vertex < MAX_VERTICES - 1 ? state : null;
}

const memo = new Map<number, boolean>();

/** Whether some completion of a prefix of length `position` in `state` is a valid cell (memoised DP). */
function completable(state: PrefixState, position: number): boolean {
  if (position === SEQUENCE_LENGTH) return state.outputEmitted;
  const key = ((position * (MAX_EDGES + 1) + state.edges) * 256 + state.reached) * 2 + (state.outputEmitted ? 1 : 0);
  const known = memo.get(key);
  if (known !== undefined) return known;
  let result = false;
  for (let token = 0; token < VOCAB_SIZE && !result; token++) {
    const next = advance(state, position, token);
    if (next !== null) result = completable(next, position + 1);
  }
  memo.set(key, result);
  return result;
}

/** Mask of the tokens at `position` whose successor state is still completable. */
function maskAt(state: PrefixState, position: number, out: Uint8Array, offset: number): void {
  for (let token = 0; token < VOCAB_SIZE; token++) {
    const next = advance(state, position, token);
    out[offset + token] = next !== null && completable(next, position + 1) ? 1 : 0;
  }
}

/**
 * The tokens that may follow `prefix` so that the finished sequence is a VALID cell (≤ 9 edges,
 * the output vertex reachable from the input): a subset of `allowedNextTokens`, never empty for
 * a prefix that is itself completable.
 * @param prefix tokens so far (length < SEQUENCE_LENGTH).
 * @returns VOCAB_SIZE booleans.
 * @throws InvalidTokenSequenceError when the prefix is complete or already cannot become a valid cell
 *   (naming the position and token where that happened).
 */
export function validNextTokens(prefix: readonly number[]): boolean[] {
  if (prefix.length >= SEQUENCE_LENGTH) throw new InvalidTokenSequenceError(`prefix is complete: got ${prefix.length} tokens (max ${SEQUENCE_LENGTH - 1})`);
  let state = START;
  prefix.forEach((token, position) => {
    const next = advance(state, position, token);
    if (next === null || !completable(next, position + 1)) {
      throw new InvalidTokenSequenceError(`token ${token} at position ${position} leaves no valid completion (edges so far ${state.edges} of at most ${MAX_EDGES}, output must be reachable from the input)`);
    }
    state = next;
  });
  const mask = new Uint8Array(VOCAB_SIZE);
  maskAt(state, prefix.length, mask, 0);
  return Array.from(mask, (x) => x === 1);
}

/**
 * Every position's valid-token mask of one whole sequence under teacher forcing (the mask at
 * position p given the true tokens 0..p−1), as a flat Uint8Array [SEQUENCE_LENGTH·VOCAB_SIZE].
 * The training loss normalises the decoder's softmax over these tokens only.
 * @throws InvalidTokenSequenceError when the sequence is not a valid cell's (naming the position).
 */
export function validTokenMasks(tokens: readonly number[]): Uint8Array {
  if (tokens.length !== SEQUENCE_LENGTH) throw new InvalidTokenSequenceError(`a token sequence must have ${SEQUENCE_LENGTH} tokens: got ${tokens.length}`);
  const out = new Uint8Array(SEQUENCE_LENGTH * VOCAB_SIZE);
  let state = START;
  for (let position = 0; position < SEQUENCE_LENGTH; position++) {
    maskAt(state, position, out, position * VOCAB_SIZE);
    if (out[position * VOCAB_SIZE + tokens[position]] !== 1) {
      throw new InvalidTokenSequenceError(`token ${tokens[position]} at position ${position} is not allowed in a valid cell's sequence`);
    }
    state = advance(state, position, tokens[position])!;
  }
  return out;
}

/**
 * validNextTokens for a decoder that extends one sequence a token at a time: the prefix's state is
 * kept, so each step costs one `advance` instead of replaying the prefix (greedy decoding of a batch
 * calls this once per row and position).
 */
export class ValidTokenCursor {
  private state: PrefixState = START;
  private position = 0;

  /** The tokens allowed at the next position; equal to validNextTokens(the tokens pushed so far). */
  next(): boolean[] {
    if (this.position >= SEQUENCE_LENGTH) throw new InvalidTokenSequenceError(`prefix is complete: got ${this.position} tokens (max ${SEQUENCE_LENGTH - 1})`);
    const mask = new Uint8Array(VOCAB_SIZE);
    maskAt(this.state, this.position, mask, 0);
    return Array.from(mask, (x) => x === 1);
  }

  /** Append `token`. @throws InvalidTokenSequenceError when it leaves no valid completion. */
  push(token: number): void {
    const next = advance(this.state, this.position, token);
    if (next === null || !completable(next, this.position + 1)) {
      throw new InvalidTokenSequenceError(`token ${token} at position ${this.position} leaves no valid completion (edges so far ${this.state.edges} of at most ${MAX_EDGES}, output must be reachable from the input)`);
    }
    this.state = next;
    this.position++;
  }
}
