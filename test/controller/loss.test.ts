// Tests of Eq 5's KL term reduction: 'sum' is latentDim × 'mean' on the same weights and batch.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { resolveConfig } from '../../lib/controller/config';
import { initWeights, lossTerms } from '../../lib/controller/model';

beforeAll(async () => {
  await initBackend({ force: 'cpu', quiet: true });
});

describe('lossTerms', () => {
  it('gives a KL term latentDim times larger with klReduction "sum" than "mean", and the same reconstruction', () => {
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
        return { kl: terms.kl.dataSync()[0], rec: terms.rec.dataSync()[0] };
      });
    const a = values(mean);
    const b = values(sum);
    expect(a.kl).toBeGreaterThan(0);
    expect(b.kl).toBeCloseTo(3 * a.kl, 5);
    expect(b.rec).toBeCloseTo(a.rec, 5);
  });
});
