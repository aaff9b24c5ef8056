// Evaluation of a sub-network with inherited supernet weights: batch-norm statistics recalibrated
// on a fixed set of training batches (as one-shot methods do), then accuracy on held-out images.
// It never changes a weight.
import * as tf from '@tensorflow/tfjs';
import { makeBatch, type LabelledImages, type Normalisation } from './batches';
import type { ChannelStats, NormMode } from './ops';
import type { WeightSharingNet } from './weight-sharing';

/** Where the statistics and the accuracy come from. */
export interface EvaluationData {
  /** Training images whose batches recalibrate BN (fixed, so an evaluation is deterministic). */
  readonly calibration: LabelledImages;
  /** Images the accuracy is measured on (the validation split during search; test only for reports). */
  readonly evaluation: LabelledImages;
  readonly norm: Normalisation;
  /** Calibration batch size (default 128). */
  readonly calibrationBatch?: number;
  /** Evaluation batch size (default 500; it only bounds memory). */
  readonly evaluationBatch?: number;
}

/**
 * BN statistics of `arch` on the calibration images: each batch is normalised by its own moments
 * (train-mode forward, as PyTorch recalibration does) and the per-site mean and variance are
 * averaged over batches.
 */
export function recalibrate<A>(supernet: WeightSharingNet<A>, arch: A, data: EvaluationData): Map<string, ChannelStats> {
  const size = data.calibrationBatch ?? 128;
  const sums = new Map<string, { mean: Float64Array; variance: Float64Array; batches: number }>();
  for (let start = 0; start + size <= data.calibration.count; start += size) {
    const { x } = makeBatch(data.calibration, range(start, start + size), data.norm);
    tf.tidy(() => {
      supernet.forward(arch, x, {
        kind: 'collect',
        record: (site, stats) => {
          let s = sums.get(site);
          if (s === undefined) sums.set(site, (s = { mean: new Float64Array(stats.mean.length), variance: new Float64Array(stats.mean.length), batches: 0 }));
          for (let i = 0; i < stats.mean.length; i++) {
            s.mean[i] += stats.mean[i];
            s.variance[i] += stats.variance[i];
          }
          s.batches++;
        },
      });
    });
    x.dispose();
  }
  if (sums.size === 0) throw new RangeError(`calibration set ${data.calibration.name} has ${data.calibration.count} images, fewer than one batch of ${size}`);
  const stats = new Map<string, ChannelStats>();
  for (const [site, s] of sums) stats.set(site, { mean: Float32Array.from(s.mean, (v) => v / s.batches), variance: Float32Array.from(s.variance, (v) => v / s.batches) });
  return stats;
}

/** Accuracy (fraction of 1) of `arch` with inherited weights and recalibrated BN on `data.evaluation`. */
export function evaluateSubnet<A>(supernet: WeightSharingNet<A>, arch: A, data: EvaluationData): number {
  const stats = recalibrate(supernet, arch, data);
  return accuracyWith(supernet, arch, data, { kind: 'fixed', stats });
}

/** Accuracy of `arch` on `data.evaluation` under a given normalisation mode. */
export function accuracyWith<A>(supernet: WeightSharingNet<A>, arch: A, data: EvaluationData, mode: NormMode): number {
  const size = data.evaluationBatch ?? 500;
  const images = data.evaluation;
  let correct = 0;
  for (let start = 0; start < images.count; start += size) {
    const end = Math.min(start + size, images.count);
    const { x, labels } = makeBatch(images, range(start, end), data.norm);
    const predicted = tf.tidy(() => tf.argMax(supernet.forward(arch, x, mode), 1).dataSync() as Int32Array);
    x.dispose();
    for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  }
  return correct / images.count;
}

function range(start: number, end: number): Int32Array {
  return Int32Array.from({ length: end - start }, (_, i) => start + i);
}
