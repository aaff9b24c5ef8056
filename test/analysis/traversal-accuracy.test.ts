// Tests of true accuracy along latent traversals on hand-built traversals: cells are plain numbers
// looked up in a small literal table, so every mean, range and Spearman ρ is known exactly.
import { describe, expect, it } from 'vitest';
import type { Traversal } from '../../lib/analysis/traversal';
import { traversalAccuracy } from '../../lib/analysis/traversal-accuracy';

/** The "table": cell id → accuracy; cell 4 is a decode the table lacks (null lookup). */
const TABLE: Readonly<Record<number, number | null>> = { 1: 0.9, 2: 0.92, 3: 0.94, 4: null, 5: 0.8 };
/** The lookup; it throws for anything else, so a test fails if an invalid (null) decode is ever looked up. */
const accuracyOf = (cell: number): number | null => {
  if (!Object.hasOwn(TABLE, cell)) throw new Error(`looked up an unknown cell ${cell}`);
  return TABLE[cell];
};

const VALUES = [-0.4, 0, 0.4];

/** A traversal of `factor` around base `baseIndex` whose steps decode to `cells` (null: invalid decode). */
function traversal(factor: number, baseIndex: number, cells: readonly (number | null)[], values: readonly number[] = VALUES): Traversal<number> {
  const steps = cells.map((cell, k) => ({ value: values[k], z: [values[k]], cell, attributes: null, changed: null }));
  return { baseIndex, factor, baseZ: [0], base: cells[1], baseAttributes: null, steps, invalidSteps: steps.flatMap((s, k) => (s.cell === null ? [k] : [])) };
}

// Factor 0: base 0 rises with z (ρ = +1, range 0.04); base 1 is flat where labelled (0.80, –, 0.80:
// it does not move and is left out of ρ); base 2 has one labelled step only (cell 4 has no table entry,
// step 1 is an invalid decode), so its range is 0.
// Factor 1: both bases fall (ρ = −1); at step 2 base 0 decodes to an unlabelled cell and base 1 to
// an invalid one, so no base is labelled there.
// Factor 2: one base that decodes the same cell throughout (no base moves: ρ is null).
// Factor 3: a non-monotone base (0.90, 0.94, 0.92: ρ = 0.5) and a falling one (−1): the mean is −0.25.
// Listed factor 1 first, so the default factor order cannot come from the input order.
const TRAVERSALS: Traversal<number>[] = [
  traversal(1, 0, [3, 2, 4]),
  traversal(0, 0, [1, 2, 3]),
  traversal(2, 0, [2, 2, 2]),
  traversal(3, 0, [1, 3, 2]),
  traversal(0, 1, [5, 4, 5]),
  traversal(1, 1, [3, 1, null]),
  traversal(3, 1, [3, 2, 1]),
  traversal(0, 2, [4, null, 3]),
];

describe('traversalAccuracy', () => {
  const rows = traversalAccuracy(TRAVERSALS, accuracyOf);

  it('gives one row per factor met, ascending, with its base count and z values', () => {
    expect(rows.map((r) => [r.factor, r.bases])).toEqual([[0, 3], [1, 2], [2, 1], [3, 2]]);
    expect(rows.every((r) => r.values.join() === VALUES.join())).toBe(true);
  });

  it('averages each step over the bases labelled there, and gives null where none is', () => {
    // Factor 0, step 0: bases 0 and 1 (base 2's cell 4 has no entry); step 1: base 0 only (base 1
    // unlabelled, base 2 invalid); step 2: all three.
    expect(rows[0].meanAccuracy).toEqual([expect.closeTo((0.9 + 0.8) / 2, 12), expect.closeTo(0.92, 12), expect.closeTo((0.94 + 0.8 + 0.94) / 3, 12)]);
    // Factor 1, step 2: an unlabelled cell and an invalid decode: nothing to average.
    expect(rows[1].meanAccuracy).toEqual([expect.closeTo(0.94, 12), expect.closeTo((0.92 + 0.9) / 2, 12), null]);
  });

  it('counts a base as moving only when its labelled decodes differ in accuracy', () => {
    // Factor 0: base 0 moves; base 1 is constant where labelled; base 2 has a single labelled step.
    expect(rows.map((r) => r.basesThatMove)).toEqual([1, 2, 0, 2]);
  });

  it('gives ρ = +1 for a rising base and −1 for a falling one, leaving constant bases out of the mean', () => {
    expect(rows[0].meanSpearman).toBeCloseTo(1, 12); // only base 0: the flat base 1 does not pull it towards 0
    expect(rows[1].meanSpearman).toBeCloseTo(-1, 12); // base 0 falls over its two labelled steps, base 1 too
    expect(rows[2].meanSpearman).toBeNull(); // no base moves
    expect(rows[3].meanSpearman).toBeCloseTo((0.5 - 1) / 2, 12); // ranks (1, 3, 2) against (1, 2, 3): ρ = 0.5
  });

  it('averages best − worst labelled accuracy over all bases, non-moving ones counting 0', () => {
    expect(rows[0].meanRange).toBeCloseTo((0.04 + 0 + 0) / 3, 12);
    expect(rows[1].meanRange).toBeCloseTo((0.02 + 0.04) / 2, 12);
    expect(rows[2].meanRange).toBe(0);
    expect(rows[3].meanRange).toBeCloseTo((0.04 + 0.04) / 2, 12);
  });

  it('reports only the factors asked for, in the order asked', () => {
    const chosen = traversalAccuracy(TRAVERSALS, accuracyOf, [3, 0]);
    expect(chosen.map((r) => r.factor)).toEqual([3, 0]);
    expect(chosen[1]).toEqual(rows[0]);
  });

  it('takes the values of the first traversal of a factor (relative traversals differ by base)', () => {
    // Two relative traversals around different base values: values come from the first, steps align by index.
    const [row] = traversalAccuracy([traversal(0, 0, [1, 2, 3], [0.1, 0.2, 0.3]), traversal(0, 1, [3, 3, 3], [0.5, 0.6, 0.7])], accuracyOf);
    expect(row.values).toEqual([0.1, 0.2, 0.3]);
    expect(row.meanAccuracy).toEqual([expect.closeTo((0.9 + 0.94) / 2, 12), expect.closeTo((0.92 + 0.94) / 2, 12), expect.closeTo(0.94, 12)]);
  });

  it('rejects a factor that has no traversal, naming the factors there are', () => {
    expect(() => traversalAccuracy(TRAVERSALS, accuracyOf, [0, 5])).toThrow(RangeError);
    expect(() => traversalAccuracy(TRAVERSALS, accuracyOf, [0, 5])).toThrow('no traversal of factor 5 (factors traversed: 0, 1, 2, 3)');
  });
});
