// Where a grid's time goes: the seconds each configuration's seeds cost it (as each seed's manifest
// recorded them, so reused seeds count; a seed read off a longer run costs nothing of its own),
// largest first, and one line that holds the wall time against a goal. Reads finished GridRuns; runs nothing.
import type { GridRun } from './grid';

/** One configuration's share of a grid's time (a type, not an interface, so it is a table row for showTable). */
export type GridTimeRow = {
  /** The run's group where a notebook runs several grids (e.g. a NAS-Bench-201 data set), else null. */
  readonly group: string | null;
  readonly method: string;
  readonly queries: number;
  /** Seconds the configuration's seeds cost the grid (GridRun.ranSeconds). */
  readonly seedSeconds: number;
  readonly secondsPerSeed: number;
  readonly shareOfGrid: number;
  /** Seeds read off a longer run of the same search, at no cost of their own (GridRun.readOffSeeds). */
  readonly readOffSeeds: number;
};

/** The rows, the totals and the summary line of `gridTime`. */
export interface GridTime {
  /** Largest first. */
  readonly rows: GridTimeRow[];
  readonly seedMinutes: number;
  /** seedMinutes / workers: the wall time if the workers were never idle (a lower bound). */
  readonly estimatedWallMinutes: number;
  /** This call's wall minutes (near 0 when every seed was reused). */
  readonly callMinutes: number;
  /** The larger of the two: what the goal is judged on (the estimate when seeds were reused). */
  readonly wallMinutes: number;
  /** null without a goal. */
  readonly goalMet: boolean | null;
  readonly line: string;
}

/**
 * Time shares of a grid run.
 * @param runs finished configurations, each optionally tagged with a `group`.
 * @param options workers the grid ran on; gridSeconds this call's wall seconds; goalMinutes a
 *   wall-time goal to hold it against (omit for none).
 * @throws RangeError for workers that are not a positive integer or a negative gridSeconds.
 */
export function gridTime(runs: readonly (Pick<GridRun, 'config' | 'results' | 'ranSeconds' | 'readOffSeeds'> & { readonly group?: string })[], options: { workers: number; gridSeconds: number; goalMinutes?: number }): GridTime {
  const { workers, gridSeconds, goalMinutes } = options;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer: got ${workers}`);
  if (!(gridSeconds >= 0)) throw new RangeError(`gridSeconds must be ≥ 0: got ${gridSeconds}`);
  const total = runs.reduce((sum, r) => sum + r.ranSeconds, 0);
  const rows = runs
    .map((r) => ({
      group: r.group ?? null,
      method: r.config.algo,
      queries: r.config.budget,
      seedSeconds: r.ranSeconds,
      secondsPerSeed: r.results.length > 0 ? r.ranSeconds / r.results.length : 0,
      shareOfGrid: total > 0 ? r.ranSeconds / total : 0,
      readOffSeeds: r.readOffSeeds,
    }))
    .sort((a, b) => b.seedSeconds - a.seedSeconds);
  const seedMinutes = total / 60;
  const estimatedWallMinutes = seedMinutes / workers;
  const callMinutes = gridSeconds / 60;
  const wallMinutes = Math.max(estimatedWallMinutes, callMinutes);
  const goalMet = goalMinutes === undefined ? null : wallMinutes <= goalMinutes;
  const name = (r: GridTimeRow) => `${r.group !== null ? `${r.group} ` : ''}${r.method}-${r.queries}`;
  const judged = callMinutes >= estimatedWallMinutes ? "this call's wall time" : 'the estimate (seeds were reused)';
  const goal = goalMinutes === undefined ? '' : `; goal ≤ ${goalMinutes} min of wall time: ${goalMet ? 'met' : 'MISSED'} (${wallMinutes.toFixed(1)} min, ${judged})`;
  const line = `seed-seconds ${seedMinutes.toFixed(1)} min (≈ ${estimatedWallMinutes.toFixed(1)} min of wall time on ${workers} workers); this call ${callMinutes.toFixed(1)} min; largest: ${rows.slice(0, 3).map((r) => `${name(r)} ${(100 * r.shareOfGrid).toFixed(0)}%`).join(', ')}${goal}`;
  return { rows, seedMinutes, estimatedWallMinutes, callMinutes, wallMinutes, goalMet, line };
}
