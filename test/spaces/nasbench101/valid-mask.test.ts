// Tests of the validity mask: canonical cells pass it, every masked completion is a valid cell, a
// prefix that cannot become valid is rejected with its position, and the mask is never empty.
import { describe, expect, it } from 'vitest';
import { isValidCell, type Cell } from '../../../lib/spaces/nasbench101/cell';
import { allowedNextTokens, decodeTokens, encodeCell, SEQUENCE_LENGTH, VOCAB_SIZE, TOKEN_EDGE, TOKEN_NO_EDGE } from '../../../lib/spaces/nasbench101/encoding';
import { ValidTokenCursor, validNextTokens, validTokenMasks } from '../../../lib/spaces/nasbench101/valid-mask';
import { Rng } from '../../../lib/random';

/** A well-formed sequence drawn token by token from `mask` (uniform among allowed tokens). */
function walk(rng: Rng, mask: (prefix: number[]) => boolean[]): number[] {
  const prefix: number[] = [];
  while (prefix.length < SEQUENCE_LENGTH) {
    const allowed = mask(prefix).flatMap((ok, t) => (ok ? [t] : []));
    expect(allowed.length).toBeGreaterThan(0);
    prefix.push(rng.choice(allowed));
  }
  return prefix;
}

describe('validNextTokens', () => {
  it('completes every random walk into a valid cell (2,000 walks), where the plain grammar often does not', () => {
    const rng = new Rng('valid-walks');
    let plainInvalid = 0;
    for (let k = 0; k < 2000; k++) {
      expect(isValidCell(decodeTokens(walk(rng, validNextTokens)))).toBe(true);
      if (!isValidCell(decodeTokens(walk(rng, allowedNextTokens)))) plainInvalid++;
    }
    // The check can fail: without the validity rule a large share of walks are invalid.
    expect(plainInvalid).toBeGreaterThan(200);
  });

  it('is a subset of the token grammar at every step', () => {
    const rng = new Rng('subset');
    const tokens = walk(rng, validNextTokens);
    for (let p = 0; p < SEQUENCE_LENGTH; p++) {
      const valid = validNextTokens(tokens.slice(0, p));
      const allowed = allowedNextTokens(tokens.slice(0, p));
      valid.forEach((ok, t) => expect(!ok || allowed[t]).toBe(true));
    }
  });

  it('forbids a tenth edge', () => {
    // Column 1: one slot; column 2: two; column 3: three; column 4: four edges, the last would be the 10th.
    const prefix: number[] = [TOKEN_EDGE, 3, TOKEN_EDGE, TOKEN_EDGE, 3, TOKEN_EDGE, TOKEN_EDGE, TOKEN_EDGE, 3, TOKEN_EDGE, TOKEN_EDGE, TOKEN_EDGE];
    expect(validNextTokens(prefix)[TOKEN_EDGE]).toBe(false);
    expect(validNextTokens(prefix)[TOKEN_NO_EDGE]).toBe(true);
  });

  it('rejects a prefix that can no longer become a valid cell, naming the position', () => {
    // Vertex 1 without its only incoming edge, then output at vertex 1: unreachable.
    expect(() => validNextTokens([TOKEN_NO_EDGE, 6])).toThrow('token 6 at position 1 leaves no valid completion');
  });
});

describe('validTokenMasks', () => {
  it('accepts the sequence of valid cells and gives the mask of every position', () => {
    const cell: Cell = { matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'] };
    const tokens = encodeCell(cell);
    const masks = validTokenMasks(tokens);
    expect(masks.length).toBe(SEQUENCE_LENGTH * VOCAB_SIZE);
    for (let p = 0; p < SEQUENCE_LENGTH; p++) {
      expect(Array.from(masks.subarray(p * VOCAB_SIZE, (p + 1) * VOCAB_SIZE), (x) => x === 1)).toEqual(validNextTokens(tokens.slice(0, p)));
      expect(masks[p * VOCAB_SIZE + tokens[p]]).toBe(1);
    }
  });

  it('rejects a sequence whose cell is invalid, naming the position', () => {
    const tokens = encodeCell({ matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'output'] });
    tokens[0] = TOKEN_NO_EDGE;
    expect(() => validTokenMasks(tokens)).toThrow('token 6 at position 4 is not allowed');
  });
});

describe('ValidTokenCursor', () => {
  it('gives validNextTokens of the tokens pushed so far at every position, along random valid walks', () => {
    const rng = new Rng('cursor');
    for (let walk = 0; walk < 200; walk++) {
      const cursor = new ValidTokenCursor();
      const prefix: number[] = [];
      for (let position = 0; position < SEQUENCE_LENGTH; position++) {
        const allowed = cursor.next();
        expect(allowed).toEqual(validNextTokens(prefix));
        const choices = allowed.flatMap((ok, token) => (ok ? [token] : []));
        const token = choices[rng.int(choices.length)];
        cursor.push(token);
        prefix.push(token);
      }
      expect(() => cursor.next()).toThrow(`prefix is complete: got ${SEQUENCE_LENGTH} tokens`);
    }
  });
  it('refuses a token that leaves no valid completion, naming it and its position', () => {
    const cursor = new ValidTokenCursor();
    const forbidden = cursor.next().findIndex((ok) => !ok);
    expect(() => cursor.push(forbidden)).toThrow(`token ${forbidden} at position 0 leaves no valid completion`);
  });
});
