// Turns an in-memory image set into normalised training/evaluation batches, and draws the
// per-epoch shuffled batch order from a seed. It never trains or evaluates.
import * as tf from '@tensorflow/tfjs';
import { Rng, type Seed } from '../random';
import { channelStats, type ImageDataset } from './data/image-dataset';

/** The part of an image data set the supernet reads. */
export type LabelledImages = Pick<ImageDataset, 'name' | 'images' | 'labels' | 'count' | 'height' | 'width' | 'channels'>;

/** Per-channel normalisation (x − mean) / std, computed on the training split. */
export interface Normalisation {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Per-channel mean and standard deviation of `data` (the training split's, never the test's); a
 * constant channel gets std 1e-6 instead of 0 so normalising never divides by zero.
 */
export function channelNormalisation(data: LabelledImages): Normalisation {
  const { mean, std } = channelStats(data);
  return { mean, std: std.map((s) => Math.max(s, 1e-6)) };
}

/**
 * A normalised batch of the images at `indices`. @returns x [n, H, W, C] (caller disposes) and labels.
 * @throws RangeError for an index outside the data set.
 */
export function makeBatch(data: LabelledImages, indices: ArrayLike<number>, norm: Normalisation): { x: tf.Tensor4D; labels: Int32Array } {
  const pixels = data.height * data.width * data.channels;
  const out = new Float32Array(indices.length * pixels);
  const labels = new Int32Array(indices.length);
  const c = data.channels;
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b];
    if (!Number.isInteger(i) || i < 0 || i >= data.count) throw new RangeError(`image index ${i} is outside ${data.name} (0..${data.count - 1})`);
    const src = data.images.subarray(i * pixels, (i + 1) * pixels);
    for (let p = 0; p < pixels; p++) out[b * pixels + p] = (src[p] - norm.mean[p % c]) / norm.std[p % c];
    labels[b] = data.labels[i];
  }
  return { x: tf.tensor4d(out, [indices.length, data.height, data.width, data.channels]), labels };
}

/**
 * The image indices of training step `step`: epochs are seeded permutations of the data set
 * (`${seed}/epoch/${e}`), consumed `batchSize` at a time, so a resumed run sees the same batches.
 */
export function stepIndices(count: number, batchSize: number, step: number, seed: Seed): Int32Array {
  const perEpoch = Math.floor(count / batchSize);
  if (perEpoch < 1) throw new RangeError(`batch size ${batchSize} exceeds the data set (${count} images)`);
  const epoch = Math.floor(step / perEpoch);
  const order = epochOrder(count, `${seed}/epoch/${epoch}`);
  const start = (step % perEpoch) * batchSize;
  return order.subarray(start, start + batchSize);
}

let cachedOrder: { key: string; order: Int32Array } | null = null;

function epochOrder(count: number, seed: string): Int32Array {
  const key = `${count}/${seed}`;
  if (cachedOrder?.key === key) return cachedOrder.order;
  const rng = new Rng(seed);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  cachedOrder = { key, order };
  return order;
}
