// What single-path training, inherited-weight evaluation and the one-shot benchmark need of a
// weight-sharing network, whatever its search space: the layer-choice supernet (supernet.ts) and
// the NAS-Bench-201 cell supernet (nb201-supernet.ts) both are one. Also the shared restore step.
import type * as tf from '@tensorflow/tfjs';
import type { SearchSpace } from '../spaces/search-space';
import type { NormMode } from './ops';
import { hasTensorMap, readTensorMap, readTensorMapHeader } from './tensor-file';

/** A supernet over architectures `A`: one set of weights, a forward pass along any single path. */
export interface WeightSharingNet<A> {
  /** The plain-data configuration it was built from (saved beside the weights; compared on restore). */
  readonly config: object;
  /** Its sub-networks as a search space (keys, costs, sampling). */
  readonly space: SearchSpace<A>;
  /** Every trainable weight by id. */
  readonly weights: ReadonlyMap<string, tf.Variable>;
  /** The architecture a space key names. @throws RangeError (or the space's error) for a key outside the space. */
  architecture(key: string): A;
  /** Ids of the weights a training step of `arch` updates: those its loss depends on. */
  pathWeightIds(arch: A): string[];
  /** Logits of sub-network `arch` on a batch [N, H, W, C] of normalised images. @returns [N, classes]. */
  forward(arch: A, x: tf.Tensor4D, mode: NormMode): tf.Tensor2D;
  /** Write the weights atomically to `dir`, with the config and `meta` beside them. */
  save(dir: string, meta?: Record<string, unknown>): void;
  /** The config and meta of a net of this kind saved in `dir`, without its weights; null when none is there. */
  saved(dir: string): { config: unknown; meta: Record<string, unknown> } | null;
  /**
   * Replace this net's weights with those saved in `dir` by `save` of a net with the same config.
   * @returns the saved meta. @throws Error naming the folder and what differs; the weights are unchanged then.
   */
  restore(dir: string): Record<string, unknown>;
  /** Free every weight. */
  dispose(): void;
}

/** The config and meta saved as `<dir>/<base>`, read without the weights; null when nothing is saved there. */
export function savedNetHeader(dir: string, base: string): { config: unknown; meta: Record<string, unknown> } | null {
  if (!hasTensorMap(dir, base)) return null;
  const header = readTensorMapHeader(dir, base);
  return { config: header.config, meta: (header.meta ?? {}) as Record<string, unknown> };
}

/**
 * Assign the tensors saved as `<dir>/<base>` to `weights`, after checking that they were saved
 * with the same config and hold exactly these ids and shapes (nothing is assigned otherwise).
 * @returns the saved meta. @throws Error naming the folder, the weight or the config that differs.
 */
export function restoreWeights(dir: string, base: string, weights: ReadonlyMap<string, tf.Variable>, config: object): Record<string, unknown> {
  const { tensors, header } = readTensorMap(dir, base);
  try {
    if (JSON.stringify(header.config) !== JSON.stringify(config)) throw new Error(`${dir} holds a supernet of another config (${JSON.stringify(header.config)}); this one is ${JSON.stringify(config)}`);
    if (tensors.size !== weights.size) throw new Error(`${dir}: ${tensors.size} saved weights, but the config needs ${weights.size}`);
    for (const [id, v] of weights) {
      const t = tensors.get(id);
      if (t === undefined || t.shape.join('x') !== v.shape.join('x')) throw new Error(`${dir}: weight ${id} ${t ? `has shape [${t.shape}]` : 'is missing'}; the config needs [${v.shape}]`);
    }
    for (const [id, v] of weights) v.assign(tensors.get(id)!);
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
  return (header.meta ?? {}) as Record<string, unknown>;
}
