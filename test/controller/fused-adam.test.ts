// FusedAdam against tf.train.adam on the wasm backend: the same gradients must give bit-identical
// weights and moments, through learning-rate changes, skipped gradients and a save/restore.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { FUSED_ADAM_PRODUCTS, FusedAdam } from '../../lib/controller/fused-adam';
import { Rng } from '../../lib/random';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

const SHAPES = [[7, 104], [26, 104], [104], [26, 1], [3]];

/** Values spread over many orders of magnitude, so every rounding step matters. */
function values(rng: Rng, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal() * 10 ** rng.int(7) * 1e-4);
}

function variables(seed: string): tf.Variable[] {
  const rng = new Rng(seed);
  return SHAPES.map((shape) => tf.variable(tf.tensor(values(rng, shape.reduce((a, b) => a * b, 1)), shape)));
}

/** Float32 bit patterns, so −0 vs 0 or a last-bit difference fails the comparison. */
function bits(v: tf.Tensor): number[] {
  return Array.from(new Uint32Array(Float32Array.from(v.dataSync()).buffer));
}

/** One step of `optimizer` on `vars` with gradients drawn from `rng`; the variable at `skip` gets none. */
function step(optimizer: tf.Optimizer, vars: tf.Variable[], rng: Rng, skip: number | null): void {
  tf.tidy(() => {
    optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: (i === skip ? null : tf.tensor(values(rng, v.size), v.shape)) as tf.Tensor })));
  });
}

describe('FusedAdam', () => {
  it('gives weights and moments bit-identical to tf.train.adam, step by step', async () => {
    const reference = variables('adam');
    const fused = variables('adam');
    const plain = tf.train.adam(0.01);
    const mine = new FusedAdam(0.01);
    const gradientsA = new Rng('gradients');
    const gradientsB = new Rng('gradients');
    for (let s = 0; s < 12; s++) {
      if (s === 6) {
        (plain as unknown as { learningRate: number }).learningRate = 0.0003;
        (mine as unknown as { learningRate: number }).learningRate = 0.0003;
      }
      const skip = s % 4 === 3 ? s % SHAPES.length : null;
      step(plain, reference, gradientsA, skip);
      step(mine, fused, gradientsB, skip);
      reference.forEach((v, i) => expect(bits(fused[i]), `weight ${i} after step ${s + 1}`).toEqual(bits(v)));
    }
    const [a, b] = [await plain.getWeights(), await mine.getWeights()];
    // FusedAdam's state is the parent's followed by the running products β1ᵗ, β2ᵗ.
    expect(b.slice(0, a.length).map((w) => w.tensor.shape)).toEqual(a.map((w) => w.tensor.shape));
    a.forEach((w, i) => expect(bits(b[i].tensor), `optimizer state ${i}`).toEqual(bits(w.tensor)));
    const internals = plain as unknown as { accBeta1: tf.Tensor; accBeta2: tf.Tensor };
    expect(b.slice(a.length).map((w) => w.name)).toEqual([...FUSED_ADAM_PRODUCTS]);
    expect(b.slice(a.length).map((w) => bits(w.tensor))).toEqual([bits(internals.accBeta1), bits(internals.accBeta2)]);
    // A change in the arithmetic shows: the weights moved, so the comparison above is not vacuous.
    expect(bits(fused[0])).not.toEqual(bits(variables('adam')[0]));
  });

  it('resumes from saved state exactly where an uninterrupted run goes', async () => {
    const straight = variables('resume');
    const resumed = variables('resume');
    const first = new FusedAdam(0.005);
    const gradients = new Rng('g1');
    for (let s = 0; s < 4; s++) step(first, straight, gradients, null);
    resumed.forEach((v, i) => v.assign(straight[i]));
    const saved = (await first.getWeights()).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    const second = new FusedAdam(0.005);
    await second.setWeights(saved);
    const [ga, gb] = [new Rng('g2'), new Rng('g2')];
    for (let s = 0; s < 4; s++) {
      step(first, straight, ga, null);
      step(second, resumed, gb, null);
    }
    straight.forEach((v, i) => expect(bits(resumed[i]), `weight ${i}`).toEqual(bits(v)));
  });

  it('resumes bit for bit after hundreds of steps, where pow(β, t + 1) no longer equals the running product', async () => {
    const tiny = (): tf.Variable[] => [tf.variable(tf.tensor([0.5, -0.25, 1.5, 3e-3]))];
    const [straight, resumed] = [tiny(), tiny()];
    const first = new FusedAdam(0.001);
    const gradients = new Rng('long');
    for (let s = 0; s < 600; s++) step(first, straight, gradients, null);
    resumed[0].assign(straight[0]);
    const saved = (await first.getWeights()).map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    const second = new FusedAdam(0.001);
    await second.setWeights(saved);
    // Restored without the products (as the parent class saves state), β1ᵗ comes back as pow(β1, 601): not the same bits.
    const parentOnly = new FusedAdam(0.001);
    await parentOnly.setWeights(saved.filter((w) => !(FUSED_ADAM_PRODUCTS as readonly string[]).includes(w.name)));
    const product = (o: FusedAdam) => bits((o as unknown as { accBeta1: tf.Tensor }).accBeta1);
    expect(product(parentOnly)).not.toEqual(product(first));
    expect(product(second)).toEqual(product(first));
    const [ga, gb] = [new Rng('long-2'), new Rng('long-2')];
    for (let s = 0; s < 20; s++) {
      step(first, straight, ga, null);
      step(second, resumed, gb, null);
    }
    expect(bits(resumed[0])).toEqual(bits(straight[0]));
  });

  it('leaks no tensors across steps', () => {
    const vars = variables('leak');
    const optimizer = new FusedAdam(0.01);
    const rng = new Rng('leak-g');
    step(optimizer, vars, rng, null);
    const before = tf.memory().numTensors;
    for (let s = 0; s < 5; s++) step(optimizer, vars, rng, null);
    expect(tf.memory().numTensors).toBe(before);
  });
});
