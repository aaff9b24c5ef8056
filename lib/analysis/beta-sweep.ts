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

/**
 * The per-attribute gaps as one row per attribute and one column per (variant, β) row, each cell
 * "gap ± std (shuffled s)": the wide table the notebooks show.
 */
export function attributeGapColumns(gaps: ReturnType<typeof attributeGapTable>, rows: readonly SweepRow[], plainVariant = 'β-VAE'): Record<string, string>[] {
  const attributes = [...new Set(gaps.map((g) => g.attribute))];
  return attributes.map((attribute) => {
    const out: Record<string, string> = { attribute };
    for (const r of rows) {
      const g = gaps.find((e) => e.attribute === attribute && e.variant === r.variant && e.beta === r.beta);
      const column = `${r.variant === plainVariant ? '' : `${r.variant} `}β=${r.beta}`;
      out[column] = g === undefined ? '–' : `${g.gap.toFixed(3)} ± ${g.gapStd.toFixed(3)} (shuffled ${g.shuffledGap.toFixed(3)})`;
    }
    return out;
  });
}

/** What a sweep says about MIG against β, and one line per other variant. */
export interface SweepVerdict {
  readonly mig: string;
  /** Whether the highest mean MIG sits at a larger β than the smallest β's, by more than twice the larger of their stds. */
  readonly migRises: boolean;
  readonly variants: readonly string[];
}

/**
 * The verdict on a sweep table (rows from `summariseSweep` with the keys mig, migShuffled, exact,
 * klNats): MIG at the smallest β, the highest MIG and where, the shuffled baseline there, and
 * whether the rise exceeds twice the seeds' std.
 * @throws RangeError when no row of `plainVariant` exists.
 */
export function sweepVerdict(rows: readonly SweepRow[], plainVariant = 'β-VAE'): SweepVerdict {
  const plain = rows.filter((r) => r.variant === plainVariant).sort((a, b) => a.beta - b.beta);
  if (plain.length === 0) throw new RangeError(`no ${plainVariant} rows in the sweep`);
  const fmt = (r: SweepRow, k: string) => (typeof r[k] === 'number' ? `${(r[k] as number).toFixed(3)} ± ${((r[`${k}Std`] as number | null) ?? 0).toFixed(3)}` : '–');
  const defined = plain.filter((r) => typeof r.mig === 'number');
  const variants = rows.filter((r) => r.variant !== plainVariant).map((r) => `${r.variant} (β ${r.beta}): MIG ${fmt(r, 'mig')}, exact ${fmt(r, 'exact')}, KL ${fmt(r, 'klNats')} nats`);
  if (defined.length === 0) return { mig: 'MIG undefined for every β', migRises: false, variants };
  const first = defined[0];
  const best = [...defined].sort((a, b) => (b.mig as number) - (a.mig as number) || a.beta - b.beta)[0];
  const spread = 2 * Math.max((best.migStd as number | null) ?? 0, (first.migStd as number | null) ?? 0);
  const migRises = best.beta > first.beta && (best.mig as number) - (first.mig as number) > spread;
  const mig = `MIG ${migRises ? 'rises' : 'does not rise clearly'} with β: ${fmt(first, 'mig')} at β = ${first.beta}, highest ${fmt(best, 'mig')} at β = ${best.beta}`
    + ` (shuffled codes ${typeof best.migShuffled === 'number' ? best.migShuffled.toFixed(4) : '–'}); exact reconstruction there ${fmt(best, 'exact')}, KL ${fmt(best, 'klNats')} nats`;
  return { mig, migRises, variants };
}
