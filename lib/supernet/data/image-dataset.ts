// The in-memory image data set (NHWC floats in 0..1 + integer labels) and the pure operations on it:
// subsets, the seeded train/validation split, per-channel statistics. No file I/O and no TF.js here.
import { Rng, type Seed } from '../../random';

/** A labelled image data set held in memory. */
export interface ImageDataset {
  /** Data set and split, e.g. `fashion-mnist/train`, `cifar10/test`, `cifar10/train:validation`. */
  readonly name: string;
  /** Pixels, shape `[count, height, width, channels]` (NHWC, row-major), each pixel/255 in 0..1. */
  readonly images: Float32Array;
  /** Class indices, shape `[count]`, each in 0..classes.length-1. */
  readonly labels: Int32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Class names; label i names `classes[i]`. */
  readonly classes: readonly string[];
}

/** Floats per image: height × width × channels. */
export function imageSize(ds: ImageDataset): number {
  return ds.height * ds.width * ds.channels;
}

/**
 * A new data set holding `indices` of `ds`, in that order (pixels and labels are copied).
 * @param name the new name (default `<ds.name>:subset`).
 * @throws RangeError when an index is not an integer in 0..count-1.
 */
export function subset(ds: ImageDataset, indices: readonly number[], name = `${ds.name}:subset`): ImageDataset {
  const size = imageSize(ds);
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  indices.forEach((index, k) => {
    if (!Number.isInteger(index) || index < 0 || index >= ds.count) {
      throw new RangeError(`subset of ${ds.name}: index ${index} out of range (0..${ds.count - 1})`);
    }
    images.set(ds.images.subarray(index * size, (index + 1) * size), k * size);
    labels[k] = ds.labels[index];
  });
  return { ...ds, name, images, labels, count: indices.length };
}

/**
 * The first `n` images of `ds` as views (no copy); the name is kept, since loaders use this for `limit`.
 * @throws RangeError when `n` is not an integer in 1..count.
 */
export function firstN(ds: ImageDataset, n: number): ImageDataset {
  if (!Number.isInteger(n) || n < 1 || n > ds.count) throw new RangeError(`firstN of ${ds.name}: n must be an integer in 1..${ds.count}, got ${n}`);
  return { ...ds, images: ds.images.subarray(0, n * imageSize(ds)), labels: ds.labels.subarray(0, n), count: n };
}

/**
 * `ds` at 1/`factor` of its height and width: each output pixel is the mean of a factor×factor
 * block (box filter, as area resizing does). Factor 1 returns `ds` itself.
 * @throws RangeError when factor is not a positive integer dividing both height and width.
 */
export function downsample(ds: ImageDataset, factor: number): ImageDataset {
  if (!Number.isInteger(factor) || factor < 1 || ds.height % factor !== 0 || ds.width % factor !== 0) {
    throw new RangeError(`downsample of ${ds.name}: factor must be a positive integer dividing ${ds.height}×${ds.width}: got ${factor}`);
  }
  if (factor === 1) return ds;
  const { height, width, channels: c } = ds;
  const h = height / factor;
  const w = width / factor;
  const images = new Float32Array(ds.count * h * w * c);
  const scale = 1 / (factor * factor);
  for (let n = 0; n < ds.count; n++) {
    const src = n * height * width * c;
    const dst = n * h * w * c;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const from = src + (y * width + x) * c;
        const to = dst + ((Math.floor(y / factor) * w) + Math.floor(x / factor)) * c;
        for (let k = 0; k < c; k++) images[to + k] += ds.images[from + k] * scale;
      }
    }
  }
  return { ...ds, name: `${ds.name}@${h}x${w}`, images, height: h, width: w };
}

/**
 * How many images to keep: `limit`, or all `count` when it is undefined.
 * @throws RangeError when `limit` is not an integer in 1..count.
 */
export function checkLimit(limit: number | undefined, count: number, name: string): number {
  if (limit === undefined) return count;
  if (!Number.isInteger(limit) || limit < 1 || limit > count) throw new RangeError(`limit for ${name} must be an integer in 1..${count}: got ${limit}`);
  return limit;
}

/**
 * Hold out a validation part of a training set: a seeded shuffle of the indices, the first
 * `validationCount` of which become `<name>:validation` and the rest `<name>:train-part`.
 * The parts are disjoint and cover `train`; each keeps the original order of its images (the
 * training loop shuffles per epoch), so the same seed always gives the same two sets.
 * The test split never goes through here: it is kept for final reports only.
 * @param validationCount images to hold out (an integer in 1..count-1).
 * @param seed seeds the `Rng` that shuffles the indices.
 * @throws RangeError when validationCount is not an integer in 1..count-1.
 */
export function splitValidation(train: ImageDataset, validationCount: number, seed: Seed): { train: ImageDataset; validation: ImageDataset } {
  if (!Number.isInteger(validationCount) || validationCount < 1 || validationCount > train.count - 1) {
    throw new RangeError(`validationCount must be an integer in 1..${train.count - 1} (count of ${train.name} minus 1): got ${validationCount}`);
  }
  const order = new Rng(seed).shuffle(Array.from({ length: train.count }, (_, i) => i));
  const ascending = (a: number, b: number): number => a - b;
  const validation = order.slice(0, validationCount).sort(ascending);
  const rest = order.slice(validationCount).sort(ascending);
  return {
    train: subset(train, rest, `${train.name}:train-part`),
    validation: subset(train, validation, `${train.name}:validation`),
  };
}

/** Images per class, indexed by label: length `classes.length`. */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array<number>(ds.classes.length).fill(0);
  for (let i = 0; i < ds.count; i++) counts[ds.labels[i]]++;
  return counts;
}

/**
 * Per-channel mean and (population) standard deviation of the pixels (0..1 scale), for
 * normalising inputs as `(x - mean[c]) / std[c]`. Accumulates in float64.
 * @returns `mean` and `std`, each of length `channels`.
 * @throws RangeError on an empty data set.
 */
export function channelStats(ds: Pick<ImageDataset, 'name' | 'images' | 'count' | 'channels'>): { mean: number[]; std: number[] } {
  if (ds.count === 0) throw new RangeError(`channelStats of ${ds.name}: the data set is empty`);
  const c = ds.channels;
  const sum = new Float64Array(c);
  const sumSq = new Float64Array(c);
  const { images } = ds;
  for (let i = 0; i < images.length; i++) {
    const v = images[i];
    sum[i % c] += v;
    sumSq[i % c] += v * v;
  }
  const n = images.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sumSq, (s, k) => Math.sqrt(Math.max(0, s / n - mean[k] * mean[k])));
  return { mean, std };
}
