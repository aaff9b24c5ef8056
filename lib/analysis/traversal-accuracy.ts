// True accuracy along latent traversals: on a space where every decoded cell has a table entry
// (NAS-Bench-201), say how a factor's value moves the real accuracy of what the decoder produces.
// Space-generic: it receives traversals and a lookup; it never decodes, trains or reads tables.
import { spearman } from './correlation';
import type { Traversal } from './traversal';

/** How the true accuracy of decoded cells moves along one factor, over several base codes. */
export interface TraversalAccuracyRow {
  /** The factor traversed (0-based). */
  readonly factor: number;
  /** Base codes traversed along it. */
  readonly bases: number;
  /** z_i at each step (the first traversal's values; absolute traversals share them). */
  readonly values: readonly number[];
  /** Mean true accuracy of the decodes at each step over bases with a labelled decode there; null when none. */
  readonly meanAccuracy: readonly (number | null)[];
  /** Bases whose decodes differ in accuracy somewhere along the traversal. */
  readonly basesThatMove: number;
  /**
   * Mean over bases that move of Spearman ρ(z_i value, true accuracy of the decode): +1 when raising
   * the factor always decodes better cells. Null when no base moves.
   */
  readonly meanSpearman: number | null;
  /** Mean over all bases of (best − worst) true accuracy along the traversal, fractions of 1. */
  readonly meanRange: number;
}

/**
 * Group traversals by factor and measure the true accuracy of every decoded cell along them.
 * @param accuracyOf the table accuracy of a decoded cell; null when it has none (then that step is left out).
 * @param factors which factors to report (default every factor met, ascending).
 * @returns one row per factor, in the order of `factors`.
 * @throws RangeError when a requested factor has no traversal, its traversals differ in step count,
 *   or `accuracyOf` returns a value that is not a finite number.
 */
export function traversalAccuracy<C>(traversals: readonly Traversal<C>[], accuracyOf: (cell: C) => number | null, factors?: readonly number[]): TraversalAccuracyRow[] {
  const byFactor = new Map<number, Traversal<C>[]>();
  for (const t of traversals) byFactor.set(t.factor, [...(byFactor.get(t.factor) ?? []), t]);
  const wanted = factors ?? [...byFactor.keys()].sort((a, b) => a - b);
  return wanted.map((factor) => {
    const group = byFactor.get(factor);
    if (group === undefined) throw new RangeError(`no traversal of factor ${factor} (factors traversed: ${[...byFactor.keys()].sort((a, b) => a - b).join(', ')})`);
    return factorRow(factor, group, accuracyOf);
  });
}

function factorRow<C>(factor: number, group: readonly Traversal<C>[], accuracyOf: (cell: C) => number | null): TraversalAccuracyRow {
  const values = group[0].steps.map((s) => s.value);
  const ragged = group.find((t) => t.steps.length !== values.length);
  if (ragged !== undefined) throw new RangeError(`traversals of factor ${factor} differ in length: ${ragged.steps.length} steps around base ${ragged.baseIndex}, ${values.length} around base ${group[0].baseIndex}`);
  const sums = new Array<number>(values.length).fill(0);
  const counts = new Array<number>(values.length).fill(0);
  const rhos: number[] = [];
  let rangeSum = 0;
  for (const t of group) {
    const labelled = t.steps.flatMap((s, k) => {
      const accuracy = s.cell === null ? null : accuracyOf(s.cell);
      if (accuracy !== null && !Number.isFinite(accuracy)) throw new RangeError(`accuracy of the decode at step ${k} of factor ${factor} around base ${t.baseIndex} is not a finite number: got ${accuracy}`);
      return accuracy === null ? [] : [{ k, value: s.value, accuracy }];
    });
    for (const p of labelled) {
      sums[p.k] += p.accuracy;
      counts[p.k]++;
    }
    const accuracies = labelled.map((p) => p.accuracy);
    const range = accuracies.length === 0 ? 0 : Math.max(...accuracies) - Math.min(...accuracies);
    rangeSum += range;
    if (range > 0) rhos.push(spearman(labelled.map((p) => p.value), accuracies));
  }
  return {
    factor,
    bases: group.length,
    values,
    meanAccuracy: sums.map((s, k) => (counts[k] === 0 ? null : s / counts[k])),
    basesThatMove: rhos.length,
    meanSpearman: rhos.length === 0 ? null : rhos.reduce((a, b) => a + b, 0) / rhos.length,
    meanRange: rangeSum / group.length,
  };
}
