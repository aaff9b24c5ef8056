// Helpers of the gradient tests that compare a wasm kernel with TF.js's cpu backend (the reference):
// run a function on 'cpu' and come back to 'wasm', and the error relative to the reference's scale.
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/** Run `fn` on the cpu backend, then switch back to wasm (the test files choose wasm once). */
export async function onCpu<T>(fn: () => T): Promise<T> {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
  try {
    return fn();
  } finally {
    await tf.setBackend('wasm');
  }
}

/** max |a − b| / max |a|: the error relative to the reference's scale (which must not be 0). */
export function relativeError(reference: Float32Array, other: Float32Array): number {
  expect(other.length).toBe(reference.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(reference[i] - other[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}
