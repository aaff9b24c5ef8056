// How the interpretability analyses read each space's token sequences: the cell a sequence spells,
// its attributes and the primary attribute names. Binds spaces to analysis; computes nothing else.
import type { CellView } from '../analysis/controller-scores';
import { validateCell, type Cell } from '../spaces/nasbench101/cell';
import { CELL_PRIMARY_ATTRIBUTE_NAMES, cellAttributes } from '../spaces/nasbench101/attributes';
import { decodeTokens } from '../spaces/nasbench101/encoding';
import type { Nb201Cell } from '../spaces/nasbench201/cell';
import type { Nb201Dataset } from '../spaces/nasbench201/cost';
import { NB201_PRIMARY_ATTRIBUTE_NAMES, nb201CellAttributes } from '../spaces/nasbench201/attributes';
import { decodeNb201Tokens } from '../spaces/nasbench201/encoding';

/**
 * NAS-Bench-101: the cell a sequence spells, pruned but NOT relabelled (so `op3` is the op of token
 * column 3 whenever pruning removes nothing before it), null when invalid; its attributes; and the
 * primary attribute names for MIG, purity and concepts.
 */
export const NASBENCH101_CELL_VIEW: CellView<Cell> = {
  cellOf(tokens) {
    try {
      return validateCell(decodeTokens(tokens)).pruned;
    } catch {
      return null;
    }
  },
  attributes: cellAttributes,
  attributeNames: CELL_PRIMARY_ATTRIBUTE_NAMES,
};

/**
 * NAS-Bench-201 for `dataset`'s network: every well-formed sequence is a cell (degenerate ones
 * included, marked by the `degenerate` attribute), token column e = edge e; primary attributes are
 * the six edge ops.
 */
export function nasbench201CellView(dataset: Nb201Dataset = 'cifar10'): CellView<Nb201Cell> {
  return {
    cellOf: (tokens) => decodeNb201Tokens(tokens),
    attributes: (cell) => nb201CellAttributes(cell, dataset),
    attributeNames: NB201_PRIMARY_ATTRIBUTE_NAMES,
  };
}
