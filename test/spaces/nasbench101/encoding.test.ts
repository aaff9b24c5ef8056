// Tests of the SemiNAS token encoding: literal cells, a round trip over cells-1k, one toThrow per
// grammar rule, and random walks through the masks.
import { NB101_DATA } from '../../real-data';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random';
import { InvalidCellError, type Cell } from '../../../lib/spaces/nasbench101/cell';
import { hashCell } from '../../../lib/spaces/nasbench101/graph';
import {
  allowedNextTokens,
  decodeTokens,
  encodeCell,
  InvalidTokenSequenceError,
  maskTable,
  POSITION_KINDS,
  SEQUENCE_LENGTH,
  tokenMask,
  VOCAB_SIZE,
} from '../../../lib/spaces/nasbench101/encoding';

const DATA = NB101_DATA;

// The smallest cell: input → output. Column 1 = [edge 0→1 = 2, op 6], the rest padding.
const TWO: Cell = { matrix: [[0, 1], [0, 0]], ops: ['input', 'output'] };
const TWO_TOKENS = [2, 6, ...new Array<number>(25).fill(0)];
// input → conv1x1 → output: column 1 = [2, 3], column 2 = [1, 2, 6].
const THREE: Cell = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'output'] };
const THREE_TOKENS = [2, 3, 1, 2, 6, ...new Array<number>(22).fill(0)];
// A full 7-vertex chain with a skip 0→6: fills every slot, output op at the last position.
const SEVEN: Cell = {
  matrix: [
    [0, 1, 0, 0, 0, 0, 1],
    [0, 0, 1, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ],
  ops: ['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
};
const SEVEN_TOKENS = [2, 4, 1, 2, 3, 1, 1, 2, 5, 1, 1, 1, 2, 4, 1, 1, 1, 1, 2, 5, 2, 1, 1, 1, 1, 2, 6];

describe('encodeCell', () => {
  it('spells the literal 2-, 3- and 7-vertex cells token by token', () => {
    expect(encodeCell(TWO)).toEqual(TWO_TOKENS);
    expect(encodeCell(THREE)).toEqual(THREE_TOKENS);
    expect(encodeCell(SEVEN)).toEqual(SEVEN_TOKENS);
  });

  it('always gives SEQUENCE_LENGTH tokens inside the vocabulary', () => {
    for (const tokens of [TWO_TOKENS, THREE_TOKENS, SEVEN_TOKENS]) {
      expect(tokens).toHaveLength(SEQUENCE_LENGTH);
      expect(tokens.every((t) => Number.isInteger(t) && t >= 0 && t < VOCAB_SIZE)).toBe(true);
    }
    expect(POSITION_KINDS).toHaveLength(SEQUENCE_LENGTH);
  });

  it('throws InvalidCellError for an invalid cell', () => {
    const noPath: Cell = { matrix: [[0, 0], [0, 0]], ops: ['input', 'output'] };
    expect(() => encodeCell(noPath)).toThrow(InvalidCellError);
  });
});

describe('decodeTokens', () => {
  it('inverts encodeCell on the literal cells', () => {
    expect(decodeTokens(TWO_TOKENS)).toEqual(TWO);
    expect(decodeTokens(THREE_TOKENS)).toEqual(THREE);
    expect(decodeTokens(SEVEN_TOKENS)).toEqual(SEVEN);
  });

  it('round-trips all 1,000 cells of cells-1k to the same matrix, ops and hash', () => {
    const lines = readFileSync(join(DATA, 'cells-1k.jsonl'), 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(1000);
    const broken = lines.map((l) => JSON.parse(l) as Cell & { hash: string }).filter((c) => {
      const back = decodeTokens(encodeCell(c));
      return hashCell(back) !== c.hash || JSON.stringify(back) !== JSON.stringify({ matrix: c.matrix, ops: c.ops });
    });
    expect(broken).toEqual([]);
  });

  it('returns a grammatical but invalid cell unrepaired (no input→output path)', () => {
    // 2 → 6 with no edge at all: well-formed tokens, invalid cell; the caller validates.
    expect(decodeTokens([1, 6, ...new Array<number>(25).fill(0)])).toEqual({ matrix: [[0, 0], [0, 0]], ops: ['input', 'output'] });
  });

  it('throws when the length is not SEQUENCE_LENGTH', () => {
    expect(() => decodeTokens(TWO_TOKENS.slice(1))).toThrow(/must have 27 tokens: got 26 tokens/);
  });

  it('throws naming position and allowed set for a non-edge token at an edge slot', () => {
    const tokens = SEVEN_TOKENS.slice();
    tokens[2] = 4;
    expect(() => decodeTokens(tokens)).toThrow(/position 2 \(edge 0→2\) must be one of \{1, 2\}: got 4/);
  });

  it('throws for a non-op token at an op slot of vertices 1–5', () => {
    const tokens = SEVEN_TOKENS.slice();
    tokens[4] = 2;
    expect(() => decodeTokens(tokens)).toThrow(/position 4 \(op of vertex 2\) must be one of \{3, 4, 5, 6\}: got 2/);
  });

  it('throws for anything but the output op at vertex 6', () => {
    const tokens = SEVEN_TOKENS.slice();
    tokens[26] = 4;
    expect(() => decodeTokens(tokens)).toThrow(/position 26 \(op of vertex 6\) must be one of \{6\}: got 4/);
  });

  it('throws for a non-padding token after the output op', () => {
    const tokens = THREE_TOKENS.slice();
    tokens[5] = 2;
    expect(() => decodeTokens(tokens)).toThrow(InvalidTokenSequenceError);
    expect(() => decodeTokens(tokens)).toThrow(/position 5 \(padding after the output op\) must be one of \{0\}: got 2/);
  });

  it('throws for padding before the output op', () => {
    const tokens = THREE_TOKENS.slice();
    tokens[4] = 0;
    expect(() => decodeTokens(tokens)).toThrow(/position 4 \(op of vertex 2\) must be one of \{3, 4, 5, 6\}: got 0/);
  });

  it('throws for tokens that are not integers', () => {
    const tokens: number[] = SEVEN_TOKENS.slice();
    tokens[0] = 1.5;
    expect(() => decodeTokens(tokens)).toThrow(/position 0 \(edge 0→1\) must be one of \{1, 2\}: got 1.5/);
  });
});

describe('allowedNextTokens', () => {
  it('allows {1, 2} at an edge slot, {3, 4, 5, 6} at an early op slot, {6} at vertex 6, then {0}', () => {
    const set = (mask: boolean[]): number[] => mask.flatMap((ok, t) => (ok ? [t] : []));
    expect(set(allowedNextTokens([]))).toEqual([1, 2]);
    expect(set(allowedNextTokens([2]))).toEqual([3, 4, 5, 6]);
    expect(set(allowedNextTokens(SEVEN_TOKENS.slice(0, 26)))).toEqual([6]);
    expect(set(allowedNextTokens([2, 6]))).toEqual([0]);
  });

  it('throws for a prefix that breaks the grammar', () => {
    expect(() => allowedNextTokens([3])).toThrow(InvalidTokenSequenceError);
  });

  it('throws for a complete sequence', () => {
    expect(() => allowedNextTokens(SEVEN_TOKENS)).toThrow(/prefix is complete: got 27 tokens \(max 26\)/);
  });

  it('only ever builds sequences that decode, on 2,000 random walks', () => {
    const rng = new Rng('encoding-walk');
    for (let walk = 0; walk < 2000; walk++) {
      const tokens: number[] = [];
      while (tokens.length < SEQUENCE_LENGTH) {
        const allowed = allowedNextTokens(tokens).flatMap((ok, t) => (ok ? [t] : []));
        tokens.push(rng.choice(allowed));
      }
      const cell = decodeTokens(tokens);
      expect(cell.ops[cell.ops.length - 1]).toBe('output');
    }
  });

  it('walks the same way for the same seed', () => {
    const walk = (seed: string): number[] => {
      const rng = new Rng(seed);
      const tokens: number[] = [];
      while (tokens.length < SEQUENCE_LENGTH) tokens.push(rng.choice(allowedNextTokens(tokens).flatMap((ok, t) => (ok ? [t] : []))));
      return tokens;
    };
    expect(walk('same')).toEqual(walk('same'));
  });
});

describe('tokenMask', () => {
  it('agrees with allowedNextTokens at every position of the literal sequences', () => {
    for (const tokens of [TWO_TOKENS, THREE_TOKENS, SEVEN_TOKENS]) {
      for (let p = 0; p < SEQUENCE_LENGTH; p++) {
        const emitted = tokens.slice(0, p).includes(6);
        expect(Array.from(tokenMask(p, emitted), (x) => x === 1)).toEqual(allowedNextTokens(tokens.slice(0, p)));
      }
    }
  });

  it('throws RangeError for a position outside the sequence', () => {
    expect(() => tokenMask(27, false)).toThrow(RangeError);
  });

  it('lays every mask out in maskTable as [outputEmitted, position, token]', () => {
    const table = maskTable();
    expect(table).toHaveLength(2 * SEQUENCE_LENGTH * VOCAB_SIZE);
    const at = (e: number, p: number): number[] => Array.from(table.subarray((e * SEQUENCE_LENGTH + p) * VOCAB_SIZE, (e * SEQUENCE_LENGTH + p + 1) * VOCAB_SIZE));
    expect(at(0, 26)).toEqual(Array.from(tokenMask(26, false)));
    expect(at(1, 3)).toEqual([1, 0, 0, 0, 0, 0, 0]);
  });
});
