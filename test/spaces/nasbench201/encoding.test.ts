// Tests of the NAS-Bench-201 token encoding: a full round trip over the 15,625 cells, the
// decoder's grammar errors and the (trivial) allowed-next-token mask.
import { describe, expect, it } from 'vitest';
import { formatNb201Cell, InvalidNb201CellError, NB201_OPS, nb201Cell } from '../../../lib/spaces/nasbench201/cell';
import {
  allowedNextNb201Tokens,
  decodeNb201Tokens,
  encodeNb201Cell,
  NB201_SEQUENCE_LENGTH,
  NB201_VOCAB_SIZE,
} from '../../../lib/spaces/nasbench201/encoding';

/** Every cell of the space, by counting in base 5 over the six edges. */
function allCells() {
  const cells = [];
  for (let n = 0; n < 5 ** 6; n++) {
    const ops = Array.from({ length: 6 }, (_, e) => NB201_OPS[Math.floor(n / 5 ** e) % 5]);
    cells.push(nb201Cell(ops));
  }
  return cells;
}

describe('encodeNb201Cell / decodeNb201Tokens', () => {
  it('has 6 tokens over a vocabulary of 5', () => {
    expect([NB201_SEQUENCE_LENGTH, NB201_VOCAB_SIZE]).toEqual([6, 5]);
  });

  it('encodes each edge as the index of its op in NAS-Bench-201 op order', () => {
    // One op of each kind plus none again: tokens are 0..4 by NB201_OPS.
    const cell = nb201Cell(['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3', 'none']);
    expect(encodeNb201Cell(cell)).toEqual([0, 1, 2, 3, 4, 0]);
  });

  it('round-trips all 15,625 cells to the same official string, with distinct token sequences', () => {
    const seen = new Set<string>();
    let same = 0;
    for (const cell of allCells()) {
      const tokens = encodeNb201Cell(cell);
      seen.add(tokens.join(','));
      if (formatNb201Cell(decodeNb201Tokens(tokens)) === formatNb201Cell(cell)) same++;
    }
    expect(same).toBe(15_625);
    expect(seen.size).toBe(15_625);
  });

  it('rejects a sequence of the wrong length', () => {
    expect(() => decodeNb201Tokens([0, 1, 2, 3, 4])).toThrow(InvalidNb201CellError);
    expect(() => decodeNb201Tokens([0, 1, 2, 3, 4])).toThrow('a NAS-Bench-201 sequence has 6 tokens: got 5');
    expect(() => decodeNb201Tokens([0, 1, 2, 3, 4, 0, 0])).toThrow('a NAS-Bench-201 sequence has 6 tokens: got 7');
  });

  it('rejects a token outside 0..4, naming its position and value', () => {
    // 5 is one past the vocabulary; -1 and 1.5 are not token ids at all.
    expect(() => decodeNb201Tokens([0, 0, 5, 0, 0, 0])).toThrow('token 2 must be an integer in 0..4: got 5');
    expect(() => decodeNb201Tokens([-1, 0, 0, 0, 0, 0])).toThrow('token 0 must be an integer in 0..4: got -1');
    expect(() => decodeNb201Tokens([0, 0, 0, 0, 0, 1.5])).toThrow('token 5 must be an integer in 0..4: got 1.5');
  });
});

describe('allowedNextNb201Tokens', () => {
  it('allows every token after any incomplete prefix', () => {
    for (let length = 0; length < 6; length++) {
      expect(allowedNextNb201Tokens(new Array<number>(length).fill(3))).toEqual([true, true, true, true, true]);
    }
  });

  it('returns a fresh array each time (callers may edit it)', () => {
    const mask = allowedNextNb201Tokens([]);
    mask[0] = false;
    expect(allowedNextNb201Tokens([])[0]).toBe(true);
  });

  it('throws when the prefix is already complete', () => {
    expect(() => allowedNextNb201Tokens([0, 0, 0, 0, 0, 0])).toThrow(RangeError);
    expect(() => allowedNextNb201Tokens([0, 0, 0, 0, 0, 0])).toThrow('prefix of 6 tokens is complete (sequence length 6)');
  });
});
