// Exact analytic cost of a supernet sub-network: multiply-accumulates (FLOPs, the DNAS/VAENAS
// convention) and trainable parameters, layer by layer. Pure arithmetic: it never builds a model.
// Only types come from space.ts (which imports this file): a value import would be a cycle.
import type { Architecture, Block, LayerShape, SupernetSpaceConfig } from './space';

/** Depthwise kernel size of each separable block. */
export const SEPARABLE_KERNEL: Readonly<Record<'sep3' | 'sep5' | 'sep7', number>> = { sep3: 3, sep5: 5, sep7: 7 };

/** Cost of one part of the network. `macs` are multiply-accumulates of convolutions and dense layers. */
export interface Cost {
  readonly macs: number;
  readonly params: number;
}

/** A convolution without bias (BN follows): k×k×cin×cout weights, outSize² output positions. */
function conv(k: number, cin: number, cout: number, outSize: number): Cost {
  return { macs: outSize * outSize * k * k * cin * cout, params: k * k * cin * cout };
}

/** A depthwise k×k convolution (channel multiplier 1), no bias. */
function depthwise(k: number, channels: number, outSize: number): Cost {
  return { macs: outSize * outSize * k * k * channels, params: k * k * channels };
}

/** Batch norm: γ and β per channel are trainable (running statistics are not). */
function batchNorm(channels: number): Cost {
  return { macs: 0, params: 2 * channels };
}

function sum(parts: readonly Cost[]): Cost {
  return parts.reduce((a, b) => ({ macs: a.macs + b.macs, params: a.params + b.params }), { macs: 0, params: 0 });
}

/**
 * Cost of `block` at `layer`. The blocks (lib/supernet/blocks.ts builds the same):
 * - sepK: 1×1 conv cin→cout at the input size, BN, ReLU; depthwise K×K with the layer's stride,
 *   BN; 1×1 conv cout→cout, BN (ShuffleNetV2's branch without the channel split).
 * - xception: three times [depthwise 3×3, BN, 1×1 conv, BN]; the first depthwise has the stride
 *   and runs on cin channels, the first 1×1 maps cin→cout (ShuffleNet's Xception-like choice).
 * - skip: identity, free.
 */
export function layerCost(layer: LayerShape, block: Block): Cost {
  const { inChannels: cin, outChannels: cout, inSize, outSize } = layer;
  if (block === 'skip') return { macs: 0, params: 0 };
  if (block === 'xception') {
    return sum([
      depthwise(3, cin, outSize), batchNorm(cin), conv(1, cin, cout, outSize), batchNorm(cout),
      depthwise(3, cout, outSize), batchNorm(cout), conv(1, cout, cout, outSize), batchNorm(cout),
      depthwise(3, cout, outSize), batchNorm(cout), conv(1, cout, cout, outSize), batchNorm(cout),
    ]);
  }
  const k = SEPARABLE_KERNEL[block];
  return sum([conv(1, cin, cout, inSize), batchNorm(cout), depthwise(k, cout, outSize), batchNorm(cout), conv(1, cout, cout, outSize), batchNorm(cout)]);
}

/** The fixed stem (3×3 conv, BN) and head (global average pool, dense with bias). */
export function fixedCost(config: SupernetSpaceConfig, layers: readonly LayerShape[]): Cost {
  const [height, , imageChannels] = config.inputShape;
  const stemSize = Math.ceil(height / config.stemStride);
  const last = layers.length > 0 ? layers[layers.length - 1].outChannels : config.stemChannels;
  return sum([conv(3, imageChannels, config.stemChannels, stemSize), batchNorm(config.stemChannels), { macs: last * config.classes, params: last * config.classes + config.classes }]);
}

/**
 * Params and FLOPs (millions of multiply-accumulates) of the sub-network `arch`.
 * Trusts its caller (LayerChoiceSpace validates).
 */
export function architectureCost(config: SupernetSpaceConfig, layers: readonly LayerShape[], arch: Architecture): { params: number; flopsM: number } {
  const total = sum([fixedCost(config, layers), ...layers.map((layer) => layerCost(layer, arch[layer.index]))]);
  return { params: total.params, flopsM: total.macs / 1e6 };
}
