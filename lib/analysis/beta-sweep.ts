// A β sweep's table: per (variant, β), the mean and standard deviation over training seeds of each
// latent-space score, and the per-attribute MIG gaps beside the shuffled-code baseline. Numbers in,
// rows out; nothing is trained or scored here.
import { summarize } from './stats';

/** One trained model's scores (the fields a sweep aggregates; null where a score is undefined). */
export interface SweepRun {
  /** 'β-VAE', 'capacity', … — rows are grouped by variant, then β. */
  readonly variant: string;
  /** β in textbook units (summed KL). */
  readonly beta: number;
  readonly seed: number;
  readonly scores: Readonly<Record<string, number | null>>;
  /** MIG gap per attribute, with the shuffled-code gap. */
  readonly attributeGaps: readonly { readonly attribute: string; readonly gap: number; readonly shuffledGap: number }[];
}

/** A row of the sweep table: `<score>` is the mean over seeds, `<score>Std` the sample std (0 for one seed). */
export type SweepRow = { readonly variant: string; readonly beta: number; readonly seeds: number } & Readonly<Record<string, number | string | null>>;

/**
 * Aggregate runs per (variant, β) in first-seen order: for every score key, the mean and the
 * sample standard deviation over the runs where it is defined (null when it is null in all).
 * @throws RangeError when there are no runs or a run has a non-finite β or score.
 */
export function summariseSweep(runs: readonly SweepRun[], keys: readonly string[]): SweepRow[] {
  if (runs.length === 0) throw new RangeError('summariseSweep needs at least one run: got 0');
  const groups = new Map<string, SweepRun[]>();
  runs.forEach((run, i) => {
    if (!Number.isFinite(run.beta)) throw new RangeError(`run ${i} has a non-finite beta: ${run.beta}`);
    const id = `${run.variant}\u0000${run.beta}`;
    groups.set(id, [...(groups.get(id) ?? []), run]);
  });
  return [...groups.values()].map((group) => {
    const row: Record<string, number | string | null> = { variant: group[0].variant, beta: group[0].beta, seeds: group.length };
    for (const key of keys) {
      const values = group.map((r) => r.scores[key]).filter((v): v is number => v !== null && v !== undefined);
      if (values.length === 0) {
        row[key] = null;
        row[`${key}Std`] = null;
        continue;
      }
      const s = summarize(values);
      row[key] = s.mean;
      row[`${key}Std`] = s.std;
    }
    return row as SweepRow;
  });
}

/** Per (variant, β, attribute): mean MIG gap over seeds and the mean shuffled-code gap. */
export function attributeGapTable(runs: readonly SweepRun[]): { variant: string; beta: number; attribute: string; gap: number; gapStd: number; shuffledGap: number }[] {
  const groups = new Map<string, { variant: string; beta: number; attribute: string; gaps: number[]; shuffled: number[] }>();
  for (const run of runs) {
    for (const g of run.attributeGaps) {
      const id = `${run.variant}\u0000${run.beta}\u0000${g.attribute}`;
      const entry = groups.get(id) ?? { variant: run.variant, beta: run.beta, attribute: g.attribute, gaps: [], shuffled: [] };
      entry.gaps.push(g.gap);
      entry.shuffled.push(g.shuffledGap);
      groups.set(id, entry);
    }
  }
  return [...groups.values()].map((e) => {
    const gap = summarize(e.gaps);
    return { variant: e.variant, beta: e.beta, attribute: e.attribute, gap: gap.mean, gapStd: gap.std, shuffledGap: summarize(e.shuffled).mean };
  });
}
