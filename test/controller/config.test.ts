// Tests of the controller configuration: the DNAS defaults and one toThrow per validation rule.
import { describe, expect, it } from 'vitest';
import { DNAS_LOSS_WEIGHTS, resolveConfig, standardVaeObjective, textbookBeta } from '../../lib/controller/config';

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

  it("says what the paper's β = 1 is in textbook units: 1 / (μ·latentDim) = 1 / (0.2·26)", () => {
    expect(textbookBeta(resolveConfig(GRAMMAR))).toBeCloseTo(1 / (0.2 * 26), 10);
    expect(textbookBeta(resolveConfig(GRAMMAR, standardVaeObjective(4)))).toBe(4);
  });

  it('rejects bad KL-schedule and decoder options, naming value and limit', () => {
    expect(() => resolveConfig(GRAMMAR, { freeBitsNats: -1 })).toThrow('freeBitsNats must be a finite number ≥ 0: got -1');
    expect(() => resolveConfig(GRAMMAR, { klWarmupSteps: 1.5 })).toThrow('klWarmupSteps must be an integer ≥ 0: got 1.5');
    expect(() => resolveConfig(GRAMMAR, { capacity: { targetNats: 20, steps: 0 } })).toThrow('capacity.steps must be an integer ≥ 1: got 0');
    expect(() => resolveConfig(GRAMMAR, { wordDropout: 1 })).toThrow('wordDropout must be in [0, 1): got 1');
    expect(() => resolveConfig(GRAMMAR, { encoderOutput: 'first' as 'last' })).toThrow("encoderOutput must be 'mean' or 'last': got first");
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
