// The weight-sharing supernet: one set of weights per (layer, block) plus the fixed stem and
// head, a forward pass along any single path, and save/load. Sampling and training live elsewhere.
import * as tf from '@tensorflow/tfjs';
import { Rng, type Seed } from '../random';
import { blockForward, blockWeightShapes, headForward, initialValues, stemForward } from './blocks';
import type { NormMode } from './ops';
import { LayerChoiceSpace, type Architecture, type SupernetSpaceConfig } from './space';
import { readTensorMap, writeTensorMap } from './tensor-file';
import { restoreWeights, savedNetHeader, type WeightSharingNet } from './weight-sharing';

/** The base name of a saved supernet: `supernet.json` + `supernet.bin` (see tensor-file.ts). */
export const SUPERNET_FILE = 'supernet';

/** A supernet's weights for every layer choice; `forward` runs one sub-network on them. */
export class Supernet implements WeightSharingNet<Architecture> {
  readonly space: LayerChoiceSpace;
  /** Every trainable weight by id (`stem.conv`, `L3.sep5.pw1`, `head.kernel`, …). */
  readonly weights: ReadonlyMap<string, tf.Variable>;

  private constructor(readonly config: SupernetSpaceConfig, weights: Map<string, tf.Variable>) {
    this.space = new LayerChoiceSpace(config);
    this.weights = weights;
  }

  /** A freshly initialised supernet; the same seed gives the same weights. */
  static create(config: SupernetSpaceConfig, seed: Seed): Supernet {
    const rng = new Rng(seed);
    const weights = new Map<string, tf.Variable>();
    for (const [id, shape] of weightShapes(config)) weights.set(id, tf.tidy(() => tf.variable(tf.tensor(initialValues(id, shape, rng.fork(id)), shape))));
    return new Supernet(config, weights);
  }

  architecture(key: string): Architecture {
    return this.space.architecture(key);
  }

  /** Ids of the weights sub-network `arch` uses (stem, its blocks, head): what single-path training updates. */
  pathWeightIds(arch: Architecture): string[] {
    this.space.key(arch);
    const ids = ['stem.conv', 'stem.bn.gamma', 'stem.bn.beta'];
    this.space.layers.forEach((layer) => {
      for (const [suffix] of blockWeightShapes(layer, arch[layer.index])) ids.push(`L${layer.index}.${arch[layer.index]}.${suffix}`);
    });
    ids.push('head.kernel', 'head.bias');
    return ids;
  }

  /**
   * Logits of sub-network `arch` on a batch. @param x [N, H, W, C] normalised images.
   * @returns [N, classes]. @throws RangeError for an architecture outside the space.
   */
  forward(arch: Architecture, x: tf.Tensor4D, mode: NormMode): tf.Tensor2D {
    this.space.key(arch);
    let y = stemForward(x, this.config.stemStride, this.weights, mode);
    for (const layer of this.space.layers) {
      const block = arch[layer.index];
      y = blockForward(y, layer, block, `L${layer.index}.${block}`, this.weights, mode);
    }
    return headForward(y, this.weights);
  }

  /** Total trainable values in the supernet (all choices). */
  get size(): number {
    let n = 0;
    for (const v of this.weights.values()) n += v.size;
    return n;
  }

  /** Write the weights atomically to `dir`, with the config and `meta` beside them. */
  save(dir: string, meta: Record<string, unknown> = {}): void {
    writeTensorMap(dir, SUPERNET_FILE, this.weights, { config: this.config, meta });
  }

  saved(dir: string): { config: unknown; meta: Record<string, unknown> } | null {
    return savedNetHeader(dir, SUPERNET_FILE);
  }

  restore(dir: string): Record<string, unknown> {
    return restoreWeights(dir, SUPERNET_FILE, this.weights, this.config);
  }

  /**
   * Load a supernet saved by `save`. @throws Error when a file is missing or corrupt (see
   * readTensorMap), or the weights do not match the saved config (it names the weight).
   */
  static load(dir: string): { supernet: Supernet; meta: Record<string, unknown> } {
    const { tensors, header } = readTensorMap(dir, SUPERNET_FILE);
    const config = header.config as SupernetSpaceConfig;
    const expected = weightShapes(config);
    const weights = new Map<string, tf.Variable>();
    try {
      if (expected.length !== tensors.size) throw new Error(`${dir}: ${tensors.size} saved weights, but the saved config needs ${expected.length}`);
      for (const [id, shape] of expected) {
        const t = tensors.get(id);
        if (t === undefined || t.shape.join('x') !== shape.join('x')) throw new Error(`${dir}: weight ${id} ${t ? `has shape [${t.shape}]` : 'is missing'}; the config needs [${shape}]`);
        weights.set(id, tf.variable(t));
      }
    } catch (error) {
      for (const v of weights.values()) v.dispose();
      throw error;
    } finally {
      for (const t of tensors.values()) t.dispose();
    }
    return { supernet: new Supernet(config, weights), meta: (header.meta ?? {}) as Record<string, unknown> };
  }

  /** Free every weight. */
  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
  }
}

/** Every weight of a configuration (id → shape) in a fixed order. */
function weightShapes(config: SupernetSpaceConfig): [string, number[]][] {
  const space = new LayerChoiceSpace(config);
  const shapes: [string, number[]][] = [['stem.conv', [3, 3, config.inputShape[2], config.stemChannels]], ['stem.bn.gamma', [config.stemChannels]], ['stem.bn.beta', [config.stemChannels]]];
  for (const layer of space.layers) {
    for (const block of space.choices(layer.index)) {
      for (const [suffix, shape] of blockWeightShapes(layer, block)) shapes.push([`L${layer.index}.${block}.${suffix}`, shape]);
    }
  }
  const last = space.layers[space.layers.length - 1].outChannels;
  shapes.push(['head.kernel', [last, config.classes]], ['head.bias', [config.classes]]);
  return shapes;
}
