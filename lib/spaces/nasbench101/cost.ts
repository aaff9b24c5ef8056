// Exact cost model of the NAS-Bench-101 CIFAR-10 network built around one cell: trainable
// parameters as TensorFlow counts them and FLOPs under two named conventions. Pure arithmetic:
// no tensors, no benchmark lookups.
import { validateCell, type Cell, type InnerOp } from './cell';

/**
 * The fixed network skeleton a cell is stacked into. Defaults are NAS-Bench-101's
 * (nasbench/lib/config.py: stem_filter_size 128, num_stacks 3, num_modules_per_stack 3,
 * num_labels 10; CIFAR-10 images 32×32×3).
 */
export interface NetworkConfig {
  /** Output channels of the 3×3 stem convolution. */
  readonly stemChannels: number;
  /** Stacks of cells; each stack after the first starts with a 2×2 max-pool and doubles channels. */
  readonly numStacks: number;
  /** Cells per stack. */
  readonly cellsPerStack: number;
  /** Classes of the final dense layer. */
  readonly numLabels: number;
  /** Input image side in pixels (square images). */
  readonly imageSize: number;
  /** Input image channels. */
  readonly imageChannels: number;
}

/** NAS-Bench-101's network (nasbench/lib/config.py defaults, CIFAR-10 input). */
export const NASBENCH101_NETWORK: NetworkConfig = {
  stemChannels: 128,
  numStacks: 3,
  cellsPerStack: 3,
  numLabels: 10,
  imageSize: 32,
  imageChannels: 3,
};

/**
 * How FLOPs are counted.
 * - `'macs'`: multiply-accumulates of every convolution (k²·Cin·Cout per output pixel, no bias)
 *   and of the dense layer (in·out); batch norm, ReLU, pooling, additions and concatenations
 *   are free. The usual "FLOPs" of NAS papers.
 * - `'naslib'`: what NASLib's `flops` zero-cost measure reports (zc_nasbench101.json): tensorwatch's
 *   torchstat counter on NASLib's PyTorch NB101 network with a 1×3×32×32 input — conv MACs
 *   (no bias), batch norm 2 per output element (affine), ReLU 1 per element, max-pool
 *   kernel-area per output element (9 for the 3×3 vertex op, 4 for the 2×2 downsampling),
 *   dense in·out (its bias uncounted); global average pooling, additions, truncations and
 *   concatenations uncounted. Reproduces `flops_m` of all 500 cells of flops-500.jsonl exactly.
 */
export type FlopsConvention = 'macs' | 'naslib';

/** Where one cell sits in the network: its channels and feature-map side. */
export interface CellPlacement {
  /** Channels entering the cell. */
  readonly inChannels: number;
  /** Channels the cell outputs. */
  readonly outChannels: number;
  /** Side of the (square) feature map in pixels; only FLOPs depend on it. */
  readonly spatialSize: number;
}

/** The first cell of NAS-Bench-101's network: 128 → 128 channels on 32×32 maps. */
const FIRST_CELL: CellPlacement = { inChannels: 128, outChannels: 128, spatialSize: 32 };

/** Kernel side of each inner op's convolution; 0 for ops without weights. */
const KERNEL_SIZE: Record<InnerOp, number> = { 'conv3x3-bn-relu': 3, 'conv1x1-bn-relu': 1, maxpool3x3: 0 };

/** Batch-norm parameters per channel: beta and gamma (tf.layers.batch_normalization defaults). */
const BN_PARAMS_PER_CHANNEL = 2;

/**
 * Channels of every vertex of a pruned cell (nasbench/lib/model_builder.py
 * `compute_vertex_channels`): the output's channels are split evenly over the interior
 * vertices feeding it, the remainder going one each to the lowest-numbered ones; every other
 * interior vertex takes the max of the vertices it feeds. The input→output edge does not count
 * in the split. Because of the remainder rule the result depends on vertex order, so two
 * isomorphic cells (same hash) can differ by a few channels.
 * @param matrix adjacency of a PRUNED cell (n × n, 2 ≤ n ≤ 7); not validated here, since callers
 *   pass `validateCell(...).pruned.matrix` (an unpruned matrix can give a vertex 0 channels).
 * @returns channels per vertex; `[0]` is `inChannels`, `[n−1]` is `outChannels`.
 */
export function vertexChannels(matrix: readonly (readonly number[])[], inChannels: number, outChannels: number): number[] {
  const n = matrix.length;
  const channels = new Array<number>(n).fill(0);
  channels[0] = inChannels;
  channels[n - 1] = outChannels;
  if (n === 2) return channels;
  const out = n - 1;
  let fanIn = 0;
  for (let v = 1; v < out; v++) fanIn += matrix[v][out];
  let remainder = outChannels % fanIn;
  for (let v = 1; v < out; v++) {
    if (!matrix[v][out]) continue;
    channels[v] = Math.floor(outChannels / fanIn) + (remainder > 0 ? 1 : 0);
    if (remainder > 0) remainder--;
  }
  for (let v = n - 3; v > 0; v--) {
    if (matrix[v][out]) continue;
    for (let w = v + 1; w < out; w++) if (matrix[v][w]) channels[v] = Math.max(channels[v], channels[w]);
  }
  return channels;
}

/**
 * Trainable parameters of one cell (one NAS-Bench-101 "module"), counted as TensorFlow does:
 * conv kernels without bias, plus batch-norm beta and gamma (2 per channel) after every conv;
 * 1×1 projections (conv-BN-ReLU) from the cell input to each vertex it feeds and to the output.
 * @param cell a valid cell, pruned or not (it is pruned first, as ModelSpec does).
 * @param placement channels in/out; default the network's first cell (128 → 128).
 * @throws InvalidCellError when the cell is not a valid NAS-Bench-101 cell.
 */
export function cellParams(cell: Cell, placement: Partial<CellPlacement> = {}): number {
  const { inChannels, outChannels } = { ...FIRST_CELL, ...placement };
  return prunedCellParams(validateCell(cell).pruned, inChannels, outChannels);
}

/**
 * Trainable parameters of the whole network built around `cell`: stem conv-BN, all cells,
 * dense kernel and bias. Equals the `trainable_parameters` NAS-Bench-101 stores for the cell
 * (checked on val-subset-30k.csv). The count depends on the cell's vertex order (see
 * `vertexChannels`): use the benchmark's own labelling of a cell to get its stored value.
 * @param cell a valid cell, pruned or not.
 * @param config the network skeleton; default NAS-Bench-101's.
 * @throws InvalidCellError when the cell is not a valid NAS-Bench-101 cell.
 */
export function networkParams(cell: Cell, config: Partial<NetworkConfig> = {}): number {
  const net = { ...NASBENCH101_NETWORK, ...config };
  const pruned = validateCell(cell).pruned;
  const stem = convParams(net.imageChannels, net.stemChannels, 3);
  let total = stem;
  for (const place of cellPlacements(net)) total += prunedCellParams(pruned, place.inChannels, place.outChannels);
  const lastChannels = net.stemChannels * 2 ** (net.numStacks - 1);
  return total + lastChannels * net.numLabels + net.numLabels;
}

/**
 * FLOPs of one cell on one input image.
 * @param cell a valid cell, pruned or not.
 * @param options placement (default the first cell: 128 → 128 on 32×32) and convention
 *   (default `'macs'`).
 * @throws InvalidCellError when the cell is not a valid NAS-Bench-101 cell.
 */
export function cellFlops(cell: Cell, options: Partial<CellPlacement> & { convention?: FlopsConvention } = {}): number {
  const { convention = 'macs', ...rest } = options;
  const place = { ...FIRST_CELL, ...rest };
  return prunedCellFlops(validateCell(cell).pruned, place, convention);
}

/**
 * FLOPs of the whole network built around `cell` for one input image (a count, not millions;
 * see `networkFlopsM`). Layers: 3×3 stem conv-BN-ReLU, the cells, a 2×2/2 max-pool before
 * every stack but the first, global average pooling, dense layer.
 * @param cell a valid cell, pruned or not.
 * @param options network skeleton (default NAS-Bench-101's) and convention (default `'macs'`).
 * @throws InvalidCellError when the cell is not a valid NAS-Bench-101 cell.
 */
export function networkFlops(cell: Cell, options: Partial<NetworkConfig> & { convention?: FlopsConvention } = {}): number {
  const { convention = 'macs', ...rest } = options;
  const net = { ...NASBENCH101_NETWORK, ...rest };
  const pruned = validateCell(cell).pruned;
  const pixels = net.imageSize * net.imageSize;
  let total = convBnReluFlops(net.imageChannels, net.stemChannels, 3, pixels, convention);
  for (const place of cellPlacements(net)) {
    if (place.afterDownsample && convention === 'naslib') total += downsampleFlops(place.inChannels, place.spatialSize);
    total += prunedCellFlops(pruned, place, convention);
  }
  const lastChannels = net.stemChannels * 2 ** (net.numStacks - 1);
  return total + lastChannels * net.numLabels;
}

/** `networkFlops` in millions (the unit of NASLib's `flops` and of flops-500.jsonl's `flops_m`). */
export function networkFlopsM(cell: Cell, options: Partial<NetworkConfig> & { convention?: FlopsConvention } = {}): number {
  return networkFlops(cell, options) / 1e6;
}

/**
 * In/out channels and map side of every cell, in network order: channels double and the map
 * side halves at the start of each stack after the first (model_builder.py `build_model_fn`).
 */
function cellPlacements(net: NetworkConfig): (CellPlacement & { afterDownsample: boolean })[] {
  const places: (CellPlacement & { afterDownsample: boolean })[] = [];
  let channels = net.stemChannels;
  let size = net.imageSize;
  for (let stack = 0; stack < net.numStacks; stack++) {
    let inChannels = channels;
    if (stack > 0) {
      channels *= 2;
      size = Math.ceil(size / 2);
    }
    for (let i = 0; i < net.cellsPerStack; i++) {
      places.push({ inChannels, outChannels: channels, spatialSize: size, afterDownsample: stack > 0 && i === 0 });
      inChannels = channels;
    }
  }
  return places;
}

/** Parameters of a k×k conv (no bias) followed by batch norm. */
function convParams(inChannels: number, outChannels: number, kernel: number): number {
  return kernel * kernel * inChannels * outChannels + BN_PARAMS_PER_CHANNEL * outChannels;
}

function prunedCellParams(cell: Cell, inChannels: number, outChannels: number): number {
  const n = cell.ops.length;
  const channels = vertexChannels(cell.matrix, inChannels, outChannels);
  let total = 0;
  for (let v = 1; v < n - 1; v++) {
    if (cell.matrix[0][v]) total += convParams(inChannels, channels[v], 1);
    const kernel = KERNEL_SIZE[cell.ops[v] as InnerOp];
    if (kernel > 0) total += convParams(channels[v], channels[v], kernel);
  }
  if (cell.matrix[0][n - 1]) total += convParams(inChannels, outChannels, 1);
  return total;
}

/** FLOPs of conv-BN-ReLU over `pixels` output positions under `convention`. */
function convBnReluFlops(inChannels: number, outChannels: number, kernel: number, pixels: number, convention: FlopsConvention): number {
  const macs = kernel * kernel * inChannels * outChannels * pixels;
  if (convention === 'macs') return macs;
  const bn = 2 * outChannels * pixels;
  const relu = outChannels * pixels;
  return macs + bn + relu;
}

/** NASLib only: the 2×2 stride-2 max-pool before a stack, 4 per output element. */
function downsampleFlops(channels: number, outSize: number): number {
  return 4 * channels * outSize * outSize;
}

function prunedCellFlops(cell: Cell, place: CellPlacement, convention: FlopsConvention): number {
  const n = cell.ops.length;
  const pixels = place.spatialSize * place.spatialSize;
  const channels = vertexChannels(cell.matrix, place.inChannels, place.outChannels);
  let total = 0;
  for (let v = 1; v < n - 1; v++) {
    if (cell.matrix[0][v]) total += convBnReluFlops(place.inChannels, channels[v], 1, pixels, convention);
    const kernel = KERNEL_SIZE[cell.ops[v] as InnerOp];
    if (kernel > 0) total += convBnReluFlops(channels[v], channels[v], kernel, pixels, convention);
    else if (convention === 'naslib') total += 9 * channels[v] * pixels;
  }
  if (cell.matrix[0][n - 1]) total += convBnReluFlops(place.inChannels, place.outChannels, 1, pixels, convention);
  return total;
}
