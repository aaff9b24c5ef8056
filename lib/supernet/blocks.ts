// The weights and forward pass of each block choice of one layer (sepK, xception, skip) and of
// the fixed stem and head. Shapes and costs match cost.ts exactly; nothing here samples or trains.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random';
import { batchNorm, convolution, depthwise, pointwise, type NormMode } from './ops';
import type { Block, LayerShape } from './space';
import { SEPARABLE_KERNEL } from './cost';

/** Named weight tensors of one block (ids are globally unique: `L3.sep5.pw1`). */
export type BlockWeights = ReadonlyMap<string, tf.Variable>;

/** He-normal values (fan-in scaled), drawn from `rng` so the same seed gives the same weights. */
function heNormal(rng: Rng, shape: number[], fanIn: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const std = Math.sqrt(2 / fanIn);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal(0, std);
  return out;
}

/** The weight shapes of `block` at `layer` (id suffix → shape), in creation order. */
export function blockWeightShapes(layer: LayerShape, block: Block): [string, number[]][] {
  const { inChannels: cin, outChannels: cout } = layer;
  if (block === 'skip') return [];
  const bn = (name: string, c: number): [string, number[]][] => [[`${name}.gamma`, [c]], [`${name}.beta`, [c]]];
  if (block === 'xception') {
    return [
      ['dw1', [3, 3, cin, 1]], ...bn('bn1', cin), ['pw1', [cin, cout]], ...bn('bn2', cout),
      ['dw2', [3, 3, cout, 1]], ...bn('bn3', cout), ['pw2', [cout, cout]], ...bn('bn4', cout),
      ['dw3', [3, 3, cout, 1]], ...bn('bn5', cout), ['pw3', [cout, cout]], ...bn('bn6', cout),
    ];
  }
  const k = SEPARABLE_KERNEL[block];
  return [['pw1', [cin, cout]], ...bn('bn1', cout), ['dw', [k, k, cout, 1]], ...bn('bn2', cout), ['pw2', [cout, cout]], ...bn('bn3', cout)];
}

/** Initial values of weight `id`: γ = 1, β and biases 0, convolutions He-normal (fan-in k·k·cin; k·k for depthwise). */
export function initialValues(id: string, shape: number[], rng: Rng): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const name = id.slice(id.lastIndexOf('.') + 1);
  if (name === 'gamma') return new Float32Array(size).fill(1);
  if (name === 'beta' || name === 'bias') return new Float32Array(size);
  const fanIn = shape.length === 4 ? shape[0] * shape[1] * (name.startsWith('dw') ? 1 : shape[2]) : shape[0];
  return heNormal(rng, shape, fanIn);
}

/**
 * Forward pass of `block` (its weights under `prefix`, e.g. `L3.sep5`). A stride-1 block whose
 * shapes agree adds its input (residual), as ShuffleNet's units keep an identity path.
 * @param x [N, inSize, inSize, inChannels]. @returns [N, outSize, outSize, outChannels].
 */
export function blockForward(x: tf.Tensor4D, layer: LayerShape, block: Block, prefix: string, weights: ReadonlyMap<string, tf.Tensor>, mode: NormMode): tf.Tensor4D {
  if (block === 'skip') return x;
  const w = (name: string): tf.Tensor => {
    const t = weights.get(`${prefix}.${name}`);
    if (t === undefined) throw new Error(`supernet has no weight ${prefix}.${name}`);
    return t;
  };
  const bn = (t: tf.Tensor4D, name: string): tf.Tensor4D => batchNorm(t, w(`${name}.gamma`) as tf.Tensor1D, w(`${name}.beta`) as tf.Tensor1D, `${prefix}.${name}`, mode);
  let y: tf.Tensor4D;
  if (block === 'xception') {
    y = tf.relu(bn(pointwise(bn(depthwise(x, w('dw1') as tf.Tensor4D, layer.stride), 'bn1'), w('pw1') as tf.Tensor2D), 'bn2'));
    y = tf.relu(bn(pointwise(bn(depthwise(y, w('dw2') as tf.Tensor4D, 1), 'bn3'), w('pw2') as tf.Tensor2D), 'bn4'));
    y = bn(pointwise(bn(depthwise(y, w('dw3') as tf.Tensor4D, 1), 'bn5'), w('pw3') as tf.Tensor2D), 'bn6');
  } else {
    y = tf.relu(bn(pointwise(x, w('pw1') as tf.Tensor2D), 'bn1'));
    y = bn(depthwise(y, w('dw') as tf.Tensor4D, layer.stride), 'bn2');
    y = bn(pointwise(y, w('pw2') as tf.Tensor2D), 'bn3');
  }
  return tf.relu(layer.skippable ? (tf.add(y, x) as tf.Tensor4D) : y);
}

/** Stem: 3×3 conv (stride from the config), BN, ReLU. @param x [N, H, W, imageChannels]. */
export function stemForward(x: tf.Tensor4D, stride: number, weights: ReadonlyMap<string, tf.Tensor>, mode: NormMode): tf.Tensor4D {
  const y = convolution(x, weights.get('stem.conv') as tf.Tensor4D, stride);
  return tf.relu(batchNorm(y, weights.get('stem.bn.gamma') as tf.Tensor1D, weights.get('stem.bn.beta') as tf.Tensor1D, 'stem.bn', mode));
}

/** Head: global average pool, dense to class logits. @returns [N, classes]. */
export function headForward(x: tf.Tensor4D, weights: ReadonlyMap<string, tf.Tensor>): tf.Tensor2D {
  const pooled = tf.mean(x, [1, 2]) as tf.Tensor2D;
  return tf.add(tf.matMul(pooled, weights.get('head.kernel') as tf.Tensor2D), weights.get('head.bias') as tf.Tensor1D);
}
