// Memoised training masks: a search trains on the same sequences hundreds of times, while their
// validity masks (a dynamic programme over the sequence) depend on the tokens alone. Bounded: when
// full it starts over, so pretraining on 400k distinct cells cannot grow it. (Decoding needs no
// memo: it advances a cursor per row, see TokenGrammar.validTokenCursor.)
import type { TokenGrammar } from './config';

/** Entries kept before the memo starts over (each a few hundred bytes). */
const MAX_ENTRIES = 50_000;

/** The grammar's valid-token masks of training sequences, computed once per distinct sequence. */
export class MaskMemo {
  private readonly sequences = new Map<string, Uint8Array>();

  constructor(private readonly grammar: TokenGrammar) {}

  /** Whether the grammar knows validity (else masks are null and decoding uses allowedNextTokens). */
  get knowsValidity(): boolean {
    return this.grammar.validTokenMasks !== undefined || this.grammar.validNextTokens !== undefined;
  }

  /** [sequenceLength × vocabSize] 0/1 masks of the tokens allowed at each position of `seq` (grammar.validTokenMasks). */
  sequenceMasks(seq: readonly number[]): Uint8Array {
    const key = seq.join(',');
    let masks = this.sequences.get(key);
    if (masks === undefined) {
      const g = this.grammar;
      masks = g.validTokenMasks?.(seq) ?? Uint8Array.from(seq.flatMap((_, t) => g.validNextTokens!(seq.slice(0, t)).map(Number)));
      if (this.sequences.size >= MAX_ENTRIES) this.sequences.clear();
      this.sequences.set(key, masks);
    }
    return masks;
  }
}
