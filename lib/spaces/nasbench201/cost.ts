// Exact parameter count and FLOPs of the NAS-Bench-201 network built from a cell, per data set.
// Pure arithmetic over the cell's ops: no tables are read here (tests check it against them).
import type { Nb201Cell, Nb201Op } from './cell';

/** The three data sets NAS-Bench-201 trains every cell on, with their input size and classes. */
export const NB201_DATASETS = {
  cifar10: { classes: 10, imageSize: 32 },
  cifar100: { classes: 100, imageSize: 32 },
  'imagenet16-120': { classes: 120, imageSize: 16 },
} as const;

/** A NAS-Bench-201 data set name (the table files are `nasbench201/<name>.csv`). */
export type Nb201Dataset = keyof typeof NB201_DATASETS;

/**
 * The macro skeleton (Dong & Yang 2020, Fig 1): a 3×3 stem conv to C = 16 channels with batch
 * norm; three stages of N = 5 cells at C = 16, 32, 64 channels; between stages a residual block
 * that halves the resolution and doubles C; batch norm + ReLU, global average pooling and a linear
 * classifier.
 */
const STEM_CHANNELS = 16;
const CELLS_PER_STAGE = 5;
const STAGE_CHANNELS = [16, 32, 64] as const;

/** Params of a ReLU-Conv-BN unit: k×k conv without bias, then batch norm with scale and shift. */
function reluConvBnParams(kernel: number, cin: number, cout: number): number {
  return kernel * kernel * cin * cout + 2 * cout;
}

/** Parameters of one edge op at C channels: only the two convolutions have weights (pool, skip, none: 0). */
function opParams(op: Nb201Op, channels: number): number {
  if (op === 'nor_conv_3x3') return reluConvBnParams(3, channels, channels);
  if (op === 'nor_conv_1x1') return reluConvBnParams(1, channels, channels);
  return 0;
}

/** Multiply-accumulates of one edge op at C channels on an h×h map (pooling and skips do none). */
function opMacs(op: Nb201Op, channels: number, size: number): number {
  if (op === 'nor_conv_3x3') return 9 * channels * channels * size * size;
  if (op === 'nor_conv_1x1') return channels * channels * size * size;
  return 0;
}

/**
 * The residual reduction block from cin to cout channels, stride 2: ReLU-Conv3×3(stride 2)-BN,
 * ReLU-Conv3×3-BN, and a shortcut of 2×2 average pooling then a 1×1 conv without batch norm.
 * @returns params and multiply-accumulates on an output map of `outSize`×`outSize`.
 */
function reductionCost(cin: number, cout: number, outSize: number): { params: number; macs: number } {
  const pixels = outSize * outSize;
  return {
    params: reluConvBnParams(3, cin, cout) + reluConvBnParams(3, cout, cout) + cin * cout,
    macs: (9 * cin * cout + 9 * cout * cout + cin * cout) * pixels,
  };
}

/** Params and multiply-accumulates of the whole network (see networkParams / networkFlopsM). */
function networkCost(cell: Nb201Cell, dataset: Nb201Dataset): { params: number; macs: number } {
  const { classes, imageSize } = NB201_DATASETS[dataset];
  let params = reluConvBnParams(3, 3, STEM_CHANNELS); // the stem: Conv-BN (no ReLU first; same weights)
  let macs = 9 * 3 * STEM_CHANNELS * imageSize * imageSize;
  let size = imageSize;
  STAGE_CHANNELS.forEach((channels, stage) => {
    if (stage > 0) {
      size /= 2;
      const block = reductionCost(STAGE_CHANNELS[stage - 1], channels, size);
      params += block.params;
      macs += block.macs;
    }
    for (const op of cell.ops) {
      params += CELLS_PER_STAGE * opParams(op, channels);
      macs += CELLS_PER_STAGE * opMacs(op, channels, size);
    }
  });
  const last = STAGE_CHANNELS[STAGE_CHANNELS.length - 1];
  params += 2 * last + last * classes + classes; // final batch norm, then the linear classifier
  macs += last * classes;
  return { params, macs };
}

/**
 * Trainable parameters of the NAS-Bench-201 network built from `cell` for `dataset`, counted as
 * the benchmark counts them: every edge's weights, whether or not the edge reaches the output
 * (the network builds them all). Equals the table's `params` for all 15,625 cells of each data set.
 */
export function networkParams(cell: Nb201Cell, dataset: Nb201Dataset): number {
  return networkCost(cell, dataset).params;
}

/**
 * FLOPs of that network in millions, by the cost model of the other spaces: multiply-accumulates
 * of convolutions and the dense layer (batch norm, ReLU, pooling and additions not counted).
 * The all-3×3 cell on CIFAR gives 220.11 M, NAS-Bench-201's largest reported FLOPs.
 */
export function networkFlopsM(cell: Nb201Cell, dataset: Nb201Dataset): number {
  return networkCost(cell, dataset).macs / 1e6;
}
