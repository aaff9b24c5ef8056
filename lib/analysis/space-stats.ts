// Summaries of the NAS-Bench-101 space and of the benchmark table over it, for the CLI and
// the space notebook. Reads data through lib/benchmarks and lib/spaces; computes, never plots.
import { loadNasbench101Csv, type Nasbench101CsvData } from '../benchmarks/nasbench101-csv';
import { countEdges, type PrunedCell } from '../spaces/nasbench101/cell';
import { networkFlopsM, networkParams } from '../spaces/nasbench101/cost';
import { encodeCell } from '../spaces/nasbench101/encoding';
import { benchmarkLabelling, hashCell } from '../spaces/nasbench101/graph';
import type { Nasbench101Space } from '../spaces/nasbench101/space';
import { summarize, topFractionThreshold, type Summary } from './stats';

/** The "top x%" levels the workbook reports (DNAS Table 1 quotes the top 0.01%). */
export const TOP_FRACTIONS = [0.0001, 0.001, 0.01] as const;

/** Everything the workbook can say about one cell without a benchmark lookup. */
export interface CellDescription {
  readonly hash: string;
  /** The pruned cell in NAS-Bench-101's stored vertex order (costs are computed on it). */
  readonly pruned: PrunedCell['pruned'];
  readonly prunedVertices: number;
  readonly vertices: number;
  readonly edges: number;
  /** Trainable parameters of the NAS-Bench-101 CIFAR-10 network built from this cell. */
  readonly params: number;
  /** FLOPs of that network in millions: multiply-accumulates of convolutions and the dense layer. */
  readonly flopsM: number;
  /** FLOPs in millions as NASLib counts them (also BN, ReLU, pooling; see cost.ts). */
  readonly naslibFlopsM: number;
  /** The 27-token NAO/SemiNAS sequence of the pruned cell. */
  readonly tokens: readonly number[];
}

/**
 * Hash, size, costs and token sequence of a validated cell. Costs and tokens are those of the
 * pruned cell in NAS-Bench-101's stored vertex order, because parameter counts depend on vertex
 * order and the benchmark reports them for that order.
 */
export function describeCell(cell: PrunedCell): CellDescription {
  const pruned = benchmarkLabelling(cell.pruned);
  return {
    hash: hashCell(pruned),
    pruned,
    prunedVertices: pruned.ops.length,
    vertices: cell.original.ops.length,
    edges: countEdges(pruned.matrix),
    params: networkParams(pruned),
    flopsM: networkFlopsM(pruned),
    naslibFlopsM: networkFlopsM(pruned, { convention: 'naslib' }),
    tokens: encodeCell(pruned),
  };
}

/** Counts over the space and the accuracy picture of the table that covers part of it. */
export interface SpaceStats {
  readonly space: { readonly size: number; readonly cellsByVertexCount: Record<string, number>; readonly cellsByEdgeCount: Record<string, number> };
  readonly table: {
    readonly file: string;
    readonly sha256: string;
    readonly rows: number;
    readonly rowsFoundInSpace: number;
    readonly coverageOfSpace: number;
    readonly valAccuracy: Summary;
    /** Accuracy needed to be in the top fraction of the TABLE (keys like "top 0.01%"). */
    readonly thresholds: Record<string, number>;
    readonly params: Summary;
  };
}

/**
 * Summaries of the enumerated space and of the NAS-Bench-101 table (validation accuracy at
 * 108 epochs): how many table rows the space contains, accuracy summary, top-x% thresholds.
 * @param options.table the table if the caller already loaded it (else it is read from `dataDir`).
 * @throws DataFileError (from the loader) when the table is missing or corrupt.
 */
export async function spaceStats(space: Nasbench101Space, options: { dataDir?: string; table?: Nasbench101CsvData } = {}): Promise<SpaceStats> {
  const table = options.table ?? loadNasbench101Csv(options);
  const records = [...table.records.values()];
  const accuracies = records.map((r) => r.valAccuracy);
  return {
    space: { size: space.size, ...countShapes(space) },
    table: {
      file: table.path,
      sha256: table.sha256,
      rows: records.length,
      rowsFoundInSpace: records.filter((r) => space.has(r.hash)).length,
      coverageOfSpace: records.length / space.size,
      valAccuracy: summarize(accuracies),
      thresholds: Object.fromEntries(TOP_FRACTIONS.map((f) => [`top ${f * 100}%`, topFractionThreshold(accuracies, f)])),
      params: summarize(records.map((r) => r.params)),
    },
  };
}

function countShapes(space: Nasbench101Space): { cellsByVertexCount: Record<string, number>; cellsByEdgeCount: Record<string, number> } {
  const byVertices: Record<string, number> = {};
  const byEdges: Record<string, number> = {};
  for (let i = 0; i < space.size; i++) {
    const cell = space.cellAt(i);
    const v = String(cell.ops.length);
    const e = String(countEdges(cell.matrix));
    byVertices[v] = (byVertices[v] ?? 0) + 1;
    byEdges[e] = (byEdges[e] ?? 0) + 1;
  }
  return { cellsByVertexCount: byVertices, cellsByEdgeCount: byEdges };
}
