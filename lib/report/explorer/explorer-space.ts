// What the latent explorer needs of a search space, the same in Node and in the report page: the
// token grammar the decoder is bound to (the one the notebooks' controllers use), and for a token
// sequence its cell as the drawing takes it, its table key and its FLOPs. Pure; no tables, no files.
import type { TokenGrammar } from '../../controller/config';
import { isValidCell, pruneCell, type Cell } from '../../spaces/nasbench101/cell';
import { networkFlopsM as nb101FlopsM } from '../../spaces/nasbench101/cost';
import { allowedNextTokens, decodeTokens, encodeCell, SEQUENCE_LENGTH, VOCAB_SIZE } from '../../spaces/nasbench101/encoding';
import { benchmarkLabelling, hashCell } from '../../spaces/nasbench101/graph';
import { ValidTokenCursor, validNextTokens, validTokenMasks } from '../../spaces/nasbench101/valid-mask';
import { parseNb201Cell } from '../../spaces/nasbench201/cell';
import type { Nb201Dataset } from '../../spaces/nasbench201/cost';
import { nasbench201SearchSpace } from '../../spaces/nasbench201/search-space';
import type { LabelledDag } from '../figures/cell-graph';
import { nb201Dag } from '../figures/nb201-dag';

/** The spaces the explorer knows. */
export type ExplorerSpaceName = 'nb101' | 'nb201';

/** A decoded token sequence that is a cell of the space. */
export interface ExplorerCell {
  /** As the cell drawing takes it (NAS-Bench-101: the benchmark's vertex order; NAS-Bench-201: nb201Dag). */
  readonly dag: LabelledDag;
  /** The table key: NAS-Bench-101's graph hash, NAS-Bench-201's cell string. */
  readonly key: string;
  readonly flopsM: number;
}

/** A space as the explorer uses it. */
export interface ExplorerSpace {
  readonly name: ExplorerSpaceName;
  readonly grammar: TokenGrammar;
  /** The cell of a token sequence, or null when it is not a valid cell. */
  cell(tokens: readonly number[]): ExplorerCell | null;
  /**
   * Tokens of a typed cell: NAS-Bench-201's cell string, or NAS-Bench-101's JSON `{"matrix": …, "ops": …}`.
   * @throws Error saying what is wrong with the text.
   */
  parse(text: string): number[];
}

/** The explorer's view of `name` (NAS-Bench-201: FLOPs on `dataset`, default CIFAR-10). */
export function explorerSpace(name: ExplorerSpaceName, dataset: Nb201Dataset = 'cifar10'): ExplorerSpace {
  if (name === 'nb201') {
    const space = nasbench201SearchSpace(dataset);
    return {
      name,
      grammar: space,
      cell(tokens) {
        const cell = space.decode(tokens);
        return cell === null ? null : { dag: nb201Dag(cell), key: space.key(cell), flopsM: space.flopsM(cell) };
      },
      parse: (text) => space.encode(parseNb201Cell(text.trim())),
    };
  }
  if (name !== 'nb101') throw new Error(`the explorer knows spaces nb101 and nb201: got ${JSON.stringify(name)}`);
  // The NAS-Bench-101 grammar fields of nasbench101SearchSpace, which the notebooks' controllers decode with.
  const grammar: TokenGrammar = { sequenceLength: SEQUENCE_LENGTH, vocabSize: VOCAB_SIZE, allowedNextTokens, validNextTokens, validTokenMasks, validTokenCursor: () => new ValidTokenCursor() };
  return {
    name,
    grammar,
    cell(tokens) {
      const decoded = decodeTokens(tokens);
      if (!isValidCell(decoded)) return null;
      const labelled = benchmarkLabelling(pruneCell(decoded)!);
      return { dag: labelled, key: hashCell(labelled), flopsM: nb101FlopsM(labelled) };
    },
    parse(text) {
      let cell: Cell;
      try {
        cell = JSON.parse(text) as Cell;
      } catch (error) {
        throw new Error(`not a cell as JSON {"matrix": [[…]], "ops": […]}: ${(error as Error).message}`);
      }
      return encodeCell(cell);
    },
  };
}
