// Tests of the supernet optimiser's step (lib/supernet/nesterov-step.ts): the wasm kernel gives the
// same bits as TF.js's op-by-op update, on wasm and on cpu, with and without weight decay, on sizes
// that are and are not multiples of four; it leaks no tensor.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { nesterovByOps, nesterovStep, type NesterovSettings } from '../../lib/supernet/nesterov-step';
import { onCpu } from './cpu-reference';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

const SHAPES: number[][] = [[1], [7], [3, 3, 16, 16], [5, 13]];
const SETTINGS: NesterovSettings[] = [
  { lr: 0.05, mu: 0.9, wd: 4e-5, decay: true },
  { lr: 0.0123, mu: 0.9, wd: 4e-5, decay: false },
];

function draw(shape: number[], seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync() as Float32Array);
}

function step(fn: typeof nesterovStep, shape: number[], s: NesterovSettings, values: Float32Array[]): Uint32Array[] {
  const results = tf.tidy(() => fn(...(values.map((a) => tf.tensor(a, shape)) as [tf.Tensor, tf.Tensor, tf.Tensor]), s).map((t) => Float32Array.from(t.dataSync() as Float32Array)));
  return results.map((r) => new Uint32Array(r.buffer));
}

describe('nesterovStep', () => {
  for (const shape of SHAPES) {
    for (const s of SETTINGS) {
      it(`gives the bits of the op-by-op update for shape [${shape}], decay ${s.decay}`, async () => {
        expect(tf.getBackend()).toBe('wasm');
        const values = [draw(shape, 1), draw(shape, 2), draw(shape, 3)];
        const kernel = step(nesterovStep, shape, s, values);
        expect(kernel).toEqual(step(nesterovByOps, shape, s, values));
        expect(kernel).toEqual(await onCpu(() => step(nesterovByOps, shape, s, values)));
        // From zero momentum (a weight's first step) as well.
        const fresh = [values[0], values[1], new Float32Array(values[0].length)];
        expect(step(nesterovStep, shape, s, fresh)).toEqual(step(nesterovByOps, shape, s, fresh));
      });
    }
  }

  it('moves the weight against the gradient and leaks no tensor', () => {
    const before = tf.memory().numTensors;
    const [v, m] = tf.tidy(() => nesterovStep(tf.tensor1d([1, 1]), tf.tensor1d([2, -2]), tf.zeros([2]), SETTINGS[1]).map((t) => Array.from(t.dataSync())));
    expect(v[0]).toBeLessThan(1);
    expect(v[1]).toBeGreaterThan(1);
    expect(m).toEqual([2, -2]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
