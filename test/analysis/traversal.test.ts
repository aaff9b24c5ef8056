import { describe, expect, it } from 'vitest';
import { changedAttributes, factorConcepts, traverseFactor, traverseFactors, type Attributes, type TraversalFunctions } from '../../lib/analysis/traversal';
import { Rng } from '../../lib/random';

// A fake decoder whose semantics are known exactly, over 3 latent factors:
// - factor 0 alone sets `a` ('x' above 0.05, else 'y'): a pure factor;
// - factor 1 sets `b` (above 0.15) and, together with factor 0, `c` (z0 + z1 > 0.35);
// - factor 2 changes nothing, but z2 > 0.35 decodes to an invalid cell (null).
// Thresholds sit between the grid values −0.4, −0.3, …, 0.4 so float rounding cannot move them.
type Fake = { a: string; b: number; c: boolean };
const decodeOne = (z: readonly number[]): Fake | null => (z[2] > 0.35 ? null : { a: z[0] > 0.05 ? 'x' : 'y', b: z[1] > 0.15 ? 1 : 0, c: z[0] + z[1] > 0.35 });
function fakeFunctions(): TraversalFunctions<Fake> & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    decode: (z) => {
      calls.push(z.length);
      return z.map(decodeOne);
    },
    attributes: (cell) => cell as Attributes,
  };
}

describe('traverseFactor', () => {
  it('visits −0.4 … 0.4 in 9 steps and reports only the attribute the factor controls', () => {
    const t = traverseFactor([-0.1, -0.2, 0], 0, fakeFunctions());
    expect(t.steps.map((s) => s.value)).toEqual([-0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4].map((v) => expect.closeTo(v, 12)));
    expect(t.base).toEqual({ a: 'y', b: 0, c: false });
    // z0 > 0.05 from step 5 on: only `a` changes (c needs z0 > 0.55 at z1 = −0.2, never reached).
    expect(t.steps.map((s) => s.changed)).toEqual([[], [], [], [], [], ['a'], ['a'], ['a'], ['a']]);
    expect(t.invalidSteps).toEqual([]);
    // the other factors stay fixed
    expect(t.steps.every((s) => s.z[1] === -0.2 && s.z[2] === 0)).toBe(true);
  });

  it('reports invalid decodes as null steps, never repaired', () => {
    const t = traverseFactor([0, 0, 0], 2, fakeFunctions());
    expect(t.invalidSteps).toEqual([8]); // only z2 = 0.4 > 0.35
    expect(t.steps[8]).toMatchObject({ cell: null, attributes: null, changed: null });
    expect(t.steps.slice(0, 8).every((s) => s.changed!.length === 0)).toBe(true);
  });

  it('has no changes to report when the base itself decodes to an invalid cell', () => {
    const t = traverseFactor([0, 0, 0.37], 0, fakeFunctions());
    expect(t.base).toBeNull();
    expect(t.steps.every((s) => s.cell === null && s.changed === null)).toBe(true);
  });

  it('traverses around the base value when relative', () => {
    const t = traverseFactor([0.2, 0, 0], 1, fakeFunctions(), { relative: true, range: [-0.1, 0.1], steps: 3 });
    expect(t.steps.map((s) => s.value)).toEqual([expect.closeTo(-0.1, 12), 0, expect.closeTo(0.1, 12)]);
  });

  it('traverses in units of each factor\'s own spread when given scales', () => {
    const t = traverseFactor([0.2, 1, 0], 1, fakeFunctions(), { relative: true, range: [-2, 2], steps: 3, scales: [1, 0.25, 3] });
    expect(t.steps.map((s) => s.value)).toEqual([0.5, 1, 1.5]);
    expect(() => traverseFactor([0, 0, 0], 1, fakeFunctions(), { range: [-2, 2], scales: [1, 1, 1] })).toThrow('scales need relative traversals (relative: true)');
    expect(() => traverseFactor([0, 0, 0], 1, fakeFunctions(), { relative: true, scales: [1, 0, 1] })).toThrow('scales must be 3 finite numbers > 0: got [1, 0, 1]');
  });

  it('rejects a factor, range or step count out of bounds', () => {
    const fns = fakeFunctions();
    expect(() => traverseFactor([0, 0, 0], 3, fns)).toThrow('factor must be an integer in 0..2: got 3');
    expect(() => traverseFactor([0, 0, 0], 0, fns, { range: [0.4, -0.4] })).toThrow('range must be two finite numbers, low < high: got [0.4, -0.4]');
    expect(() => traverseFactor([0, 0, 0], 0, fns, { steps: 1 })).toThrow('steps must be an integer ≥ 2: got 1');
    expect(() => traverseFactor([0, NaN, 0], 0, fns)).toThrow('base latent code 0, dimension 1 is not finite: NaN');
  });

  it('rejects a decode function that loses cells', () => {
    const fns: TraversalFunctions<Fake> = { decode: (z) => z.slice(1).map(decodeOne), attributes: (c) => c };
    expect(() => traverseFactor([0, 0, 0], 0, fns)).toThrow('decode returned 9 cells for 10 latent codes');
  });
});

describe('traverseFactors', () => {
  it('decodes each base once plus every (base, factor, step), in batches of batchSize', () => {
    const fns = fakeFunctions();
    const ts = traverseFactors([[0, 0, 0], [0.5, 0, 0]], fns, { batchSize: 20 });
    // 2 bases + 2 × 3 factors × 9 steps = 56 codes → 20, 20, 16
    expect(fns.calls).toEqual([20, 20, 16]);
    expect(ts.map((t) => [t.baseIndex, t.factor])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    // base 1 (z0 = 0.5): factor 1 crosses both b (at 0.15) and c (at z1 = −0.15)
    expect(ts[4].steps[8].changed).toEqual(['b']);
    expect(ts[4].steps[0].changed).toEqual(['c']);
  });
});

describe('factorConcepts', () => {
  it('finds the attribute each factor changes, with the fraction of bases where it does', () => {
    const rng = new Rng('factor-concepts');
    // z1 is drawn from the traversal grid so the base decode of `c` is one the steps also visit.
    const grid = [-0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4];
    const bases = Array.from({ length: 60 }, () => [rng.uniformIn(-1, 1), rng.choice(grid), rng.uniformIn(-0.3, 0.3)]);
    const concepts = factorConcepts(traverseFactors(bases, fakeFunctions()));
    expect(concepts.map((c) => [c.factor, c.concept, c.consistency])).toEqual([
      [0, 'a', 1],
      [1, 'b', 1],
      [2, null, 0],
    ]);
    // c changes along factor 1 exactly when z1 = −0.4 and z1 = 0.4 fall on either side of its
    // threshold 0.35 − z0, i.e. −0.05 < z0 < 0.75.
    const expectedC = bases.filter((z) => z[0] > -0.05 && z[0] < 0.75).length / bases.length;
    expect(expectedC).toBeGreaterThan(0.2); // the check below must not be vacuous
    expect(expectedC).toBeLessThan(0.8);
    expect(concepts[1].changeFrequency.find((f) => f.attribute === 'c')!.fraction).toBeCloseTo(expectedC, 12);
    expect(concepts[2].invalidStepFraction).toBeCloseTo(1 / 9, 12);
    expect(concepts.every((c) => c.traversals === 60 && c.skippedTraversals === 0)).toBe(true);
  });

  it('only considers the attributes it is given', () => {
    // factor 0 changes `a`, and `c` at z0 = 0.4 (0.4 + 0 > 0.35), but never `b`.
    const ts = traverseFactors([[0, 0, 0]], fakeFunctions(), { factors: [0] });
    expect(factorConcepts(ts)[0].changeFrequency.map((f) => [f.attribute, f.fraction])).toEqual([['a', 1], ['c', 1], ['b', 0]]);
    expect(factorConcepts(ts, { attributes: ['b'] })[0].concept).toBeNull();
  });
});

describe('changedAttributes', () => {
  it('lists differing names in order, including names only one record has', () => {
    expect(changedAttributes({ p: 1, q: 'x', r: true }, { p: 1, q: 'y', r: false, s: 2 })).toEqual(['q', 'r', 's']);
  });
});
