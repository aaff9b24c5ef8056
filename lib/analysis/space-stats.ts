// Summaries of the NAS-Bench-101 space and of the benchmark tables over it (the complete test
// table and the 30k validation sample), for the CLI and the space notebook. Reads data through lib/benchmarks and lib/spaces; computes, never plots.
import { loadNasbench101Complete, type Nasbench101CompleteTable } from '../benchmarks/nasbench101-complete';
import { loadNasbench101Csv, type Nasbench101CsvData } from '../benchmarks/nasbench101-csv';
import { countEdges, type PrunedCell } from '../spaces/nasbench101/cell';
import { networkFlopsM, networkParams } from '../spaces/nasbench101/cost';
import { encodeCell } from '../spaces/nasbench101/encoding';
import { benchmarkLabelling, hashCell } from '../spaces/nasbench101/graph';
import type { Nasbench101Space } from '../spaces/nasbench101/space';
import { spearman } from './correlation';
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

/** The complete table's headline facts (datasets README: every cell, test accuracy of the first run). */
export interface CompleteTableStats {
  readonly file: string;
  readonly sha256: string;
  readonly metric: 'test_acc_108';
  readonly rows: number;
  /** Rows / cells of the space: 1 for the complete table. */
  readonly coverageOfSpace: number;
  readonly testAccuracy: Summary;
  readonly best: { readonly hash: string; readonly testAccuracy: number };
  /** Cells below 0.2 test accuracy (training runs that diverged). */
  readonly below20Percent: number;
  /** Test accuracy needed to be in the top fraction of the whole space (keys like "top 0.01%"). */
  readonly thresholds: Record<string, number>;
}

/** The 30k sample's facts, with the agreement of its validation accuracy with the complete table's test accuracy. */
export interface SampleTableStats {
  readonly file: string;
  readonly sha256: string;
  readonly metric: 'val_acc_108';
  readonly rows: number;
  readonly rowsFoundInSpace: number;
  readonly coverageOfSpace: number;
  readonly valAccuracy: Summary;
  /** Validation accuracy needed to be in the top fraction of the SAMPLE. */
  readonly thresholds: Record<string, number>;
  readonly params: Summary;
  /** Spearman ρ between the sample's val_acc_108 and the complete table's test_acc_108 of the same cells. */
  readonly spearmanValTest: number;
}

/** Counts over the space, the complete table and the validation sample. */
export interface SpaceStats {
  readonly space: { readonly size: number; readonly cellsByVertexCount: Record<string, number>; readonly cellsByEdgeCount: Record<string, number> };
  readonly table: CompleteTableStats;
  readonly sample: SampleTableStats;
}

/**
 * Summaries of the enumerated space, the complete NAS-Bench-101 table (test accuracy at 108 epochs
 * of every cell) and the 30k validation sample: coverage, accuracy summaries, top-x% thresholds.
 * @param options.complete / options.sample the tables if the caller already loaded them (else read from `dataDir`).
 * @throws DataFileError (from the loaders) when a table is missing or corrupt.
 */
export async function spaceStats(
  space: Nasbench101Space,
  options: { dataDir?: string; complete?: Nasbench101CompleteTable; sample?: Nasbench101CsvData } = {},
): Promise<SpaceStats> {
  const complete = options.complete ?? loadNasbench101Complete(space, options);
  const sample = options.sample ?? loadNasbench101Csv(options);
  return { space: { size: space.size, ...countShapes(space) }, table: completeStats(space, complete), sample: sampleStats(space, complete, sample) };
}

function completeStats(space: Nasbench101Space, complete: Nasbench101CompleteTable): CompleteTableStats {
  const column = complete.testAccuracy;
  let best = 0;
  let below = 0;
  for (let i = 0; i < column.length; i++) {
    if (column[i] > column[best]) best = i;
    if (column[i] < 0.2) below++;
  }
  return {
    file: complete.path,
    sha256: complete.sha256,
    metric: 'test_acc_108',
    rows: column.length,
    coverageOfSpace: column.length / space.size,
    testAccuracy: summarize(column),
    best: { hash: space.hashAt(best), testAccuracy: column[best] },
    below20Percent: below,
    thresholds: Object.fromEntries(TOP_FRACTIONS.map((f) => [`top ${f * 100}%`, topFractionThreshold(column, f)])),
  };
}

function sampleStats(space: Nasbench101Space, complete: Nasbench101CompleteTable, sample: Nasbench101CsvData): SampleTableStats {
  const records = [...sample.records.values()];
  const val = records.map((r) => r.valAccuracy);
  const indices = records.map((r) => space.indexOfHash(r.hash));
  const found = indices.filter((i) => i >= 0);
  return {
    file: sample.path,
    sha256: sample.sha256,
    metric: 'val_acc_108',
    rows: records.length,
    rowsFoundInSpace: found.length,
    coverageOfSpace: records.length / space.size,
    valAccuracy: summarize(val),
    thresholds: Object.fromEntries(TOP_FRACTIONS.map((f) => [`top ${f * 100}%`, topFractionThreshold(val, f)])),
    params: summarize(records.map((r) => r.params)),
    spearmanValTest: spearman(
      records.filter((_, k) => indices[k] >= 0).map((r) => r.valAccuracy),
      found.map((i) => complete.testAccuracy[i]),
    ),
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
