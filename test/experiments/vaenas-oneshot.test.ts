// Tests of the VAENAS-OS helpers on the smoke space with an untrained supernet and synthetic images:
// the final VAE's draws are valid and seeded, the ranking set spans FLOPs, evolution spends its budget,
// and the rank statistics and verdict give the known answers.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { architectureOfKey, finalVaeSampler, evolutionSizes, oneShotEvolution, rankAgreement, rankingScatterFigure, rankingSet, rankingVerdict, tauDifference, type VaenasSampling } from '../../lib/experiments/vaenas-oneshot';
import type { TrainedSupernet } from '../../lib/experiments/supernet';
import { Rng } from '../../lib/random';
import type { EvaluationData } from '../../lib/supernet/evaluate';
import { SubnetEvaluator } from '../../lib/supernet/oneshot-benchmark';
import { LayerChoiceSpace, SMOKE_SPACE } from '../../lib/supernet/space';
import { Supernet } from '../../lib/supernet/supernet';
import { registerWasmConvGradients } from '../../lib/supernet/wasm-conv-gradients';

/** 12 draws per round, top 25% = 3 train a tiny VAE for 40 steps (under a second). */
const SAMPLING: VaenasSampling = { kind: 'vaenas', interval: 10, sampled: 12, topFraction: 0.25, vaeSteps: 40, epsilonFinal: 0.5 };
const TINY_VAE = { hidden: 8, latentDim: 4, learningRate: 0.03 };

let supernet: Supernet;
let run: TrainedSupernet;
let data: EvaluationData;

/** Random 28×28 images with random labels: accuracies near chance, but they differ between paths. */
function images(count: number, seed: number) {
  const rng = new Rng(seed);
  return { name: `noise-${seed}`, images: Float32Array.from({ length: count * 784 }, () => rng.uniform()), labels: Int32Array.from({ length: count }, () => rng.int(10)), count, height: 28, width: 28, channels: 1 };
}

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  registerWasmConvGradients();
  supernet = Supernet.create(SMOKE_SPACE, 3);
  run = { supernet, key: 'test', keyConfig: {}, dir: null, fromCache: false, trainSeconds: 0, vaenas: { epsilonFinal: 0.5, vaeTrainings: 2 } };
  data = { calibration: images(128, 1), evaluation: images(60, 2), norm: { mean: [0.5], std: [0.29] } };
}, 60_000);

describe('finalVaeSampler', () => {
  it('trains on the last round of draws and samples valid architectures, the same for the same seed', () => {
    const evaluator = new SubnetEvaluator(supernet, data);
    const before = tf.memory().numTensors;
    const a = finalVaeSampler(run, evaluator, SAMPLING, 7, { controller: TINY_VAE });
    const b = finalVaeSampler(run, evaluator, SAMPLING, 7, { controller: TINY_VAE });
    try {
      expect(a.rounds.map((r) => r.source)).toEqual(['uniform', 'mixture']);
      expect(a.epsilon).toBe(0.5); // from run.vaenas
      expect(a.rounds.map((r) => r.cells.length)).toEqual([12, 12]);
      expect(a.selection.indices).toHaveLength(3); // ⌈0.25·12⌉
      // the accuracies are the evaluator's: a record lookup gives the same numbers
      const last = a.rounds[1];
      expect(last.accuracies).toEqual(last.cells.map((c) => evaluator.record(c).valAccuracy));
      // round 1 (12 uniform draws) + round 2 may repeat cells; the evaluator computed each once
      expect(a.distinctEvaluated).toBe(evaluator.known);
      const space = supernet.space;
      const draws = a.sampler.draw(20, new Rng(5)).cells;
      expect(draws).toHaveLength(20);
      for (const arch of draws) expect(() => space.key(arch)).not.toThrow(); // valid: skips only where allowed
      expect(b.rounds[1].cells.map((c) => space.key(c))).toEqual(last.cells.map((c) => space.key(c)));
      expect(b.sampler.draw(20, new Rng(5)).cells).toEqual(draws);
    } finally {
      a.dispose();
      b.dispose();
    }
    expect(tf.memory().numTensors).toBe(before); // both VAEs of each call freed
  }, 30_000);

  it('rejects an evaluator of another supernet and a bad round count', () => {
    const other = Supernet.create(SMOKE_SPACE, 4);
    try {
      expect(() => finalVaeSampler(run, new SubnetEvaluator(other, data), SAMPLING, 0)).toThrow(/another supernet/);
      expect(() => finalVaeSampler(run, new SubnetEvaluator(supernet, data), SAMPLING, 0, { rounds: 0 })).toThrow(/rounds must be an integer ≥ 1: got 0/);
    } finally {
      other.dispose();
    }
  });
});

describe('rankingSet', () => {
  const space = new LayerChoiceSpace(SMOKE_SPACE);
  it('draws distinct architectures in increasing FLOPs, one per stratum, reproducibly', () => {
    const set = rankingSet(space, 5, 1);
    const keys = set.map((a) => space.key(a));
    expect(new Set(keys).size).toBe(5);
    const flops = set.map((a) => space.flopsM(a));
    expect(flops).toEqual([...flops].sort((x, y) => x - y));
    // strata of a 200-cell pool: the first pick is among the cheapest 40, the last among the dearest 40
    expect(flops[4]).toBeGreaterThan(flops[0]);
    expect(rankingSet(space, 5, 1).map((a) => space.key(a))).toEqual(keys);
    expect(rankingSet(space, 5, 2).map((a) => space.key(a))).not.toEqual(keys);
  });
  it('rejects sizes outside 2..space size', () => {
    expect(() => rankingSet(space, 1, 0)).toThrow(/2\.\.400: got 1/);
    expect(() => rankingSet(space, 401, 0)).toThrow(/2\.\.400: got 401/);
  });
});

describe('architectureOfKey', () => {
  const space = new LayerChoiceSpace(SMOKE_SPACE);
  it('inverts space.key and rejects keys outside the space', () => {
    const arch = space.sampleUniform(new Rng(3));
    expect(architectureOfKey(space, space.key(arch))).toEqual(arch);
    // layer 0 changes shape (stride 2), so skip is not allowed there
    expect(() => architectureOfKey(space, 'skip-sep3-sep3-sep3')).toThrow(/layer 0 cannot be "skip"/);
    expect(() => architectureOfKey(space, 'sep3-sep3')).toThrow(/must have 4 layers: got 2/);
  });
});

describe('evolutionSizes', () => {
  it('keeps two thirds of small budgets for mutation and reaches the defaults at 300', () => {
    expect(evolutionSizes(12)).toEqual({ populationSize: 4, tournamentSize: 2 });
    expect(evolutionSizes(60)).toEqual({ populationSize: 20, tournamentSize: 5 });
    expect(evolutionSizes(300)).toEqual({ populationSize: 100, tournamentSize: 10 });
    expect(() => evolutionSizes(0)).toThrow(/positive integer: got 0/);
  });
});

describe('oneShotEvolution', () => {
  it('spends the budget per seed, seeded by the sampler when given', async () => {
    const evaluator = new SubnetEvaluator(supernet, data);
    const runs = await oneShotEvolution(evaluator, { budget: 6, seeds: [1, 2] });
    expect(runs.map((r) => r.queried)).toEqual([6, 6]);
    const again = await oneShotEvolution(evaluator, { budget: 6, seeds: [1, 2] });
    expect(again).toEqual(runs);
    // a sampler that always proposes the same architecture: the population starts from one cell
    const fixed = supernet.space.sampleUniform(new Rng(9));
    const seeded = await oneShotEvolution(evaluator, { budget: 6, seeds: [1], initialSampler: () => ({ name: 'fixed', draw: (n) => ({ cells: Array(n).fill(fixed), sources: Array(n).fill('fixed'), redraws: {} }) }) });
    expect(seeded[0].queriedByOrigin['initial-fixed']).toBe(1);
    expect(seeded[0].queried).toBe(6);
  }, 30_000);
});

describe('rankAgreement and tauDifference', () => {
  it('gives τ = 1 for the same order and a small permutation p-value with enough pairs', () => {
    const y = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const r = rankAgreement(y.map((v) => v / 2), y, { permutations: 2000 });
    expect(r.kendall).toBe(1);
    expect(r.spearman).toBeCloseTo(1, 12);
    // 2 of 8! orders reach |τ| = 1: p ≈ 2/40320 → (1 + hits)/(2001) stays below 0.01
    expect(r.kendallP!).toBeLessThan(0.01);
  });
  it('returns null statistics for a constant side instead of throwing', () => {
    expect(rankAgreement([0.1, 0.1, 0.1], [0.2, 0.3, 0.4])).toEqual({ pairs: 3, kendall: null, spearman: null, kendallP: null });
    expect(() => rankAgreement([0.1], [0.2])).toThrow(/at least 2 sub-networks: got 1/);
  });
  it('bootstraps the τ difference and says whether its interval excludes 0', () => {
    const y = Array.from({ length: 12 }, (_, i) => i / 12);
    const good = y.map((v) => v + 0.01);
    const reversed = y.map((v) => -v);
    const d = tauDifference(reversed, good, y, { resamples: 500 });
    expect(d.difference).toBe(2); // τ(good) − τ(reversed) = 1 − (−1)
    expect(d.low!).toBeGreaterThan(0);
    const verdict = rankingVerdict(['uniform', 'VAENAS'], rankAgreement(reversed, y), rankAgreement(good, y), d);
    expect(verdict).toMatch(/VAENAS ranks higher.*excludes 0/);
  });
});

describe('rankingScatterFigure', () => {
  it('has one marker trace per supernet with stand-alone on x and inherited on y', () => {
    const fig = rankingScatterFigure([{ name: 'uniform', points: [{ key: 'a', standalone: 0.8, inherited: 0.5 }] }, { name: 'VAENAS', points: [{ key: 'a', standalone: 0.8, inherited: 0.6 }] }], 't');
    expect(fig.data).toHaveLength(2);
    expect(fig.data[1]).toMatchObject({ type: 'scatter', mode: 'markers', name: 'VAENAS', x: [0.8], y: [0.6], text: ['a'] });
  });
});
