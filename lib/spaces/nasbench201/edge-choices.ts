// NAS-Bench-201 cells as one operation index per edge, the form gradient-based search (architecture
// weights per edge) works in. Binding only: no search logic.
import { NB201_EDGES, NB201_OPS, nb201Cell, type Nb201Cell, type Nb201Op } from './cell';

/** A cell space whose cells are one choice among `ops` on each of `edges` edges. */
export interface EdgeChoiceSpace<A> {
  readonly edges: number;
  /** Operation names, index = choice. */
  readonly ops: readonly string[];
  /** Operations without weights (a cell of only these is the collapse gradient-based NAS is known for). */
  readonly parameterFree: readonly string[];
  /** The cell with operation `choice[e]` on edge e. @throws for a choice out of range. */
  cellOf(choice: readonly number[]): A;
  /** The operation index of each edge of `cell`. */
  choiceOf(cell: A): number[];
}

/** NAS-Bench-201's 6 edges × 5 operations; none, skip_connect and avg_pool_3x3 have no weights. */
export const NB201_EDGE_CHOICES: EdgeChoiceSpace<Nb201Cell> = {
  edges: NB201_EDGES.length,
  ops: NB201_OPS,
  parameterFree: ['none', 'skip_connect', 'avg_pool_3x3'],
  cellOf(choice) {
    if (choice.length !== NB201_EDGES.length) throw new RangeError(`a NAS-Bench-201 cell has ${NB201_EDGES.length} edges: got ${choice.length} choices`);
    return nb201Cell(choice.map((k, e) => {
      if (!Number.isInteger(k) || k < 0 || k >= NB201_OPS.length) throw new RangeError(`edge ${e}: operation ${k} is outside 0..${NB201_OPS.length - 1}`);
      return NB201_OPS[k];
    }));
  },
  choiceOf: (cell) => cell.ops.map((op: Nb201Op) => NB201_OPS.indexOf(op)),
};
