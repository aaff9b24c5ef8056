// Tests of the MLP ensemble predictor (lib/search/mlp-ensemble.ts): one-hot feature indices, that
// training learns a simple rule and lowers the error, determinism per seed, divergence, and one
// toThrow per validation rule.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { MLP_ENSEMBLE_DEFAULTS, oneHotFeatures, trainMlpEnsemble, type MlpEnsembleOptions } from '../../lib/search/mlp-ensemble';

/**
 * 60 rows over 2 positions × 3 tokens (input size 6): the target is 0.5 + 0.1 · (token at position 0)
 * plus 0.001 · (token at position 1), a small deterministic variation the net may ignore.
 */
const ROWS = Array.from({ length: 60 }, (_, i) => [i % 3, Math.floor(i / 3) % 3]);
const X = ROWS.map((tokens) => oneHotFeatures(tokens, 3));
const Y = ROWS.map(([t0, t1]) => 0.5 + 0.1 * t0 + 0.001 * t1);
const INPUT = 6;

const meanOf = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const stdOf = (v: readonly number[]): number => Math.sqrt(meanOf(v.map((x) => (x - meanOf(v)) ** 2)));
/** Mean squared error of an ensemble's mean prediction on the training rows. */
const trainingMse = (options: MlpEnsembleOptions, seed: string): number => {
  const model = trainMlpEnsemble(X, Y, INPUT, new Rng(seed), options);
  return meanOf(X.map((row, i) => (model.predict(row).mean - Y[i]) ** 2));
};

describe('oneHotFeatures', () => {
  it('maps token t at position p to feature p · vocab + t', () => {
    // vocab 5: position 0 token 2 → 2, position 1 token 0 → 5, position 2 token 4 → 14.
    expect(oneHotFeatures([2, 0, 4], 5)).toEqual([2, 5, 14]);
    expect(oneHotFeatures([], 5)).toEqual([]);
  });
});

describe('trainMlpEnsemble', () => {
  it('uses 5 members and Adam at lr 0.01 as BANANAS, on 2 hidden layers of 32', () => {
    expect(MLP_ENSEMBLE_DEFAULTS).toEqual({ members: 5, hidden: [32, 32], epochs: 100, learningRate: 0.01, batchSize: 32 });
  });

  it('learns a rule of one token position: training error far below the target spread', () => {
    const model = trainMlpEnsemble(X, Y, INPUT, new Rng('learn'));
    const predictions = X.map((row) => model.predict(row));
    const mae = meanOf(predictions.map((p, i) => Math.abs(p.mean - Y[i])));
    // The targets spread by std ≈ 0.082; a fitted net is off by far less than a tenth of that.
    expect(stdOf(Y)).toBeCloseTo(0.0817, 3);
    expect(mae).toBeLessThan(0.1 * stdOf(Y));
    // The members disagree a little (independent inits): a spread ≥ 0 everywhere, > 0 somewhere.
    expect(predictions.every((p) => p.std >= 0 && Number.isFinite(p.std))).toBe(true);
    expect(predictions.some((p) => p.std > 0)).toBe(true);
  });

  it('predicts a constant target without NaN (zero spread is standardised by 1)', () => {
    const model = trainMlpEnsemble(X, X.map(() => 0.7), INPUT, new Rng('constant'), { epochs: 50 });
    const p = model.predict(X[0]);
    expect(Number.isFinite(p.mean)).toBe(true);
    expect(Math.abs(p.mean - 0.7)).toBeLessThan(0.01);
  });

  it('gives identical predictions for the same seed and different ones for another seed', () => {
    const predict = (seed: string) => {
      const model = trainMlpEnsemble(X, Y, INPUT, new Rng(seed), { epochs: 10 });
      return X.slice(0, 9).map((row) => model.predict(row));
    };
    expect(predict('same')).toEqual(predict('same'));
    expect(predict('same')).not.toEqual(predict('other'));
  });

  it('lowers the training error: 200 epochs beat 1 epoch from the same initial weights', () => {
    // One member with 3 hidden units and full-batch Adam: the same seed gives the same initial
    // weights, so the only difference is 199 more gradient steps. A wrong gradient sign or a
    // broken backward pass would leave the error where it was (or raise it).
    const options = { members: 1, hidden: [3], batchSize: 60 };
    const before = trainingMse({ ...options, epochs: 1 }, 'descent');
    const after = trainingMse({ ...options, epochs: 200 }, 'descent');
    expect(after).toBeLessThan(before / 10);
  });

  it('stops with an error instead of returning NaN when training diverges', () => {
    // lr 1e100: the first Adam step moves weights by ~1e100, the next forward pass overflows.
    expect(() => trainMlpEnsemble(X, Y, INPUT, new Rng('diverge'), { learningRate: 1e100, epochs: 5 })).toThrow(
      'MLP training diverged (non-finite weight) at lr 1e+100',
    );
  });

  it('rejects fewer than 2 training rows', () => {
    expect(() => trainMlpEnsemble([[0, 3]], [0.5], INPUT, new Rng(0))).toThrow(RangeError);
    expect(() => trainMlpEnsemble([[0, 3]], [0.5], INPUT, new Rng(0))).toThrow('the ensemble needs at least 2 training rows: got 1');
  });

  it('rejects rows and targets of different lengths', () => {
    expect(() => trainMlpEnsemble(X.slice(0, 3), Y.slice(0, 2), INPUT, new Rng(0))).toThrow('x has 3 rows but y has 2 targets');
  });

  it('rejects a feature index outside the input, naming the row and the index', () => {
    // Row 1 reads feature 6 of an input of 6 (indices 0..5); then a negative and a fractional index.
    expect(() => trainMlpEnsemble([[0, 3], [1, 6]], [0.5, 0.6], INPUT, new Rng(0))).toThrow('row 1: feature index 6 outside 0..5');
    expect(() => trainMlpEnsemble([[-1, 3], [1, 4]], [0.5, 0.6], INPUT, new Rng(0))).toThrow('row 0: feature index -1 outside 0..5');
    expect(() => trainMlpEnsemble([[0, 3], [1.5, 4]], [0.5, 0.6], INPUT, new Rng(0))).toThrow('row 1: feature index 1.5 outside 0..5');
  });

  it('rejects a member count that is not a positive integer', () => {
    expect(() => trainMlpEnsemble(X, Y, INPUT, new Rng(0), { members: 0 })).toThrow('members must be a positive integer: got 0');
  });

  it('rejects an epoch count that is not a positive integer', () => {
    expect(() => trainMlpEnsemble(X, Y, INPUT, new Rng(0), { epochs: 2.5 })).toThrow('epochs must be a positive integer: got 2.5');
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => trainMlpEnsemble(X, Y, INPUT, new Rng(0), { batchSize: 0 })).toThrow('batchSize must be a positive integer: got 0');
  });

  it('rejects an input size that is not a positive integer', () => {
    expect(() => trainMlpEnsemble(X, Y, 0, new Rng(0))).toThrow('inputSize must be a positive integer: got 0');
  });

  it('rejects hidden widths that are not positive integers', () => {
    expect(() => trainMlpEnsemble(X, Y, INPUT, new Rng(0), { hidden: [32, 0] })).toThrow('hidden widths must be positive integers: got [32, 0]');
    expect(() => trainMlpEnsemble(X, Y, INPUT, new Rng(0), { hidden: [4.5] })).toThrow('hidden widths must be positive integers: got [4.5]');
  });

  it('rejects a learning rate that is not a finite number > 0', () => {
    expect(() => trainMlpEnsemble(X, Y, INPUT, new Rng(0), { learningRate: 0 })).toThrow('learningRate must be a finite number > 0: got 0');
    expect(() => trainMlpEnsemble(X, Y, INPUT, new Rng(0), { learningRate: Number.POSITIVE_INFINITY })).toThrow('learningRate must be a finite number > 0: got Infinity');
    expect(() => trainMlpEnsemble(X, Y, INPUT, new Rng(0), { learningRate: Number.NaN })).toThrow('learningRate must be a finite number > 0: got NaN');
  });

  it('predicts only rows whose feature indices fit the input it was trained on', () => {
    // A row from another encoding must not come back as NaN (house style: never return NaN).
    const model = trainMlpEnsemble(X, Y, INPUT, new Rng(0), { epochs: 2 });
    expect(() => model.predict([0, INPUT])).toThrow(`feature index ${INPUT} outside 0..${INPUT - 1}`);
  });

  it('takes the default for an option passed as undefined', () => {
    // Spreading {epochs: undefined} over the defaults used to replace the default with undefined.
    const a = trainMlpEnsemble(X, Y, INPUT, new Rng(3), { epochs: undefined, hidden: undefined });
    const b = trainMlpEnsemble(X, Y, INPUT, new Rng(3));
    expect(a.predict(X[0])).toEqual(b.predict(X[0]));
  });

  it('learns from dense rows, and its input gradients equal finite differences of each member', () => {
    const rng = new Rng(9);
    const x = Array.from({ length: 120 }, () => Float64Array.from({ length: 5 }, () => rng.normal()));
    const y = x.map((r) => 0.9 + 0.02 * Math.tanh(r[0]) - 0.01 * r[1]);
    const model = trainMlpEnsemble(x, y, 5, new Rng(1), { members: 3, hidden: [16, 16], epochs: 60 });
    // the fit follows the target's sign on the first two inputs
    const base = Float64Array.from([0, 0, 0, 0, 0]);
    expect(model.predict(Float64Array.from([1.5, 0, 0, 0, 0])).mean).toBeGreaterThan(model.predict(base).mean);
    expect(model.predict(Float64Array.from([0, 1.5, 0, 0, 0])).mean).toBeLessThan(model.predict(base).mean);
    const row = x[3];
    const { members, gradients } = model.gradients(row);
    expect(members).toHaveLength(3);
    const h = 1e-6;
    for (let d = 0; d < 5; d++) {
      const moved = Float64Array.from(row);
      moved[d] += h;
      const after = model.gradients(moved).members;
      members.forEach((m, k) => expect(gradients[k][d]).toBeCloseTo((after[k] - m) / h, 4));
    }
  });

  it('stops each member after maxSteps, and rejects mixed or wrong-length dense rows', () => {
    const rng = new Rng(4);
    const x = Array.from({ length: 64 }, () => Float64Array.from({ length: 3 }, () => rng.normal()));
    const y = x.map((r) => r[0]);
    // 64 rows, batch 32: 2 steps an epoch; maxSteps 3 stops in the second epoch, the same as epochs 100 with maxSteps 3
    const a = trainMlpEnsemble(x, y, 3, new Rng(2), { members: 1, epochs: 2, maxSteps: 3 });
    const b = trainMlpEnsemble(x, y, 3, new Rng(2), { members: 1, epochs: 100, maxSteps: 3 });
    const c = trainMlpEnsemble(x, y, 3, new Rng(2), { members: 1, epochs: 2 });
    expect(a.predict(x[0])).toEqual(b.predict(x[0]));
    expect(a.predict(x[0])).not.toEqual(c.predict(x[0]));
    expect(() => trainMlpEnsemble([x[0], [0]], [0, 1], 3, new Rng(0))).toThrow('row 1 is sparse but row 0 is dense');
    expect(() => trainMlpEnsemble([x[0], Float64Array.of(1, 2)], [0, 1], 3, new Rng(0))).toThrow('row 1 has 2 values (expected 3)');
    expect(() => a.gradients([0] as never)).toThrow('gradients need a dense row (Float64Array)');
    expect(() => trainMlpEnsemble(x, y, 3, new Rng(0), { maxSteps: 0 })).toThrow('maxSteps must be a positive integer: got 0');
  });
});
