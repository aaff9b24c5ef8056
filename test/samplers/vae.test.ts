// Tests of the VAENAS sampler (Algorithm 1) with tiny VAEs on real NAS-Bench-101 cells: selection by
// noisy ranking, training on stored accuracies, seeded sampling, counted invalid decodes, no leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { sampleDistinct } from '../../lib/samplers/sampler';
import { selectTopFraction, trainVae, trainVaeSampler, vaeControllerOptions, vaeSampler, VAE_SAMPLER_CONTROLLER, VAENAS_SELECTION } from '../../lib/samplers/vae';
import type { Cell } from '../../lib/spaces/nasbench101/cell';
import { nasbench101SearchSpace } from '../../lib/spaces/nasbench101/search-space';
import { loadNasbench101Space } from '../../lib/spaces/nasbench101/space';
import type { SearchSpace } from '../../lib/spaces/search-space';
import { buildSpaceCacheFirst } from '../space-cache';

buildSpaceCacheFirst();

/**
 * Small enough to train in under a second: 8 hidden units, 4 latent factors, 60 steps of 20 at lr 0.03
 * (measured: 50 draws need about 60 decodes; at 6 steps every greedy decode was still invalid).
 */
const TINY = { steps: 60, batchSize: 20, controller: { hidden: 8, latentDim: 4, learningRate: 0.03 } };

let space: SearchSpace<Cell>;
let evaluated: { cells: Cell[]; accuracies: number[] };

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  space = nasbench101SearchSpace(await loadNasbench101Space({ quiet: true }));
  const rng = new Rng(11);
  // 80 valid cells with made-up accuracies 0.80 … 0.959 (distinct, so the ranking is known)
  const cells = Array.from({ length: 80 }, () => space.sampleUniform(rng));
  evaluated = { cells, accuracies: cells.map((_, i) => 0.8 + ((i * 37) % 80) / 500) };
}, 60_000);

describe('selectTopFraction', () => {
  it('keeps the top ⌈K·N⌉ by accuracy, best first, ties by index', () => {
    // 5 cells, K = 40% → ⌈2⌉ = 2: indices 3 (0.9) and 1 (0.5); a tie at 0.5 goes to the lower index
    const picked = selectTopFraction([0.1, 0.5, 0.3, 0.9, 0.5], 0.4, 0, new Rng(0));
    expect(picked.indices).toEqual([3, 1]);
    expect(picked.minSelectedAccuracy).toBe(0.5);
    expect(selectTopFraction([0.1, 0.5, 0.3, 0.9, 0.5], 0.5, 0, new Rng(0)).indices).toEqual([3, 1, 4]);
  });
  it('uses the paper defaults: 6,000 evaluated, top 25% = 1,500', () => {
    expect(VAENAS_SELECTION).toEqual({ evaluated: 6000, topFraction: 0.25 });
    const accuracies = Array.from({ length: 6000 }, (_, i) => i / 6000);
    expect(selectTopFraction(accuracies, 0.25, 0, new Rng(0)).indices).toHaveLength(1500);
  });
  it('adds noise to the ranking only: the stored accuracies are never written', () => {
    const stored = Object.freeze(Array.from({ length: 200 }, (_, i) => 0.9 + i * 1e-5));
    const noisy = selectTopFraction(stored, 0.25, 0.005, new Rng(1));
    // the ranking saw noisy values (std 0.005 ≫ the 1e-5 spacing), so the selection differs from the true top 50
    expect(noisy.rankingAccuracies.some((a, i) => a !== stored[i])).toBe(true);
    expect(noisy.indices).not.toEqual(selectTopFraction(stored, 0.25, 0, new Rng(1)).indices);
    // the indices follow the noisy ranking exactly
    const order = noisy.indices.map((i) => noisy.rankingAccuracies[i]);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    // the reported minimum comes from the stored accuracies, not the noisy ones
    expect(noisy.minSelectedAccuracy).toBe(Math.min(...noisy.indices.map((i) => stored[i])));
  });
  it('draws no random numbers at noise 0', () => {
    const rng = new Rng(2);
    selectTopFraction([0.3, 0.2], 0.5, 0, rng);
    expect(rng.nextUint32()).toBe(new Rng(2).nextUint32());
  });
  it('rejects a fraction outside (0, 1], negative noise and non-finite accuracies', () => {
    expect(() => selectTopFraction([0.5], 0, 0, new Rng(0))).toThrow('topFraction must be in (0, 1]: got 0');
    expect(() => selectTopFraction([0.5], 0.5, -0.001, new Rng(0))).toThrow('noiseStd must be a finite number ≥ 0: got -0.001');
    expect(() => selectTopFraction([0.5, Number.NaN], 0.5, 0, new Rng(0))).toThrow('accuracy 1 is not finite: NaN');
    expect(() => selectTopFraction([], 0.5, 0, new Rng(0))).toThrow('selectTopFraction needs at least one evaluated cell');
  });
});

describe('trainVaeSampler', () => {
  it('trains on the selected cells with their stored accuracies, never the noisy ones', () => {
    const trained = trainVaeSampler(space, evaluated, { ...TINY, seed: 3, topFraction: 0.25, noiseStd: 0.005 });
    const selected = trained.selection.indices.map((i) => evaluated.accuracies[i]);
    expect(selected).toHaveLength(20);
    // Controller.train normalises with the mean/std of the accuracies it was given
    const mean = selected.reduce((s, a) => s + a, 0) / selected.length;
    expect(trained.sampler.controller.normalisation.accuracy.mean).toBeCloseTo(mean, 12);
    const noisyMean = trained.selection.indices.reduce((s, i) => s + trained.selection.rankingAccuracies[i], 0) / selected.length;
    expect(Math.abs(noisyMean - mean)).toBeGreaterThan(1e-6);
    trained.dispose();
  });
  it('uses the VAE bound only: no accuracy or FLOPs predictor weight, KL summed with β = 0.05', () => {
    const trained = trainVaeSampler(space, evaluated, { ...TINY, seed: 4 });
    expect(trained.sampler.controller.config).toMatchObject({ disentangle: true, flopsPredictor: false, klReduction: 'sum', lossWeights: { alpha: 0, mu: 1, beta: 0.05 } });
    expect(VAE_SAMPLER_CONTROLLER.lossWeights).toEqual({ alpha: 0, lambda: 0, mu: 1, beta: 0.05 });
    // top 25% of 80 = 20 cells, batch 20: one step an epoch, so 60 steps are 60 epochs
    expect(trained.history).toHaveLength(60);
    trained.dispose();
  });
  it('keeps α = 0 and μ = 1 when an override changes only β', () => {
    expect(vaeControllerOptions({ lossWeights: { beta: 0.01 }, hidden: 8 })).toMatchObject({ hidden: 8, lossWeights: { alpha: 0, lambda: 0, mu: 1, beta: 0.01 } });
    const trained = trainVaeSampler(space, evaluated, { ...TINY, controller: { ...TINY.controller, lossWeights: { beta: 0.01 } }, seed: 4 });
    expect(trained.sampler.controller.config.lossWeights).toEqual({ alpha: 0, lambda: 0, mu: 1, beta: 0.01 });
    trained.dispose();
  });
});

describe('vaeSampler', () => {
  it('draws valid cells of the space, the same ones for the same seed', () => {
    const trained = trainVaeSampler(space, evaluated, { ...TINY, seed: 5 });
    const a = trained.sampler.draw(30, new Rng(8));
    const b = trained.sampler.draw(30, new Rng(8));
    expect(a.cells).toHaveLength(30);
    expect(a.cells.map((c) => space.key(c))).toEqual(b.cells.map((c) => space.key(c)));
    expect(a.sources.every((s) => s === 'vae')).toBe(true);
    // every cell is a real NAS-Bench-101 cell: its token sequence decodes back to the same key
    for (const cell of a.cells) expect(space.key(space.decode(space.encode(cell))!)).toBe(space.key(cell));
    trained.dispose();
  });
  it('redraws invalid decodes from new latent codes and counts them', () => {
    const { controller } = trainVae(space, evaluated.cells.slice(0, 20), evaluated.accuracies.slice(0, 20), { ...TINY, seed: 6 });
    // the first three decodes are declared invalid on top of those the tiny VAE gets wrong itself:
    // every null the space returns must be one counted redraw, and 5 draws need 5 + that many decodes
    let calls = 0;
    let nulls = 0;
    const flaky: SearchSpace<Cell> = {
      ...space,
      decode: (tokens) => {
        const cell = calls++ < 3 ? null : space.decode(tokens);
        if (cell === null) nulls++;
        return cell;
      },
    };
    const drawn = vaeSampler(flaky, controller).draw(5, new Rng(9));
    expect(drawn.cells).toHaveLength(5);
    expect(nulls).toBeGreaterThanOrEqual(3);
    expect(drawn.redraws).toEqual({ invalid: nulls });
    expect(calls).toBe(5 + nulls);
    // and sampleDistinct passes the count on
    [calls, nulls] = [0, 0];
    const distinct = sampleDistinct(vaeSampler(flaky, controller), 2, { rng: new Rng(9), key: (c) => space.key(c), batchSize: 2 });
    expect(distinct.redraws.invalid).toBe(nulls);
    expect(nulls).toBeGreaterThanOrEqual(3);
    controller.dispose();
  });
  it('gives up with a clear error when decodes stay invalid', () => {
    const { controller } = trainVae(space, evaluated.cells.slice(0, 20), evaluated.accuracies.slice(0, 20), { ...TINY, seed: 6 });
    const broken: SearchSpace<Cell> = { ...space, decode: () => null };
    expect(() => vaeSampler(broken, controller, 2).draw(4, new Rng(0))).toThrow('vae sampler: 4 of 4 draws still invalid after 2 decoding rounds (8 invalid decodes)');
    controller.dispose();
  });
  it('keeps tf.memory().numTensors flat over draws and frees its weights on dispose', () => {
    const before = tf.memory().numTensors;
    const trained = trainVaeSampler(space, evaluated, { ...TINY, seed: 7 });
    const during = tf.memory().numTensors;
    trained.sampler.draw(20, new Rng(1));
    trained.sampler.draw(20, new Rng(2));
    expect(tf.memory().numTensors).toBe(during);
    trained.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
  it('rejects a bad count and a bad training set', () => {
    const trained = trainVaeSampler(space, evaluated, { ...TINY, seed: 8 });
    expect(() => trained.sampler.draw(-2, new Rng(0))).toThrow('number of samples must be an integer ≥ 0: got -2');
    trained.dispose();
    expect(() => trainVaeSampler(space, { cells: evaluated.cells, accuracies: [0.9] }, { ...TINY, seed: 0 })).toThrow('evaluated cells and accuracies differ in length: 80 vs 1');
    expect(() => trainVae(space, [], [], { ...TINY, seed: 0 })).toThrow('trainVae needs at least one cell');
    expect(() => trainVae(space, evaluated.cells, evaluated.accuracies, { ...TINY, steps: 0, seed: 0 })).toThrow('steps must be an integer ≥ 1: got 0');
  });
});
