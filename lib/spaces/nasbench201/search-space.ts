// NAS-Bench-201 as a SearchSpace for one of its three data sets: binds cells, tokens, sampling,
// mutation and costs. No algorithm logic: searches receive this object and stay space-agnostic.
import type { Rng } from '../../random';
import type { SearchSpace } from '../search-space';
import { formatNb201Cell, NB201_EDGES, NB201_OPS, nb201Cell, type Nb201Cell } from './cell';
import { networkFlopsM, networkParams, type Nb201Dataset } from './cost';
import { allowedNextNb201Tokens, decodeNb201Tokens, encodeNb201Cell, NB201_SEQUENCE_LENGTH, NB201_VOCAB_SIZE } from './encoding';

/** Cells in the space: five ops on each of six edges. */
export const NB201_SIZE = NB201_OPS.length ** NB201_EDGES.length;

/**
 * The NAS-Bench-201 space (15,625 cells) with the costs of `dataset`'s network. The key is the
 * official cell string, the table's own key: NAS-Bench-201 lists every op assignment separately
 * (no isomorphism merging), so distinct strings are distinct cells. Degenerate cells (output cut
 * off from the input, `isDegenerateNb201Cell`) are kept: the table has them, `decode` returns them.
 * Mutation is NAS-Bench-201's regularized evolution step: one uniformly chosen edge gets one of the
 * four other ops, uniformly; the neighbourhood is every such edit (6 edges × 4 ops = 24 cells).
 * `flopsRangeM` is exact (every cell is costed once, on first call), so FLOPs limits and bands can
 * check they are reachable.
 */
export function nasbench201SearchSpace(dataset: Nb201Dataset = 'cifar10'): SearchSpace<Nb201Cell> & { flopsRangeM(): { min: number; max: number } } {
  let range: { min: number; max: number } | undefined;
  return {
    name: 'nb201',
    size: NB201_SIZE,
    sequenceLength: NB201_SEQUENCE_LENGTH,
    vocabSize: NB201_VOCAB_SIZE,
    key: (cell) => formatNb201Cell(nb201Cell(cell.ops)),
    encode: encodeNb201Cell,
    decode: decodeNb201Tokens,
    allowedNextTokens: allowedNextNb201Tokens,
    sampleUniform: (rng: Rng) => ({ ops: NB201_EDGES.map(() => rng.choice(NB201_OPS)) }),
    mutate(cell: Nb201Cell, rng: Rng) {
      const edge = rng.int(NB201_EDGES.length);
      const others = NB201_OPS.filter((op) => op !== cell.ops[edge]);
      const ops = [...cell.ops];
      ops[edge] = rng.choice(others);
      return { ops };
    },
    neighbours(cell: Nb201Cell) {
      return NB201_EDGES.flatMap((_, edge) => NB201_OPS.filter((op) => op !== cell.ops[edge]).map((op) => {
        const ops = [...cell.ops];
        ops[edge] = op;
        return { ops };
      }));
    },
    params: (cell) => networkParams(cell, dataset),
    flopsM: (cell) => networkFlopsM(cell, dataset),
    flopsRangeM() {
      if (range === undefined) {
        const flops = allNb201Cells().map((cell) => networkFlopsM(cell, dataset));
        range = { min: Math.min(...flops), max: Math.max(...flops) };
      }
      return { ...range };
    },
  };
}

/** Every cell of the space (15,625), the op of edge 0 varying slowest. */
export function allNb201Cells(): Nb201Cell[] {
  let cells: Nb201Cell['ops'][] = [[]];
  for (let edge = 0; edge < NB201_EDGES.length; edge++) cells = cells.flatMap((ops) => NB201_OPS.map((op) => [...ops, op]));
  return cells.map((ops) => ({ ops }));
}
