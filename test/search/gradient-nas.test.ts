// Tests of gradient-based NAS on the NAS-Bench-201 supernet (lib/search/gradient-nas.ts), GDAS-style and
// VAENAS Algorithm 3, on a tiny supernet and random images: the same seed gives the same weights and
// architecture weights; every derived cell is a valid NAS-Bench-201 cell; a killed run resumes to the
// uninterrupted run's weights and architecture weights (both samplers); the distribution is recorded;
// bad settings are refused; no tensor leaks.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { gradientSearch, type GradientSearchData, type GradientSearchOptions } from '../../lib/search/gradient-nas';
import { NB201_EDGE_CHOICES } from '../../lib/spaces/nasbench201/edge-choices';
import { nasbench201SearchSpace } from '../../lib/spaces/nasbench201/search-space';
import type { LabelledImages } from '../../lib/supernet/batches';
import { Nb201Supernet } from '../../lib/supernet/nb201-supernet';

const CONFIG = { imageSize: 8, imageChannels: 3, classes: 10, channels: 4, cellsPerStage: 1 };
const made: string[] = [];

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function images(name: string, count: number): LabelledImages {
  const rng = new Rng(name);
  return { name, count, height: 8, width: 8, channels: 3, images: Float32Array.from({ length: count * 8 * 8 * 3 }, () => rng.uniform()), labels: Int32Array.from({ length: count }, () => rng.int(10)) };
}

const DATA: GradientSearchData = {
  train: images('train', 64),
  validation: images('validation', 64),
  norm: { mean: [0.5, 0.5, 0.5], std: [0.3, 0.3, 0.3] },
};
const RANKED: GradientSearchData = { ...DATA, ranking: { calibration: images('calibration', 32), evaluation: images('evaluation', 32), norm: DATA.norm, calibrationBatch: 16, evaluationBatch: 32 } };
const VAENAS = { kind: 'vaenas', interval: 3, sampled: 6, topFraction: 0.5, vaeSteps: 4 } as const;

function options(extra: Partial<GradientSearchOptions> = {}): GradientSearchOptions {
  return { steps: 7, seed: 'gnas', sampler: { kind: 'gumbel' }, batchSize: 16, archLearningRate: 0.05, recordEvery: 2, ...extra };
}

function run(seed: number, extra: Partial<GradientSearchOptions> = {}, data: GradientSearchData = DATA) {
  const net = Nb201Supernet.create(CONFIG, seed);
  const result = gradientSearch(net, NB201_EDGE_CHOICES, data, options(extra));
  const weights = Array.from(net.weights.get('s0c0.e0.conv3.w')!.dataSync());
  net.dispose();
  return { result, weights };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gnas-'));
  made.push(dir);
  return dir;
}

describe('gradientSearch', () => {
  it('gives the same weights and architecture weights for the same seed, others for another', () => {
    const a = run(1);
    const b = run(1);
    expect(b.result.final.probabilities).toEqual(a.result.final.probabilities);
    expect(b.weights).toEqual(a.weights);
    const c = run(1, { seed: 'other' });
    expect(c.result.final.probabilities).not.toEqual(a.result.final.probabilities);
  });

  it('derives a valid NAS-Bench-201 cell, moves the architecture weights, and records the distribution', () => {
    const space = nasbench201SearchSpace();
    for (const seed of ['d1', 'd2', 'd3']) {
      const { result } = run(2, { seed });
      expect(() => space.key(result.derived)).not.toThrow();
      expect(NB201_EDGE_CHOICES.choiceOf(result.derived)).toEqual(result.derivedChoice);
      const free = result.derivedChoice.filter((k) => ['none', 'skip_connect', 'avg_pool_3x3'].includes(NB201_EDGE_CHOICES.ops[k])).length;
      expect(result.parameterFreeShare).toBe(free / 6);
      expect(result.final.entropyNats).toBeLessThan(Math.log(5));
      expect(result.history.map((h) => h.step)).toEqual([1, 3, 5, 7]);
      result.history.forEach((h) => h.probabilities.forEach((row) => expect(row.reduce((t, p) => t + p, 0)).toBeCloseTo(1, 6)));
      expect(result.report.steps).toBe(7);
    }
  });

  for (const [name, extra, data] of [
    ['GDAS sampling', { checkpointEvery: 3 }, DATA],
    ['VAENAS sampling (Algorithm 3)', { sampler: VAENAS }, RANKED],
  ] as [string, Partial<GradientSearchOptions>, GradientSearchData][]) {
    it(`resumes a killed search to the uninterrupted weights and architecture weights: ${name}`, () => {
      const straight = run(3, extra, data);
      const dir = tempDir();
      expect(() => run(3, { ...extra, checkpointDir: dir, onStep: (step) => {
        if (step === 4) throw new Error('simulated kill');
      } }, data)).toThrow('simulated kill');
      const resumed = run(99, { ...extra, checkpointDir: dir }, data);
      expect(resumed.result.report.resumedAt).toBe(3);
      expect(resumed.result.final.probabilities).toEqual(straight.result.final.probabilities);
      expect(resumed.weights).toEqual(straight.weights);
      expect(resumed.result.history).toEqual(straight.result.history);
    });
  }

  it('counts VAE trainings as Algorithm 3 schedules them', () => {
    expect(run(4, { sampler: VAENAS }, RANKED).result.vaeTrainings).toBe(2);
  });

  it('refuses VAENAS without ranking data, checkpoints off its retrainings and a temperature ≤ 0', () => {
    const net = Nb201Supernet.create(CONFIG, 5);
    expect(() => gradientSearch(net, NB201_EDGE_CHOICES, DATA, options({ sampler: VAENAS }))).toThrow('VAENAS gradient-based search needs ranking data');
    expect(() => gradientSearch(net, NB201_EDGE_CHOICES, RANKED, options({ sampler: VAENAS, checkpointEvery: 4 }))).toThrow('checkpointEvery 4 is not a multiple of the interval 3');
    expect(() => gradientSearch(net, NB201_EDGE_CHOICES, DATA, options({ tau: { start: 1, end: 0 } }))).toThrow('Gumbel-softmax temperatures must be > 0: got 1 → 0');
    net.dispose();
  });

  it('leaks no tensor', () => {
    const net = Nb201Supernet.create(CONFIG, 6);
    const before = tf.memory().numTensors;
    gradientSearch(net, NB201_EDGE_CHOICES, DATA, options({ steps: 3 }));
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});
