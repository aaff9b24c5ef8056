// Tests of Eq 5's KL term: the reduction over latent units, the free-bits floor, and KL in standard units.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { resolveConfig } from '../../lib/controller/config';
import { initWeights, klPerUnit, lossTerms } from '../../lib/controller/model';

beforeAll(async () => {
  await initBackend({ force: 'cpu', quiet: true });
});

describe('lossTerms', () => {
  it('weighs a KL term latentDim times larger with klReduction "sum" than "mean"; reports KL summed (nats) either way', () => {
    const grammar = { sequenceLength: 5, vocabSize: 4 };
    const mean = resolveConfig(grammar, { hidden: 6, latentDim: 3, seed: 1 });
    const sum = resolveConfig(grammar, { hidden: 6, latentDim: 3, seed: 1, klReduction: 'sum' });
    const tokens = [[1, 2, 3, 0, 0], [2, 2, 1, 3, 0]];
    const values = (config: typeof mean) =>
      tf.tidy(() => {
        const terms = lossTerms(initWeights(config), config, {
          tokens,
          accuracy: tf.tensor1d([0.1, -0.1]),
          flops: tf.tensor1d([0.2, -0.2]),
          epsilon: tf.zeros([2, 3]) as tf.Tensor2D,
        });
        return { kl: terms.kl.dataSync()[0], rec: terms.rec.dataSync()[0], total: terms.total.dataSync()[0], acc: terms.acc.dataSync()[0], flops: terms.flops.dataSync()[0] };
      });
    const a = values(mean);
    const b = values(sum);
    expect(a.kl).toBeGreaterThan(0);
    expect(b.kl).toBeCloseTo(a.kl, 5);
    expect(b.rec).toBeCloseTo(a.rec, 5);
    // total = 0.8·acc + 0.3·flops + 0.2·rec + β·KL_reduced, β = 1.
    const rest = 0.8 * a.acc + 0.3 * a.flops + 0.2 * a.rec;
    expect(a.total - rest).toBeCloseTo(a.kl / 3, 4);
    expect(b.total - rest).toBeCloseTo(b.kl, 4);
  });

  it('computes KL per latent unit as the analytic ½(μ² + σ² − 1 − log σ²), batch-averaged', () => {
    const units = tf.tidy(() => klPerUnit(tf.tensor2d([[1, 0], [0, 0]]), tf.tensor2d([[0, Math.log(4)], [0, Math.log(4)]])).arraySync());
    // unit 0: (½·1 + 0)/2 = 0.25; unit 1: ½(4 − 1 − ln 4) = 0.8069 for both rows.
    expect(units[0]).toBeCloseTo(0.25, 5);
    expect(units[1]).toBeCloseTo(0.5 * (3 - Math.log(4)), 5);
  });

  it('floors each unit at freeBitsNats in the loss but reports the true KL', () => {
    const grammar = { sequenceLength: 5, vocabSize: 4 };
    const plain = resolveConfig(grammar, { hidden: 6, latentDim: 3, seed: 1, klReduction: 'sum', lossWeights: { alpha: 0, lambda: 0, mu: 0 } });
    const floored = resolveConfig(grammar, { ...plain, freeBitsNats: 50, lossWeights: { alpha: 0, lambda: 0, mu: 0 } });
    const run = (config: typeof plain) => tf.tidy(() => {
      const terms = lossTerms(initWeights(config), config, { tokens: [[1, 2, 3, 0, 0]], accuracy: null, flops: null, epsilon: tf.zeros([1, 3]) as tf.Tensor2D });
      return { kl: terms.kl.dataSync()[0], total: terms.total.dataSync()[0] };
    });
    const a = run(plain);
    const b = run(floored);
    expect(a.total).toBeCloseTo(a.kl, 5);
    expect(b.kl).toBeCloseTo(a.kl, 5);
    expect(b.kl).toBeLessThan(150);
    expect(b.total).toBeCloseTo(150, 3);
  });
});
