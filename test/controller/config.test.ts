// Tests of the controller configuration: the DNAS defaults and one toThrow per validation rule.
import { describe, expect, it } from 'vitest';
import { DNAS_LOSS_WEIGHTS, resolveConfig } from '../../lib/controller/config';

const GRAMMAR = { sequenceLength: 27, vocabSize: 7 };

describe('resolveConfig', () => {
  it('defaults to the DNAS NAS-Bench-101 controller (hidden 26, α 0.8, λ 0.3, μ 0.2, β 1, lr 0.001)', () => {
    const config = resolveConfig(GRAMMAR);
    expect(config).toMatchObject({ hidden: 26, embedding: 26, latentDim: 26, decoderLayers: 1, accuracyHidden: 64, disentangle: true, flopsPredictor: true, learningRate: 0.001 });
    expect(config.lossWeights).toEqual({ alpha: 0.8, lambda: 0.3, mu: 0.2, beta: 1 });
    expect(DNAS_LOSS_WEIGHTS.beta).toBe(1);
  });

  it('lets one loss weight be overridden without losing the others', () => {
    expect(resolveConfig(GRAMMAR, { lossWeights: { beta: 4 } }).lossWeights).toEqual({ alpha: 0.8, lambda: 0.3, mu: 0.2, beta: 4 });
  });

  it('reduces KL per latent unit by default and accepts the textbook sum', () => {
    expect(resolveConfig(GRAMMAR).klReduction).toBe('mean');
    expect(resolveConfig(GRAMMAR, { klReduction: 'sum' }).klReduction).toBe('sum');
  });

  it('rejects an unknown KL reduction', () => {
    expect(() => resolveConfig(GRAMMAR, { klReduction: 'max' as 'sum' })).toThrow("klReduction must be 'mean' or 'sum': got max");
  });

  it('rejects latentDim ≤ 0', () => {
    expect(() => resolveConfig(GRAMMAR, { latentDim: 0 })).toThrow('latentDim must be an integer ≥ 1: got 0');
  });

  it('rejects a fractional hidden size', () => {
    expect(() => resolveConfig(GRAMMAR, { hidden: 2.5 })).toThrow('hidden must be an integer ≥ 1: got 2.5');
  });

  it('rejects zero decoder layers', () => {
    expect(() => resolveConfig(GRAMMAR, { decoderLayers: 0 })).toThrow('decoderLayers must be an integer ≥ 1: got 0');
  });

  it('rejects a vocabulary of one token', () => {
    expect(() => resolveConfig({ sequenceLength: 27, vocabSize: 1 })).toThrow('vocabSize must be an integer ≥ 2: got 1');
  });

  it('rejects an empty sequence', () => {
    expect(() => resolveConfig({ sequenceLength: 0, vocabSize: 7 })).toThrow('sequenceLength must be an integer ≥ 1: got 0');
  });

  it('rejects a negative loss weight', () => {
    expect(() => resolveConfig(GRAMMAR, { lossWeights: { beta: -1 } })).toThrow('loss weight beta must be a finite number ≥ 0: got -1');
  });

  it('rejects a learning rate ≤ 0', () => {
    expect(() => resolveConfig(GRAMMAR, { learningRate: 0 })).toThrow('learningRate must be > 0: got 0');
  });

  it('rejects a negative seed', () => {
    expect(() => resolveConfig(GRAMMAR, { seed: -1 })).toThrow('seed must be a non-negative integer: got -1');
  });
});
