// Tests of the β-table row: a hand-built two-factor "controller" whose every score is known
// (z0 decides the op of vertex 1, z1 the skip edge), then a tiny real controller for shapes and ranges.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { factorFor, scoreController } from '../../lib/analysis/controller-scores';
import type { FactorConcept } from '../../lib/analysis/traversal';
import type { Controller } from '../../lib/controller/index';
import { NASBENCH101_CELL_VIEW } from '../../lib/experiments/cell-views';
import { trainedController } from '../../lib/experiments/trained-controller';
import type { Cell } from '../../lib/spaces/nasbench101/cell';
import { encodeCell } from '../../lib/spaces/nasbench101/encoding';
import { buildSpaceCacheFirst } from '../space-cache';

buildSpaceCacheFirst();
beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

/** in → v1 → out, v1 a 3×3 conv (z0 < 0.05) or a 1×1 conv (z0 ≥ 0.05), plus in → out when z1 ≥ 0.05. */
function cellOf(conv1x1: boolean, skip: boolean): Cell {
  return { matrix: [[0, 1, skip ? 1 : 0], [0, 0, 1], [0, 0, 0]], ops: ['input', conv1x1 ? 'conv1x1-bn-relu' : 'conv3x3-bn-relu', 'output'] };
}

/**
 * A perfectly disentangled, perfectly reconstructing stand-in for a Controller: μ = (±0.3, ±0.3)
 * from the op and the skip, log σ² = 0, decode inverts encode, and the predictor is 0.9 + 0.01·z0.
 */
const STUB = {
  encode(tokens: readonly (readonly number[])[]) {
    const mu = tokens.map((t) => {
      const a = NASBENCH101_CELL_VIEW.attributes(NASBENCH101_CELL_VIEW.cellOf(t)!);
      return [a.op1 === 'conv1x1-bn-relu' ? 0.3 : -0.3, a.inputToOutput ? 0.3 : -0.3];
    });
    return { mu, logVar: mu.map(() => [0, 0]) };
  },
  decode: (z: readonly (readonly number[])[]) => z.map(([a, b]) => encodeCell(cellOf(a >= 0.05, b >= 0.05))),
  predict: (z: readonly (readonly number[])[]) => ({ accuracy: z.map(([a]) => 0.9 + 0.01 * a), flopsM: null }),
} as unknown as Controller;

// Eight cells, each of the four (op, skip) combinations twice, so z0 and z1 are independent.
const CELLS = [false, true].flatMap((conv1x1) => [false, true].flatMap((skip) => [cellOf(conv1x1, skip), cellOf(conv1x1, skip)]));
const DATA = { tokens: CELLS.map(encodeCell), accuracy: CELLS.map((c) => (c.ops[1] === 'conv1x1-bn-relu' ? 0.93 : 0.91)) };

describe('scoreController on a known disentangled model', () => {
  const scores = scoreController(STUB, DATA, NASBENCH101_CELL_VIEW, { traversalBases: 4 });

  it('reconstructs every cell exactly and decodes only valid cells', () => {
    expect([scores.row.exactReconstruction, scores.row.tokenAccuracy, scores.row.validDecodes]).toEqual([1, 1, 1]);
  });

  it('ranks by the predictor: τ-b and ρ are 1 when predictions order the two accuracy levels exactly', () => {
    // Ties on both sides are the same pairs, so τ-b = (C − D)/√(…) = 16/16.
    expect(scores.row.kendallTau).toBeCloseTo(1, 12);
    expect(scores.row.spearman).toBeCloseTo(1, 12);
  });

  it('gives MIG 1: op1 is z0 alone, edges and inputToOutput are z1 alone; constant attributes are skipped', () => {
    expect(scores.row.mig).toBeCloseTo(1, 12);
    expect(scores.mig.scores.map((s) => [s.attribute, s.best])).toEqual([['op1', 0], ['edges', 1], ['inputToOutput', 1]]);
    expect(scores.mig.skipped).toEqual(['op2', 'op3', 'op4', 'op5', 'vertices', 'depth', 'width']);
  });

  it('gives purity 1/2: each z0 traversal changes op1 alone once, each z1 traversal changes two attributes once', () => {
    expect(scores.purity).toMatchObject({ purity: 0.5, changes: 8, pure: 4, invalid: 0 });
    expect(scores.traversals).toHaveLength(4 * 2);
    expect(scores.row.factorsWithConcept).toBe(2);
  });

  it('finds z0 → op1 and z1 → edges (tied with inputToOutput, first in attribute order)', () => {
    expect(scores.concepts.map((c) => [c.factor, c.concept, c.consistency])).toEqual([[0, 'op1', 1], [1, 'edges', 1]]);
  });

  it('counts both factors active: KL = ½·0.3² = 0.045 nats each (> 0.01)', () => {
    expect(scores.row.activeFactors).toBe(2);
    expect(scores.row.klNats).toBeCloseTo(0.09, 12);
  });

  it('reports the codes\' spread: every factor is ±0.3 half the time, so √(mean variance) = 0.3', () => {
    expect(scores.row.muStd).toBeCloseTo(0.3, 12);
  });

  it('rejects fewer than 2 cells, mismatched lengths, bad traversalBases and invalid held-out sequences', () => {
    expect(() => scoreController(STUB, { tokens: DATA.tokens.slice(0, 1), accuracy: [0.9] }, NASBENCH101_CELL_VIEW)).toThrow('needs at least 2 held-out cells: got 1');
    expect(() => scoreController(STUB, { tokens: DATA.tokens, accuracy: [0.9] }, NASBENCH101_CELL_VIEW)).toThrow('accuracy has 1 values but tokens has 8 sequences');
    expect(() => scoreController(STUB, DATA, NASBENCH101_CELL_VIEW, { traversalBases: 9 })).toThrow('traversalBases must be an integer in 1..8: got 9');
    const broken = [2, 3, 1, 1, 6, ...new Array<number>(22).fill(0)]; // vertex 2 (output) has no incoming edge
    expect(() => scoreController(STUB, { tokens: [broken, DATA.tokens[0]], accuracy: [0.9, 0.91] }, NASBENCH101_CELL_VIEW)).toThrow('held-out sequence 0 is not a valid cell');
  });

  it('leaves the rank scores null when the predictor is constant (instead of NaN)', () => {
    const flat = { ...STUB, predict: (z: number[][]) => ({ accuracy: z.map(() => 0.9), flopsM: null }) } as unknown as Controller;
    const row = scoreController(flat, DATA, NASBENCH101_CELL_VIEW, { traversalBases: 1 }).row;
    expect([row.kendallTau, row.spearman]).toEqual([null, null]);
  });
});

describe('factorFor', () => {
  const concept = (factor: number, concept: string | null, changes: [string, number][]): FactorConcept => ({
    factor, concept, consistency: changes[0]?.[1] ?? 0, changeFrequency: changes.map(([attribute, fraction]) => ({ attribute, fraction })),
    traversals: 10, skippedTraversals: 0, invalidStepFraction: 0,
  });
  const CONCEPTS = [
    concept(0, 'edges', [['edges', 0.9], ['depth', 0.8], ['op3', 0.1]]),
    concept(1, 'op3', [['op3', 0.6], ['edges', 0.2]]),
    concept(2, 'op1', [['op1', 0.7]]),
    concept(3, null, [['op1', 0]]),
  ];
  const OPS = ['op1', 'op2', 'op3', 'op4', 'op5'];

  it('prefers a factor whose concept is in the group, then the larger fraction', () => {
    expect(factorFor(CONCEPTS, OPS)).toEqual({ factor: 2, attribute: 'op1', fraction: 0.7, isConcept: true });
    expect(factorFor(CONCEPTS, OPS, [2])).toEqual({ factor: 1, attribute: 'op3', fraction: 0.6, isConcept: true });
  });

  it('falls back to a factor that changes a group attribute without it being its concept', () => {
    expect(factorFor(CONCEPTS, ['vertices', 'depth', 'inputToOutput'])).toEqual({ factor: 0, attribute: 'depth', fraction: 0.8, isConcept: false });
  });

  it('returns null when no factor changes the group', () => {
    expect(factorFor(CONCEPTS, ['width'])).toBeNull();
    expect(factorFor(CONCEPTS, OPS, [0, 1, 2])).toBeNull();
  });
});

describe('scoreController on a tiny trained controller', () => {
  it('returns scores in their ranges, one traversal per base and factor, and leaks no tensors', async () => {
    const trained = await trainedController({ labelled: 40, heldOut: 30, steps: 4, batchSize: 20, seed: 3, controller: { hidden: 8, latentDim: 5 }, cache: false, progress: false });
    const before = tf.memory().numTensors;
    const scores = scoreController(trained.controller, trained.heldOut, NASBENCH101_CELL_VIEW, { traversalBases: 3, traversal: { steps: 5 } });
    expect(tf.memory().numTensors).toBe(before);
    const { row } = scores;
    expect(row.cells).toBe(30);
    for (const v of [row.exactReconstruction, row.tokenAccuracy, row.validDecodes, row.mig!, row.purity ?? 0]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(Math.abs(row.kendallTau!)).toBeLessThanOrEqual(1);
    expect(row.activeFactors).toBeGreaterThanOrEqual(0);
    expect(row.activeFactors).toBeLessThanOrEqual(5);
    expect(scores.mu).toHaveLength(30);
    expect(scores.mu[0]).toHaveLength(5);
    expect(scores.traversals).toHaveLength(3 * 5);
    expect(scores.traversals.every((t) => t.steps.length === 5)).toBe(true);
    expect(scores.concepts.map((c) => c.factor)).toEqual([0, 1, 2, 3, 4]);
    // MIG is computed over every held-out cell and only the view's attributes.
    expect([...scores.mig.scores.map((s) => s.attribute), ...scores.mig.skipped].sort()).toEqual([...NASBENCH101_CELL_VIEW.attributeNames].sort());
    trained.controller.dispose();
  });
});
