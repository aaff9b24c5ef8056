import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { currentBackend, initBackend } from '../lib/backend';

// vitest runs each file in its own worker, so this file's process makes its own single choice.
describe('initBackend', () => {
  it('chooses wasm here (no native TensorFlow on these machines), says why faster ones were skipped, and chooses once', async () => {
    const choice = await initBackend({ quiet: true });
    expect(choice.name).toBe(process.env.DNAS_BACKEND || 'wasm');
    expect(currentBackend()).toBe(choice.name);
    if (!process.env.DNAS_BACKEND) expect(choice.skipped.map((s) => s.split(':')[0])).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(await initBackend({ force: 'cpu' })).toBe(choice);
    // the chosen backend computes
    expect(Array.from(tf.tidy(() => tf.add(tf.tensor1d([1, 2]), 1).dataSync()))).toEqual([2, 3]);
  });
});
