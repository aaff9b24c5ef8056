// The contract every search space offers to samplers, controllers, searches and analyses.
// Algorithms depend on this interface only; they never import a concrete space.
import type { Rng } from '../random';

/**
 * A search space as the algorithms see it. `C` is the space's cell type; cells handed out
 * are canonical (pruned, in the benchmark's vertex order) so that `key` is their identity.
 */
export interface SearchSpace<C> {
  /** Short name used in results folders and the CLI (`nb101`, `nb201`). */
  readonly name: string;
  /** Number of cells in the space (unique by `key`). */
  readonly size: number;
  /** Length of the token sequence of every cell (padded), e.g. 27 for NAS-Bench-101. */
  readonly sequenceLength: number;
  /** Number of distinct tokens (token 0 is padding where the space pads). */
  readonly vocabSize: number;
  /** Identity of a cell: equal keys ⇔ the benchmark treats the cells as one (graph hash). */
  key(cell: C): string;
  /** Token sequence of a cell, length `sequenceLength`. */
  encode(cell: C): number[];
  /**
   * The cell a token sequence stands for, canonicalised, or null when the sequence is
   * well formed but does not describe a valid cell (e.g. no input→output path). Never repairs.
   * @throws Error for a sequence the grammar forbids (wrong length, token out of place).
   */
  decode(tokens: readonly number[]): C | null;
  /** Which tokens may follow `prefix` so the sequence stays well formed (length `vocabSize`). */
  allowedNextTokens(prefix: readonly number[]): boolean[];
  /**
   * Where well-formed sequences can still be invalid cells (NAS-Bench-101): the tokens after
   * `prefix` that keep a valid cell reachable. Absent where every well-formed sequence is a cell.
   */
  validNextTokens?(prefix: readonly number[]): boolean[];
  /** The same for every position of a valid cell's sequence at once: [sequenceLength·vocabSize] 0/1. */
  validTokenMasks?(tokens: readonly number[]): Uint8Array;
  /**
   * The decoding form of validNextTokens: a cursor over one sequence whose `next()` equals
   * validNextTokens(tokens pushed so far), advanced by `push(token)` without replaying the prefix.
   */
  validTokenCursor?(): { next(): boolean[]; push(token: number): void };
  /** A cell drawn uniformly over the space's unique cells. */
  sampleUniform(rng: Rng): C;
  /** A random neighbour as regularized evolution mutates (valid, different key). */
  mutate(cell: C, rng: Rng): C;
  /**
   * Every cell one edit away (local search's neighbourhood, NASLib/naszilla `get_neighborhood`): valid,
   * distinct keys, the cell itself excluded, in a fixed order (searches shuffle with their own Rng).
   */
  neighbours(cell: C): C[];
  /** Trainable parameters of the benchmark network built from the cell. */
  params(cell: C): number;
  /** FLOPs of that network in millions (multiply-accumulates of convolutions and dense layers). */
  flopsM(cell: C): number;
}
