// NAS-Bench-101 as a SearchSpace: binds the enumerated space, hash, encoding, sampling and
// costs together, and remembers the hash of every cell it hands out. No algorithm logic:
// searches receive this object and stay space-agnostic.
import type { Rng } from '../../random';
import type { SearchSpace } from '../search-space';
import { isValidCell, pruneCell, validateCell, type Cell } from './cell';
import { neighbourCandidates } from './neighbourhood';
import { networkFlopsM, networkParams } from './cost';
import { allowedNextTokens, decodeTokens, encodeCell, SEQUENCE_LENGTH, VOCAB_SIZE } from './encoding';
import { benchmarkLabelling, hashCell } from './graph';
import { ValidTokenCursor, validNextTokens, validTokenMasks } from './valid-mask';
import { createHashMemo } from './hash-memo';
import { mutateCell, sampleUniformIndex } from './sample';
import type { Nasbench101Space } from './space';

/**
 * The NAS-Bench-101 search space over an enumerated `Nasbench101Space` (423,624 cells).
 * Cells are pruned and in NAS-Bench-101's stored vertex order, so `key` is the official hash
 * and `params` equals the benchmark's parameter count.
 *
 * Hashing (~50 µs a cell) dominates searches that propose ~1M cells (regularized evolution at
 * budget 2000), so every cell this space hands out (sampleUniform, mutate, decode) is deeply
 * frozen and its hash remembered per object: a uniform draw comes with the stored hash (no
 * hashing), a mutant with the hash `mutateCell` computed anyway (one hash per child), and
 * `key` of such a cell is a lookup; mutants, neighbours and decodes are hashed through a bounded memo keyed by
 * the literal cell (evolution meets the same child again and again). Freezing is what makes the memo safe: editing a handed-out
 * cell in place throws instead of leaving a stale key. Cells from elsewhere are validated,
 * pruned and hashed on every `key` call (never memoised: they may be edited later).
 * @param options.memo false hashes every mutant and decode afresh (the reference in bench/evolution.ts).
 */
export function nasbench101SearchSpace(space: Nasbench101Space, options: { memo?: boolean } = {}): SearchSpace<Cell> {
  const keys = new WeakMap<Cell, string>();
  const hash = options.memo === false ? hashCell : createHashMemo();
  const known = (cell: Cell, hash: string): Cell => {
    keys.set(deepFreeze(cell), hash);
    return cell;
  };
  /** The stored (benchmark-ordered) cell of a hash; benchmarkLabelling only if the space lacks it. */
  const stored = (hash: string, pruned: Cell): Cell => {
    const index = space.indexOfHash(hash);
    return known(index >= 0 ? space.cellAt(index) : benchmarkLabelling(pruned), hash);
  };
  return {
    name: 'nb101',
    size: space.size,
    sequenceLength: SEQUENCE_LENGTH,
    vocabSize: VOCAB_SIZE,
    key: (cell) => keys.get(cell) ?? hashCell(validateCell(cell).pruned),
    encode: encodeCell,
    decode(tokens) {
      const cell = decodeTokens(tokens);
      if (!isValidCell(cell)) return null;
      const pruned = pruneCell(cell)!;
      return stored(hash(pruned), pruned);
    },
    allowedNextTokens,
    validNextTokens,
    validTokenMasks,
    validTokenCursor: () => new ValidTokenCursor(),
    sampleUniform(rng: Rng) {
      const index = sampleUniformIndex(space, rng);
      return known(space.cellAt(index), space.hashAt(index));
    },
    mutate(cell: Cell, rng: Rng) {
      const child = mutateCell(cell, rng, { parentHash: keys.get(cell), hash });
      return stored(child.hash, child.pruned);
    },
    neighbours(cell: Cell) {
      const seen = new Set([keys.get(cell) ?? hashCell(validateCell(cell).pruned)]);
      const out: Cell[] = [];
      for (const candidate of neighbourCandidates(validateCell(cell).pruned)) {
        if (!isValidCell(candidate)) continue;
        const pruned = pruneCell(candidate)!;
        const h = hash(pruned);
        if (seen.has(h)) continue;
        seen.add(h);
        out.push(stored(h, pruned));
      }
      return out;
    },
    params: networkParams,
    flopsM: (cell: Cell) => networkFlopsM(cell),
  };
}

/** Freeze a cell, its matrix rows and its ops, so in-place edits throw (modules are strict). */
function deepFreeze(cell: Cell): Cell {
  for (const row of cell.matrix) Object.freeze(row);
  Object.freeze(cell.matrix);
  Object.freeze(cell.ops);
  return Object.freeze(cell);
}
