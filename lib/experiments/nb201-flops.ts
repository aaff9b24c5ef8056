// DNAS Table 2 and Figs 5–6 on the NAS-Bench-201 supernet, judged by the table: their schedules,
// FLOPs bands cut from every cell of the space, the cells of a band with their true accuracies, and
// the true accuracy of the cell a search picks. Searches and supernets are run elsewhere
// (supernet-jobs.ts); no tables or figures drawn here.
import { percentileRank } from '../analysis/stats';
import type { Nasbench201CsvData, Nasbench201CsvRecord } from '../benchmarks/nasbench201-csv';
import { Rng } from '../random';
import type { ControllerSearchOptions } from '../search/controller-search';
import type { SearchSpace } from '../spaces/search-space';
import type { Nb201Cell } from '../spaces/nasbench201/cell';
import { FLOPS_FIGURE_SCHEDULES } from './fig5-fig6';
import { flopsBandsOf, inBand, type FlopsBand } from './flops-bands';
import { SMOKE_CONTROLLER_OPTIONS } from './grid';

/**
 * Table 2's own sizes on top of NB201_ONESHOT_SCHEDULES (which fixes the supernet, its data and the
 * evaluation images). A controller search costs seconds here; the inherited-weight evaluations of
 * the queried cells are what the budget pays for.
 */
export const NB201_TABLE2_SCHEDULES = {
  smoke: {
    /** Search seeds per (band, method): 1..searchSeeds. */
    searchSeeds: 2,
    /** Distinct cells a search queries (inherited-weight evaluations). */
    budget: 12,
    /** Cells drawn uniformly from each band whose ranking by the supernet is measured. */
    bandCells: 8,
    /** Controller-search options of DNAS and SemiNAS besides the preset and the limit. */
    controller: SMOKE_CONTROLLER_OPTIONS as Partial<ControllerSearchOptions>,
  },
  full: {
    // The issue asks for ≥ 10 search seeds; 40 queries is 1–1.6% of a band's cells.
    searchSeeds: 10,
    budget: 40,
    bandCells: 100,
    controller: {} as Partial<ControllerSearchOptions>,
  },
} as const;

/** One schedule of NB201_TABLE2_SCHEDULES. */
export type Nb201Table2Schedule = (typeof NB201_TABLE2_SCHEDULES)[keyof typeof NB201_TABLE2_SCHEDULES];

/**
 * Figs 5–6's own sizes on top of NB201_ONESHOT_SCHEDULES: FLOPS_FIGURE_SCHEDULES (the controller,
 * labelled set, region and limits of the layer-choice figures) with Table 2's search seeds and budget.
 */
export const NB201_FLOPS_FIGURE_SCHEDULES = {
  smoke: { ...FLOPS_FIGURE_SCHEDULES.smoke, labelled: 24, controllerSteps: 60, regionDraws: 20, searchSeeds: 2, budget: 12 },
  // Four quantiles (no q99) and the limit above the maximum: 10 seeds of both methods fit the hour.
  full: { ...FLOPS_FIGURE_SCHEDULES.full, limitQuantiles: [0.3, 0.5, 0.7, 0.9] as readonly number[], searchSeeds: 10, budget: 40 },
} as const;

/** One schedule of NB201_FLOPS_FIGURE_SCHEDULES. */
export type Nb201FlopsFigureSchedule = (typeof NB201_FLOPS_FIGURE_SCHEDULES)[keyof typeof NB201_FLOPS_FIGURE_SCHEDULES];

/**
 * Table 2's bands over every cell of the table (exact shares): `flopsBandsOf` of each cell's FLOPs
 * by `space.flopsM`, the count the searches' limits use. NAS-Bench-201's FLOPs take few distinct
 * values (they count 3×3 and 1×1 convolutions), so a cut sits on a value and the band below holds it.
 */
export function nb201FlopsBands(table: Nasbench201CsvData, space: SearchSpace<Nb201Cell>, quantiles?: readonly [number, number, number]): FlopsBand[] {
  return flopsBandsOf([...table.records.values()].map((r) => space.flopsM(r.cell)), { quantiles });
}

/** The table's cells inside a band, and what a search could at best and on average pick there. */
export interface BandTruth {
  readonly band: FlopsBand;
  readonly cells: readonly Nasbench201CsvRecord[];
  /** The band's best cell by `val_acc_200` (the first in table order among ties). */
  readonly best: Nasbench201CsvRecord;
  /** Mean `val_acc_200` of the band's cells: what a uniform pick inside the band gets on average. */
  readonly meanValAccuracy: number;
  /** `val_acc_200` of every cell of the band (for percentiles). */
  readonly valAccuracies: readonly number[];
}

/**
 * The cells of `table` inside `band`.
 * @throws RangeError when the band holds no cell of the table.
 */
export function bandTruth(table: Nasbench201CsvData, space: SearchSpace<Nb201Cell>, band: FlopsBand): BandTruth {
  const cells = [...table.records.values()].filter((r) => inBand(band, space.flopsM(r.cell)));
  if (cells.length === 0) throw new RangeError(`band ${band.label} holds none of the ${table.records.size} cells of ${table.path}`);
  const valAccuracies = cells.map((r) => r.valAccuracy);
  const best = cells.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a));
  return { band, cells, best, meanValAccuracy: valAccuracies.reduce((a, b) => a + b, 0) / cells.length, valAccuracies };
}

/**
 * `count` distinct cells drawn uniformly from a band (seeded: `Rng(seed).fork('nb201-band/<label>')`),
 * as space keys: the set whose ranking by the supernet is measured inside the band.
 * @throws RangeError when count is not an integer in 1..(cells in the band).
 */
export function bandRankingCells(truth: BandTruth, count: number, seed: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > truth.cells.length) throw new RangeError(`band ${truth.band.label}: ranking set size must be an integer in 1..${truth.cells.length}: got ${count}`);
  return new Rng(seed).fork(`nb201-band/${truth.band.label}`).shuffle(truth.cells).slice(0, count).map((r) => r.arch);
}

/** The cell a search picked, judged by the table. */
export interface TablePick {
  readonly cell: string;
  /** The supernet's inherited-weight accuracy of the cell (what the search saw). */
  readonly inherited: number;
  /** `val_acc_200` and the 200-epoch test accuracy (null when the table was loaded without `*-test.csv`). */
  readonly valAcc200: number;
  readonly testAcc200: number | null;
  /** Share of the band's cells with lower `val_acc_200` (1 would beat every other cell). */
  readonly percentileInBand: number;
  /** The same over all cells of the space. */
  readonly percentileInSpace: number;
  /** The band's best `val_acc_200` minus the pick's (0 for the band's best cell). */
  readonly regret: number;
  readonly params: number;
  readonly flopsM: number;
  readonly inBand: boolean;
}

/**
 * Judge a picked cell (space key = table key) by the table.
 * @param allValAccuracies `val_acc_200` of every cell of the table (for the space percentile).
 * @throws RangeError for a cell missing from the table.
 */
export function tablePick(table: Nasbench201CsvData, space: SearchSpace<Nb201Cell>, truth: BandTruth, allValAccuracies: ArrayLike<number>, key: string, inherited: number): TablePick {
  const record = table.records.get(key);
  if (record === undefined) throw new RangeError(`picked cell ${key} is not in ${table.path}`);
  const flopsM = space.flopsM(record.cell);
  return {
    cell: key, inherited, valAcc200: record.valAccuracy, testAcc200: record.testAccuracy ?? null,
    percentileInBand: percentileRank(truth.valAccuracies, record.valAccuracy), percentileInSpace: percentileRank(allValAccuracies, record.valAccuracy),
    regret: truth.best.valAccuracy - record.valAccuracy, params: record.params, flopsM, inBand: inBand(truth.band, flopsM),
  };
}
