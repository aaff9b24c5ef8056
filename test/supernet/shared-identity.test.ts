// Tests of the sharing Identity kernel on wasm (lib/supernet/shared-identity.ts): a supernet's loss and
// gradients keep their bits once it replaces the copying one; a clone shares its buffer (no new one),
// outlives its source, and the buffer is freed with its last tensor.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { softmaxCrossEntropy } from '../../lib/controller/fast-ops';
import { parseNb201Cell } from '../../lib/spaces/nasbench201/cell';
import { Nb201Supernet } from '../../lib/supernet/nb201-supernet';
import { shareIdentityOnWasm } from '../../lib/supernet/shared-identity';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});

const CELL = parseNb201Cell('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|');

/** The loss and every path gradient of a small supernet on a fixed batch, as bits. */
function lossAndGradientBits(net: Nb201Supernet): Uint32Array[] {
  const vars = net.pathWeightIds(CELL).map((id) => net.weights.get(id)!);
  const values = tf.tidy(() => {
    const x = tf.randomNormal([8, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const labels = Int32Array.from({ length: 8 }, (_, i) => i % 10);
    const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(net.forward(CELL, x, { kind: 'batch' }), labels), vars);
    return [value, ...vars.map((v) => grads[v.name])].map((t) => Float32Array.from(t.dataSync() as Float32Array));
  });
  return values.map((v) => new Uint32Array(v.buffer));
}

describe('shareIdentityOnWasm', () => {
  it('keeps a supernet loss and its gradients bit for bit, and makes clones share their buffer', () => {
    expect(tf.getBackend()).toBe('wasm');
    const net = Nb201Supernet.create({ imageSize: 8, imageChannels: 3, classes: 10, channels: 4, cellsPerStage: 1 }, 'identity');
    const x = tf.tensor1d([1, 2, 3]);
    const buffers = () => (tf.memory() as tf.MemoryInfo & { numDataBuffers: number }).numDataBuffers;
    const copied = buffers();
    const copy = tf.clone(x);
    expect(buffers()).toBe(copied + 1);
    copy.dispose();
    const before = lossAndGradientBits(net);
    shareIdentityOnWasm();
    expect(lossAndGradientBits(net)).toEqual(before);
    const held = buffers();
    const shared = tf.clone(x);
    expect(buffers()).toBe(held);
    x.dispose();
    expect(buffers()).toBe(held);
    expect(Array.from(shared.dataSync())).toEqual([1, 2, 3]);
    shared.dispose();
    expect(buffers()).toBe(held - 1);
    net.dispose();
  });
});
