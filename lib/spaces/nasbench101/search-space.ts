// NAS-Bench-101 as a SearchSpace: binds the enumerated space, hash, encoding, sampling and
// costs together. No algorithm logic: searches receive this object and stay space-agnostic.
import type { Rng } from '../../random';
import type { SearchSpace } from '../search-space';
import { isValidCell, pruneCell, type Cell } from './cell';
import { networkFlopsM, networkParams } from './cost';
import { allowedNextTokens, decodeTokens, encodeCell, SEQUENCE_LENGTH, VOCAB_SIZE } from './encoding';
import { benchmarkLabelling, hashCell } from './graph';
import { mutateCell, sampleUniformCell } from './sample';
import type { Nasbench101Space } from './space';

/**
 * The NAS-Bench-101 search space over an enumerated `Nasbench101Space` (423,624 cells).
 * Cells are pruned and in NAS-Bench-101's stored vertex order, so `key` is the official hash
 * and `params` equals the benchmark's parameter count.
 */
export function nasbench101SearchSpace(space: Nasbench101Space): SearchSpace<Cell> {
  return {
    name: 'nb101',
    size: space.size,
    sequenceLength: SEQUENCE_LENGTH,
    vocabSize: VOCAB_SIZE,
    key: hashCell,
    encode: encodeCell,
    decode(tokens) {
      const cell = decodeTokens(tokens);
      if (!isValidCell(cell)) return null;
      return benchmarkLabelling(pruneCell(cell)!);
    },
    allowedNextTokens,
    sampleUniform: (rng: Rng) => sampleUniformCell(space, rng),
    mutate: (cell: Cell, rng: Rng) => benchmarkLabelling(mutateCell(cell, rng).pruned),
    params: networkParams,
    flopsM: (cell: Cell) => networkFlopsM(cell),
  };
}
