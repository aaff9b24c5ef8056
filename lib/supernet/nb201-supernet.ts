// A weight-sharing supernet over the NAS-Bench-201 space: the benchmark's macro network (stem,
// three stages of cells with residual reductions, head) at a chosen width C and depth N, where
// every cell edge holds weights for each of its five operations and a forward pass runs one cell.
import * as tf from '@tensorflow/tfjs';
import { Rng, type Seed } from '../random';
import { NB201_EDGES, parseNb201Cell, type Nb201Cell } from '../spaces/nasbench201/cell';
import { nasbench201SearchSpace } from '../spaces/nasbench201/search-space';
import type { SearchSpace } from '../spaces/search-space';
import { initialValues } from './blocks';
import { avgPool } from './avg-pool';
import { conv2dFast } from './fast-conv';
import { NB201_STAGES, walkNetwork, type ComputingOp, type NetworkAlgebra } from './nb201-network';
import { batchNorm, pointwise, type NormMode } from './ops';
import { writeTensorMap } from './tensor-file';
import { restoreWeights, savedNetHeader, type WeightSharingNet } from './weight-sharing';

/** The base name of a saved NAS-Bench-201 supernet: `nb201-supernet.json` + `.bin`. */
export const NB201_SUPERNET_FILE = 'nb201-supernet';

/** The network's shape: NAS-Bench-201 itself is C = 16, N = 5 on 32×32 images. */
export interface Nb201SupernetConfig {
  /** Side of the square input images (divisible by 4: two reductions halve it). */
  readonly imageSize: number;
  readonly imageChannels: number;
  readonly classes: number;
  /** Channels of the first stage (C); the stages have C, 2C, 4C. */
  readonly channels: number;
  /** Cells per stage (N). */
  readonly cellsPerStage: number;
}

/** NAS-Bench-201's own network on CIFAR-10 (C = 16, N = 5, 32×32): the reference shape. */
export const NB201_BENCHMARK_NETWORK: Nb201SupernetConfig = { imageSize: 32, imageChannels: 3, classes: 10, channels: 16, cellsPerStage: 5 };

/**
 * Every weight of a configuration (id → shape) in a fixed order.
 * @throws RangeError for a shape that cannot build (naming the field and value).
 */
export function nb201WeightShapes(config: Nb201SupernetConfig): [string, number[]][] {
  checkConfig(config);
  const { channels: c, cellsPerStage, imageChannels, classes } = config;
  const bn = (id: string, n: number): [string, number[]][] => [[`${id}.bn.gamma`, [n]], [`${id}.bn.beta`, [n]]];
  const shapes: [string, number[]][] = [['stem.conv', [3, 3, imageChannels, c]], ...bn('stem', c)];
  for (let stage = 0; stage < NB201_STAGES; stage++) {
    const cs = c << stage;
    if (stage > 0) {
      const cin = cs / 2;
      shapes.push([`r${stage}.a.w`, [3, 3, cin, cs]], ...bn(`r${stage}.a`, cs), [`r${stage}.b.w`, [3, 3, cs, cs]], ...bn(`r${stage}.b`, cs), [`r${stage}.short.w`, [cin, cs]]);
    }
    for (let i = 0; i < cellsPerStage; i++) {
      NB201_EDGES.forEach((_, e) => {
        const edge = `s${stage}c${i}.e${e}`;
        shapes.push([`${edge}.conv1.w`, [cs, cs]], ...bn(`${edge}.conv1`, cs), [`${edge}.conv3.w`, [3, 3, cs, cs]], ...bn(`${edge}.conv3`, cs));
      });
    }
  }
  const last = c << (NB201_STAGES - 1);
  shapes.push(...bn('last', last), ['head.kernel', [last, classes]], ['head.bias', [classes]]);
  return shapes;
}

/** The weights and forward pass of the NAS-Bench-201 supernet; sampling and training live elsewhere. */
export class Nb201Supernet implements WeightSharingNet<Nb201Cell> {
  /** Costs are the benchmark network's (C = 16, N = 5), whatever the proxy's shape: what the table's cells cost. */
  readonly space: SearchSpace<Nb201Cell> = nasbench201SearchSpace('cifar10');

  private constructor(readonly config: Nb201SupernetConfig, readonly weights: ReadonlyMap<string, tf.Variable>) {}

  /** A freshly initialised supernet (He-normal convolutions, γ = 1, β = 0); the same seed gives the same weights. */
  static create(config: Nb201SupernetConfig, seed: Seed): Nb201Supernet {
    const rng = new Rng(seed);
    const weights = new Map<string, tf.Variable>();
    for (const [id, shape] of nb201WeightShapes(config)) weights.set(id, tf.tidy(() => tf.variable(tf.tensor(initialValues(id, shape, rng.fork(id)), shape))));
    return new Nb201Supernet({ ...config }, weights);
  }

  architecture(key: string): Nb201Cell {
    return parseNb201Cell(key);
  }

  pathWeightIds(cell: Nb201Cell): string[] {
    this.space.key(cell); // throws for a cell outside the space
    const ids = walkNetwork(cell, this.config.cellsPerStage, weightIdAlgebra);
    return [...ids];
  }

  /**
   * Logits of `cell`'s network on x [N, size, size, channels]. `edgeScales` [6], when given, multiplies
   * each edge's output in every cell (gradient-based search passes its architecture weights' scales).
   * @throws for a cell outside the space, x of another shape or scales of another length.
   */
  forward(cell: Nb201Cell, x: tf.Tensor4D, mode: NormMode, edgeScales?: tf.Tensor1D): tf.Tensor2D {
    const key = this.space.key(cell);
    const { imageSize, imageChannels } = this.config;
    if (x.shape[1] !== imageSize || x.shape[2] !== imageSize || x.shape[3] !== imageChannels) {
      throw new RangeError(`supernet input must be [N, ${imageSize}, ${imageSize}, ${imageChannels}]: got [${x.shape}] (cell ${key})`);
    }
    if (edgeScales !== undefined && edgeScales.shape[0] !== NB201_EDGES.length) throw new RangeError(`edge scales must be [${NB201_EDGES.length}]: got [${edgeScales.shape}] (cell ${key})`);
    return walkNetwork(cell, this.config.cellsPerStage, tensorAlgebra(this.weights, this.config, x, mode, edgeScales));
  }

  /** Total trainable values (every edge's every op). */
  get size(): number {
    let n = 0;
    for (const v of this.weights.values()) n += v.size;
    return n;
  }

  save(dir: string, meta: Record<string, unknown> = {}): void {
    writeTensorMap(dir, NB201_SUPERNET_FILE, this.weights, { kind: 'nb201-supernet', config: this.config, meta });
  }

  saved(dir: string): { config: unknown; meta: Record<string, unknown> } | null {
    return savedNetHeader(dir, NB201_SUPERNET_FILE);
  }

  restore(dir: string): Record<string, unknown> {
    return restoreWeights(dir, NB201_SUPERNET_FILE, this.weights, this.config);
  }

  /** A supernet saved by `save`, with its meta. @throws Error for missing or corrupt files. */
  static load(dir: string, config: Nb201SupernetConfig): { supernet: Nb201Supernet; meta: Record<string, unknown> } {
    // Zeros, not a seeded init: every value is overwritten by the saved weights.
    const weights = new Map(nb201WeightShapes(config).map(([id, shape]) => [id, tf.tidy(() => tf.variable(tf.zeros(shape)))] as const));
    const supernet = new Nb201Supernet({ ...config }, weights);
    try {
      return { supernet, meta: supernet.restore(dir) };
    } catch (error) {
      supernet.dispose();
      throw error;
    }
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
  }
}

function checkConfig(config: Nb201SupernetConfig): void {
  for (const name of ['imageSize', 'imageChannels', 'classes', 'channels', 'cellsPerStage'] as const) {
    const value = config[name];
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`NAS-Bench-201 supernet ${name} must be a positive integer: got ${value}`);
  }
  if (config.imageSize % 4 !== 0) throw new RangeError(`NAS-Bench-201 supernet imageSize must be divisible by 4 (two reductions halve it): got ${config.imageSize}`);
}

const CONV_NAME: Record<'nor_conv_1x1' | 'nor_conv_3x3', string> = { nor_conv_1x1: 'conv1', nor_conv_3x3: 'conv3' };

/** The weight ids each part of the network uses, as sets (the union of a path's parts). */
const weightIdAlgebra: NetworkAlgebra<ReadonlySet<string>> = {
  stem: () => new Set(['stem.conv', 'stem.bn.gamma', 'stem.bn.beta']),
  edge(op, prefix, _stage, input) {
    if (op === 'skip_connect' || op === 'avg_pool_3x3') return input;
    const unit = `${prefix}.${CONV_NAME[op]}`;
    return new Set([...(input ?? []), `${unit}.w`, `${unit}.bn.gamma`, `${unit}.bn.beta`]);
  },
  sum: (terms) => new Set(terms.flatMap((t) => [...t])),
  reduction(stage, input) {
    const r = `r${stage}`;
    return new Set([...(input ?? []), `${r}.a.w`, `${r}.a.bn.gamma`, `${r}.a.bn.beta`, `${r}.b.w`, `${r}.b.bn.gamma`, `${r}.b.bn.beta`, `${r}.short.w`]);
  },
  head: (input) => new Set([...(input ?? []), 'last.bn.gamma', 'last.bn.beta', 'head.kernel', 'head.bias']),
};

/**
 * The forward pass as tensors. Convolutions pad like PyTorch's (1 for 3×3, 0 for 1×1, symmetric),
 * so a stride-2 reduction sees the same pixels as NAS-Bench-201's; pooling is 3×3, stride 1,
 * averaging only real pixels (NAS-Bench-201's count_include_pad = False is TensorFlow's 'same').
 */
function tensorAlgebra(weights: ReadonlyMap<string, tf.Variable>, config: Nb201SupernetConfig, x: tf.Tensor4D, mode: NormMode, edgeScales?: tf.Tensor1D): NetworkAlgebra<tf.Tensor4D, tf.Tensor2D> {
  const batch = x.shape[0];
  const w = (id: string): tf.Tensor => {
    const t = weights.get(id);
    if (t === undefined) throw new Error(`NAS-Bench-201 supernet has no weight ${id}`);
    return t;
  };
  const bn = (t: tf.Tensor4D, id: string): tf.Tensor4D => batchNorm(t, w(`${id}.bn.gamma`) as tf.Tensor1D, w(`${id}.bn.beta`) as tf.Tensor1D, id, mode);
  const zeros = (stage: number): tf.Tensor4D => {
    const size = config.imageSize >> stage;
    return tf.zeros([batch, size, size, config.channels << stage]);
  };
  // ReLU → conv → BN, NAS-Bench-201's ReLUConvBN.
  const reluConvBn = (input: tf.Tensor4D, id: string, stride: 1 | 2): tf.Tensor4D => {
    const kernel = w(`${id}.w`);
    const y = kernel.rank === 2 ? pointwise(tf.relu(input), kernel as tf.Tensor2D) : conv2dFast(tf.relu(input), kernel as tf.Tensor4D, stride, 1);
    return bn(y, id);
  };
  const edgeValue = (op: ComputingOp, prefix: string, stage: number, input: tf.Tensor4D | null): tf.Tensor4D | null => {
    if (op === 'skip_connect') return input;
    if (op === 'avg_pool_3x3') return input === null ? null : avgPool(input, 3, 1, 'same');
    return reluConvBn(input ?? zeros(stage), `${prefix}.${CONV_NAME[op]}`, 1);
  };
  return {
    stem: () => bn(conv2dFast(x, w('stem.conv') as tf.Tensor4D, 1, 1), 'stem'),
    edge(op: ComputingOp, prefix, stage, input, edgeIndex) {
      const value = edgeValue(op, prefix, stage, input);
      return value === null || edgeScales === undefined ? value : (tf.mul(value, tf.slice(edgeScales, [edgeIndex], [1])) as tf.Tensor4D);
    },
    sum: (terms) => (terms.length === 1 ? terms[0] : (tf.addN(terms) as tf.Tensor4D)),
    reduction(stage, input) {
      const from = input ?? zeros(stage - 1);
      const a = reluConvBn(from, `r${stage}.a`, 2);
      const b = reluConvBn(a, `r${stage}.b`, 1);
      const shortcut = pointwise(avgPool(from, 2, 2, 'valid'), w(`r${stage}.short.w`) as tf.Tensor2D);
      return tf.add(b, shortcut);
    },
    head(input) {
      const pooled = tf.mean(tf.relu(bn(input ?? zeros(NB201_STAGES - 1), 'last')), [1, 2]) as tf.Tensor2D;
      return tf.add(tf.matMul(pooled, w('head.kernel') as tf.Tensor2D), w('head.bias'));
    },
  };
}
