// The layer-choice search space of the weight-sharing supernet (VAENAS appendix A.4's
// ShuffleNet-like space, shrunk for a 2-core CPU): a fixed stem, stages of layers that each pick
// one block, a fixed head. It describes architectures and their cost; it never builds weights.
import type { Rng } from '../random';
import type { SearchSpace } from '../spaces/search-space';
import { architectureCost, fixedCost, layerCost } from './cost';

/** The blocks a layer may choose (VAENAS A.4: separable 3/5/7, Xception-like; plus skip so depth varies). */
export const BLOCKS = ['sep3', 'sep5', 'sep7', 'xception', 'skip'] as const;
/** One layer's choice. */
export type Block = (typeof BLOCKS)[number];
/** An architecture: one block per layer, in network order. */
export type Architecture = readonly Block[];

export { SEPARABLE_KERNEL } from './cost';

/** One stage: `layers` layers at `channels` channels; its first layer downsamples by `stride`. */
export interface StageConfig {
  readonly channels: number;
  readonly layers: number;
  /** 1 or 2; the stage's first layer applies it (and changes the channel count). */
  readonly stride: 1 | 2;
}

/** The fixed parts of the network and the shape of the choice part. */
export interface SupernetSpaceConfig {
  /** Input images [height, width, channels]. */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  /** Stem: 3×3 convolution, BN, ReLU with this many output channels and this stride. */
  readonly stemChannels: number;
  readonly stemStride: 1 | 2;
  readonly stages: readonly StageConfig[];
}

/**
 * Fashion-MNIST, full scale: 28×28×1 → stem 16 (stride 2, 14×14) → 4 layers × 32 (first stride 2,
 * 7×7) → 4 layers × 64 (first stride 2, 4×4) → GAP → 10. Sized so a single-path training step
 * takes about 0.1 s on 2 CPU cores (bench/supernet.ts).
 */
export const FASHION_MNIST_SPACE: SupernetSpaceConfig = {
  inputShape: [28, 28, 1],
  classes: 10,
  stemChannels: 16,
  stemStride: 2,
  stages: [
    { channels: 32, layers: 4, stride: 2 },
    { channels: 64, layers: 4, stride: 2 },
  ],
};

/** CIFAR-10: the same choice part on 32×32×3 inputs (16×16, 8×8, 4×4). */
export const CIFAR10_SPACE: SupernetSpaceConfig = { ...FASHION_MNIST_SPACE, inputShape: [32, 32, 3] };

/** Smoke scale for CI: 2 + 2 layers at 8 and 16 channels (4²·5² = 400 architectures). */
export const SMOKE_SPACE: SupernetSpaceConfig = {
  inputShape: [28, 28, 1],
  classes: 10,
  stemChannels: 8,
  stemStride: 2,
  stages: [
    { channels: 8, layers: 2, stride: 2 },
    { channels: 16, layers: 2, stride: 2 },
  ],
};

/** Where one layer sits: its input and output shape and whether it may be skipped. */
export interface LayerShape {
  readonly index: number;
  readonly stage: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: 1 | 2;
  /** Input spatial size (square maps: height = width). */
  readonly inSize: number;
  readonly outSize: number;
  /** False for a stage's first layer when it changes shape: identity cannot stand in for it. */
  readonly skippable: boolean;
}

/**
 * The layer shapes of a configuration, in order.
 * Strided layers round the map size up (7 → 4), as 'same' padding does.
 * @throws RangeError for a configuration that cannot build (no stages, non-positive sizes, non-square input).
 */
export function layerShapes(config: SupernetSpaceConfig): LayerShape[] {
  const [height, width] = config.inputShape;
  if (height !== width) throw new RangeError(`supernet inputs must be square: got ${height}×${width}`);
  if (config.stages.length === 0) throw new RangeError('supernet needs at least one stage: got 0');
  for (const [name, value] of [['stemChannels', config.stemChannels], ['classes', config.classes], ['input channels', config.inputShape[2]]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`supernet ${name} must be a positive integer: got ${value}`);
  }
  let size = Math.ceil(height / config.stemStride);
  let channels = config.stemChannels;
  const shapes: LayerShape[] = [];
  config.stages.forEach((stage, s) => {
    if (!Number.isInteger(stage.layers) || stage.layers < 1) throw new RangeError(`stage ${s} layers must be a positive integer: got ${stage.layers}`);
    if (!Number.isInteger(stage.channels) || stage.channels < 1) throw new RangeError(`stage ${s} channels must be a positive integer: got ${stage.channels}`);
    for (let l = 0; l < stage.layers; l++) {
      const stride = l === 0 ? stage.stride : 1;
      const outSize = Math.ceil(size / stride);
      shapes.push({ index: shapes.length, stage: s, inChannels: channels, outChannels: stage.channels, stride, inSize: size, outSize, skippable: stride === 1 && channels === stage.channels });
      channels = stage.channels;
      size = outSize;
    }
  });
  return shapes;
}

/** Token of a block in the controller's sequences (0-based index in BLOCKS). */
export function blockToken(block: Block): number {
  return BLOCKS.indexOf(block);
}

/**
 * The supernet's architectures as a search space: a sequence of one token per layer; `skip` is
 * allowed only on layers whose input and output shapes agree. Every sequence that respects that
 * is a distinct sub-network of the supernet (positions matter: weights are per layer), so
 * `key` is the sequence itself and the space is unpadded.
 */
export class LayerChoiceSpace implements SearchSpace<Architecture> {
  readonly name: string;
  readonly size: number;
  readonly sequenceLength: number;
  readonly vocabSize = BLOCKS.length;
  readonly layers: readonly LayerShape[];
  private readonly costs = new Map<string, { params: number; flopsM: number }>();

  constructor(readonly config: SupernetSpaceConfig, name = 'supernet') {
    this.layers = layerShapes(config);
    this.name = name;
    this.sequenceLength = this.layers.length;
    this.size = this.layers.reduce((n, layer) => n * this.choices(layer.index).length, 1);
  }

  /** The blocks layer `index` may choose. */
  choices(index: number): readonly Block[] {
    return this.layers[index].skippable ? BLOCKS : BLOCKS.filter((b) => b !== 'skip');
  }

  key(arch: Architecture): string {
    this.check(arch);
    return arch.join('-');
  }

  /**
   * The architecture a key names (the inverse of `key`).
   * @throws RangeError for a key that is no architecture of this space (wrong length, a block a layer cannot take).
   */
  architecture(key: string): Architecture {
    const arch = key.split('-') as Block[];
    this.check(arch);
    return arch;
  }

  encode(arch: Architecture): number[] {
    this.check(arch);
    return arch.map(blockToken);
  }

  decode(tokens: readonly number[]): Architecture | null {
    if (tokens.length !== this.sequenceLength) throw new RangeError(`token sequence length must be ${this.sequenceLength}: got ${tokens.length}`);
    return tokens.map((token, i) => {
      const block = BLOCKS[token];
      if (block === undefined || !this.choices(i).includes(block)) throw new RangeError(`token ${token} is not allowed at layer ${i} (allowed: ${this.choices(i).map(blockToken).join(', ')})`);
      return block;
    });
  }

  allowedNextTokens(prefix: readonly number[]): boolean[] {
    if (prefix.length >= this.sequenceLength) throw new RangeError(`prefix is already complete: length ${prefix.length} (sequence length ${this.sequenceLength})`);
    const allowed = this.choices(prefix.length);
    return BLOCKS.map((b) => allowed.includes(b));
  }

  sampleUniform(rng: Rng): Architecture {
    return this.layers.map((layer) => rng.choice(this.choices(layer.index)));
  }

  mutate(arch: Architecture, rng: Rng): Architecture {
    this.check(arch);
    // SPOS-style mutation: redraw one layer's block among the other choices.
    const index = rng.int(this.sequenceLength);
    const others = this.choices(index).filter((b) => b !== arch[index]);
    const next = [...arch];
    next[index] = rng.choice(others);
    return next;
  }

  /** Every architecture with one layer's block replaced by another of that layer's choices. */
  neighbours(arch: Architecture): Architecture[] {
    this.check(arch);
    return arch.flatMap((block, index) => this.choices(index).filter((b) => b !== block).map((b) => {
      const next = [...arch];
      next[index] = b;
      return next;
    }));
  }

  params(arch: Architecture): number {
    return this.cost(arch).params;
  }

  flopsM(arch: Architecture): number {
    return this.cost(arch).flopsM;
  }

  /** The exact FLOPs range of the space (costs add up layer by layer, so per-layer extremes give it). */
  flopsRangeM(): { min: number; max: number } {
    const fixed = fixedCost(this.config, this.layers).macs;
    let min = fixed;
    let max = fixed;
    for (const layer of this.layers) {
      const macs = this.choices(layer.index).map((b) => layerCost(layer, b).macs);
      min += Math.min(...macs);
      max += Math.max(...macs);
    }
    return { min: min / 1e6, max: max / 1e6 };
  }

  private cost(arch: Architecture): { params: number; flopsM: number } {
    const key = this.key(arch);
    let cost = this.costs.get(key);
    if (cost === undefined) {
      cost = architectureCost(this.config, this.layers, arch);
      if (this.costs.size > 100_000) this.costs.clear();
      this.costs.set(key, cost);
    }
    return cost;
  }

  private check(arch: Architecture): void {
    if (arch.length !== this.sequenceLength) throw new RangeError(`architecture must have ${this.sequenceLength} layers: got ${arch.length}`);
    arch.forEach((block, i) => {
      if (!this.choices(i).includes(block)) throw new RangeError(`layer ${i} cannot be ${JSON.stringify(block)} (allowed: ${this.choices(i).join(', ')})`);
    });
  }
}
