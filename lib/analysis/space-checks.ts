// End-to-end checks of the NAS-Bench-101 pipeline against the real data: hashes, parameter
// counts and FLOPs recomputed from cells and compared with the files. Computes, never plots.
import type { Nasbench101CellLine } from '../benchmarks/nasbench101-jsonl';
import type { Nasbench101CsvRecord } from '../benchmarks/nasbench101-csv';
import type { Rng } from '../random';
import { validateCell } from '../spaces/nasbench101/cell';
import { networkFlopsM, networkParams } from '../spaces/nasbench101/cost';
import { hashCell } from '../spaces/nasbench101/graph';
import type { Nasbench101Space } from '../spaces/nasbench101/space';

/** How many items a check looked at and how many agreed, with the disagreeing keys. */
export interface CheckResult {
  readonly checked: number;
  readonly agreed: number;
  /** Up to 10 keys that disagreed (empty when all agreed). */
  readonly firstDisagreements: readonly string[];
}

function result(checked: number, disagreements: string[]): CheckResult {
  return { checked, agreed: checked - disagreements.length, firstDisagreements: disagreements.slice(0, 10) };
}

/** Recompute the official hash of every listed cell (after validation and pruning). */
export function checkHashes(lines: readonly Nasbench101CellLine[]): CheckResult {
  const wrong = lines.filter((line) => hashCell(validateCell(line).pruned) !== line.hash).map((line) => line.hash);
  return result(lines.length, wrong);
}

/**
 * Recover each table cell from the enumerated space by its hash and compare its computed
 * parameter count with the table's. `limit` checks a seeded random subset (smoke runs).
 */
export function checkParams(space: Nasbench101Space, records: readonly Nasbench101CsvRecord[], options: { limit?: number; rng?: Rng } = {}): CheckResult {
  const picked = options.limit !== undefined && options.limit < records.length && options.rng
    ? options.rng.sampleIndices(records.length, options.limit).map((i) => records[i])
    : records;
  const wrong = picked.filter((r) => {
    const index = space.indexOfHash(r.hash);
    return index < 0 || networkParams(space.cellAt(index)) !== r.params;
  });
  return result(picked.length, wrong.map((r) => r.hash));
}

/** FLOPs agreement with NASLib's numbers: exact matches (|Δ| < 1e-6 M) and the largest relative error. */
export interface FlopsCheckResult extends CheckResult {
  readonly maxRelativeError: number;
  /** Pairs (NASLib's flops_m, ours) for plotting. */
  readonly pairs: readonly { readonly hash: string; readonly naslibFlopsM: number; readonly oursFlopsM: number }[];
}

/**
 * Compare FLOPs computed under NASLib's convention (on the cell as listed, as NASLib did)
 * with the listed `flops_m`.
 * @throws RangeError when a line carries no flops_m (wrong file).
 */
export function checkFlops(lines: readonly Nasbench101CellLine[]): FlopsCheckResult {
  const pairs = lines.map((line) => {
    if (line.flops_m === undefined) throw new RangeError(`line for hash ${line.hash} has no flops_m: is this flops-500.jsonl?`);
    return { hash: line.hash, naslibFlopsM: line.flops_m, oursFlopsM: networkFlopsM(validateCell(line).pruned, { convention: 'naslib' }) };
  });
  const wrong = pairs.filter((p) => Math.abs(p.oursFlopsM - p.naslibFlopsM) >= 1e-6).map((p) => p.hash);
  const maxRelativeError = Math.max(...pairs.map((p) => Math.abs(p.oursFlopsM - p.naslibFlopsM) / p.naslibFlopsM));
  return { ...result(pairs.length, wrong), maxRelativeError, pairs };
}
