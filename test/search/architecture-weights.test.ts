// Tests of gradient-based NAS's architecture weights (lib/search/architecture-weights.ts) on a tiny
// NAS-Bench-201 supernet: the straight-through edge scales change no value of the network, and the
// gradient they pass to α equals central finite differences of the loss with scales 1 + y(α′) − y(α);
// Gumbel-max draws follow softmax(α); entropy and derivation; bad input; no leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { softmaxCrossEntropy } from '../../lib/controller/fast-ops';
import { Rng } from '../../lib/random';
import { ArchitectureWeights } from '../../lib/search/architecture-weights';
import { NB201_EDGES, NB201_OPS, parseNb201Cell, type Nb201Cell } from '../../lib/spaces/nasbench201/cell';
import { Nb201Supernet } from '../../lib/supernet/nb201-supernet';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

const EDGES = NB201_EDGES.length;
const OPS = NB201_OPS.length;
const CONFIG = { imageSize: 8, imageChannels: 3, classes: 10, channels: 8, cellsPerStage: 1 };

function cellOf(choice: readonly number[]): Nb201Cell {
  return parseNb201Cell(`|${NB201_OPS[choice[0]]}~0|+|${NB201_OPS[choice[1]]}~0|${NB201_OPS[choice[2]]}~1|+|${NB201_OPS[choice[3]]}~0|${NB201_OPS[choice[4]]}~1|${NB201_OPS[choice[5]]}~2|`);
}

/** 64 images: with fewer, ReLU kinks make the loss too rough in the scales for finite differences. */
function batch(): { x: tf.Tensor4D; labels: Int32Array } {
  return { x: tf.randomNormal([64, 8, 8, 3], 0, 1, 'float32', 11) as tf.Tensor4D, labels: Int32Array.from({ length: 64 }, (_, i) => (i * 3) % 10) };
}

describe('ArchitectureWeights', () => {
  it('starts near uniform: entropy ln 5, every derived op valid, the same seed the same logits', () => {
    const a = ArchitectureWeights.create(EDGES, OPS, 'uniform');
    const b = ArchitectureWeights.create(EDGES, OPS, 'uniform');
    expect(Array.from(a.logits.dataSync())).toEqual(Array.from(b.logits.dataSync()));
    expect(a.entropyNats()).toBeCloseTo(Math.log(OPS), 5);
    expect(a.derive().every((k) => k >= 0 && k < OPS)).toBe(true);
    expect(() => cellOf(a.derive())).not.toThrow();
    a.logits.assign(tf.tensor2d(Array.from({ length: EDGES }, (_, e) => Array.from({ length: OPS }, (__, k) => (k === e % OPS ? 30 : 0)))));
    expect(a.derive()).toEqual(Array.from({ length: EDGES }, (_, e) => e % OPS));
    expect(a.entropyNats()).toBeLessThan(1e-9);
    a.dispose();
    b.dispose();
  });

  it('draws each edge operation with the probabilities softmax(α) (Gumbel-max, 20,000 draws)', () => {
    const a = ArchitectureWeights.create(EDGES, OPS, 'draws');
    a.logits.assign(tf.tensor2d(Array.from({ length: EDGES }, () => [2, 0, 0, -1, 0])));
    const p = a.probabilities()[0];
    const rng = new Rng('gumbel');
    const counts = new Array<number>(OPS).fill(0);
    const draws = 20_000;
    for (let i = 0; i < draws; i++) counts[a.choiceOf(a.gumbelNoise(rng))[3]]++;
    // Binomial standard error at 20,000 draws is at most 0.0036: 0.015 is four of them.
    counts.forEach((c, k) => expect(Math.abs(c / draws - p[k])).toBeLessThan(0.015));
    a.dispose();
  });

  it('scales every edge by exactly 1: the network computes the same bits as without scales', () => {
    const net = Nb201Supernet.create(CONFIG, 'scales');
    const a = ArchitectureWeights.create(EDGES, OPS, 'scales');
    const choice = [3, 2, 4, 1, 3, 2];
    const [plain, scaled, scales] = tf.tidy(() => {
      const { x } = batch();
      const s = a.edgeScales(choice, 0.7, a.gumbelNoise(new Rng('n')));
      return [net.forward(cellOf(choice), x, { kind: 'batch' }), net.forward(cellOf(choice), x, { kind: 'batch' }, s), s].map((t) => Array.from(t.dataSync()));
    });
    expect(scales).toEqual(new Array(EDGES).fill(1));
    expect(scaled).toEqual(plain);
    a.dispose();
    net.dispose();
  });

  it('passes α exactly the gradient of a smooth function of the scales (central finite differences, float32 tolerance)', () => {
    const a = ArchitectureWeights.create(EDGES, OPS, 'smooth');
    a.logits.assign(tf.tensor2d(Array.from({ length: EDGES * OPS }, (_, i) => Math.cos(i * 0.9)), [EDGES, OPS]));
    const noise = a.gumbelNoise(new Rng('smooth-noise'));
    const choice = [0, 4, 2, 1, 3, 0];
    const weights = [0.5, -1.2, 2, 0.3, -0.7, 1.1];
    const chosenY = (logits: Float64Array): number[] => choice.map((k, e) => {
      const row = Array.from({ length: OPS }, (_, j) => (logits[e * OPS + j] + noise[e * OPS + j]) / 0.8);
      const total = row.reduce((t, v) => t + Math.exp(v), 0);
      return Math.exp(row[k]) / total;
    });
    const base = Float64Array.from(a.logits.dataSync());
    const y0 = chosenY(base);
    // f(s) = Σ w_e·s_e², and the scales the estimator stands for: 1 + y(α′) − y(α).
    const f = (logits: Float64Array) => chosenY(logits).reduce((t, y, e) => t + weights[e] * (1 + y - y0[e]) ** 2, 0);
    const ad = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.square(a.edgeScales(choice, 0.8, noise)), tf.tensor1d(weights))) as tf.Scalar, [a.logits]);
      return Array.from(grads[a.logits.name].dataSync());
    });
    const h = 1e-4;
    base.forEach((_, i) => {
      const plus = Float64Array.from(base);
      const minus = Float64Array.from(base);
      plus[i] += h;
      minus[i] -= h;
      expect(ad[i]).toBeCloseTo((f(plus) - f(minus)) / (2 * h), 5);
    });
    a.dispose();
  });

  for (const withNoise of [true, false]) {
    it(`passes α the gradient of the loss, checked against central finite differences (${withNoise ? 'Gumbel noise, τ = 1.5' : 'no noise (a path from elsewhere), τ = 1'})`, () => {
      const net = Nb201Supernet.create(CONFIG, 'fd');
      const a = ArchitectureWeights.create(EDGES, OPS, 'fd');
      a.logits.assign(tf.tensor2d(Array.from({ length: EDGES * OPS }, (_, i) => Math.sin(i * 1.7) * 0.8), [EDGES, OPS]));
      const tau = withNoise ? 1.5 : 1;
      const noise = withNoise ? a.gumbelNoise(new Rng('fd-noise')) : undefined;
      const choice = [3, 2, 4, 1, 3, 2];
      const cell = cellOf(choice);
      const { x, labels } = batch();
      const chosenY = (logits: Float64Array): number[] => choice.map((k, e) => {
        const row = Array.from({ length: OPS }, (_, j) => (logits[e * OPS + j] + (noise ? noise[e * OPS + j] : 0)) / tau);
        const top = Math.max(...row);
        const total = row.reduce((s, v) => s + Math.exp(v - top), 0);
        return Math.exp(row[k] - top) / total;
      });
      const base = Float64Array.from(a.logits.dataSync());
      const y0 = chosenY(base);
      // The surrogate whose gradient at α′ = α the straight-through estimator is: scales 1 + y(α′) − y(α).
      const surrogate = (logits: Float64Array): number => tf.tidy(() => {
        const scales = tf.tensor1d(chosenY(logits).map((y, e) => 1 + y - y0[e]));
        return softmaxCrossEntropy(net.forward(cell, x, { kind: 'batch' }, scales), labels).dataSync()[0];
      });
      const ad = Float64Array.from(tf.tidy(() => {
        const { grads } = tf.variableGrads(() => softmaxCrossEntropy(net.forward(cell, x, { kind: 'batch' }, a.edgeScales(choice, tau, noise)), labels), [a.logits]);
        return Float32Array.from(grads[a.logits.name].dataSync());
      }));
      const h = 1e-2;
      const fd = Float64Array.from(base, (_, i) => {
        const plus = Float64Array.from(base);
        const minus = Float64Array.from(base);
        plus[i] += h;
        minus[i] -= h;
        return (surrogate(plus) - surrogate(minus)) / (2 * h);
      });
      // ReLU kinks make the loss rough at the scale of h on a network this small, so the check is on the
      // whole vector: its relative L2 error and its direction.
      const norm = (v: Float64Array) => Math.sqrt(v.reduce((t, g) => t + g * g, 0));
      const diff = Float64Array.from(ad, (g, i) => g - fd[i]);
      const cosine = ad.reduce((t, g, i) => t + g * fd[i], 0) / (norm(ad) * norm(fd));
      expect(norm(ad)).toBeGreaterThan(1e-3);
      expect(norm(diff) / norm(fd), `relative L2 error (cosine ${cosine})`).toBeLessThan(0.1);
      expect(cosine).toBeGreaterThan(0.99);
      x.dispose();
      a.dispose();
      net.dispose();
    });
  }

  it('refuses a path of the wrong length or an operation out of range, τ ≤ 0 and scales of the wrong length', () => {
    const a = ArchitectureWeights.create(EDGES, OPS, 'bad');
    expect(() => a.edgeScales([1, 2], 1)).toThrow('a path chooses one operation per edge: got 2 choices for 6 edges');
    expect(() => a.edgeScales([1, 2, 3, 4, 5, 0], 1)).toThrow('edge 4: operation 5 is outside 0..4');
    expect(() => a.edgeScales([1, 2, 3, 4, 1, 0], 0)).toThrow('Gumbel-softmax temperature must be > 0: got 0');
    expect(() => ArchitectureWeights.create(6, 1, 's')).toThrow('architecture weights need at least 2 operations per edge: got 1');
    const net = Nb201Supernet.create(CONFIG, 'bad');
    tf.tidy(() => {
      expect(() => net.forward(cellOf([1, 1, 1, 1, 1, 1]), batch().x, { kind: 'batch' }, tf.ones([5]) as tf.Tensor1D)).toThrow(/edge scales must be \[6\]: got \[5\]/);
    });
    net.dispose();
    a.dispose();
  });

  it('leaks no tensor when scales and their gradient are computed', () => {
    const a = ArchitectureWeights.create(EDGES, OPS, 'leak');
    const before = tf.memory().numTensors;
    tf.tidy(() => tf.grad((l: tf.Tensor) => tf.sum(tf.mul(a.edgeScales([0, 1, 2, 3, 4, 0], 1, a.gumbelNoise(new Rng('l'))), l)))(tf.ones([EDGES])).dataSync());
    tf.tidy(() => tf.variableGrads(() => tf.sum(a.edgeScales([0, 1, 2, 3, 4, 0], 1)) as tf.Scalar, [a.logits]).grads[a.logits.name].dataSync());
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });
});
