// What the controller searches report about their own workings (SearchResult.diagnostics), one
// row per configuration: where the queried cells came from, the step sizes that produced them, the
// dense-sampling counts, and how good the model was (probe τ, reconstruction, KL). Numbers in, rows out.
import type { SearchResult } from '../search/search';

/** One configuration's diagnostics, means per run over its seeds; null where the search reports no such thing (a type, not an interface, so tables take it as a record). */
export type DiagnosticsRow = {
  readonly algo: string;
  readonly budget: number;
  readonly seeds: number;
  /** Queried cells per run by origin: initial uniform, latent step, dense region, uniform top-up. */
  readonly initial: number;
  readonly latentStep: number;
  readonly denseRegion: number;
  readonly topUp: number;
  /** η of the queried latent-step cells, summed over seeds: "η×count" pairs by η. */
  readonly acceptedEta: string | null;
  /**
   * Dense-sampling per run. Faithful DNAS: draws for the pseudo-labelled set's region slots
   * (= regionCells + duplicates + invalid + fallbacks). Improved DNAS: region codes decoded into
   * the candidate pool (= regionCells + duplicates + invalid; duplicates include cells queried before; no fallbacks).
   */
  readonly denseDraws: number | null;
  readonly denseRegionCells: number | null;
  readonly denseDuplicates: number | null;
  readonly denseInvalid: number | null;
  readonly denseFallbacks: number | null;
  /** Predictor's Kendall τ on the probe cells, mean over seeds, after the first and the last model fit. */
  readonly firstTau: number | null;
  readonly lastTau: number | null;
  /** τ along the run: "labelled cells: τ" at up to five evenly spaced fits (mean over seeds). */
  readonly tauPath: string | null;
  /** Exact reconstruction of the probe cells and their mean KL (nats) after the last fit. */
  readonly reconstruction: number | null;
  readonly klNats: number | null;
};

type Fit = { readonly labelled: number; readonly predictorKendallTau: number | null; readonly exactReconstruction?: number; readonly klNats?: number | null };
type Diagnostics = {
  readonly acceptedEta?: Record<string, number>;
  readonly dense?: Record<string, number>;
  readonly pool?: Record<string, Record<string, number>>;
  readonly iterations?: Fit[];
  readonly rounds?: Fit[];
  readonly latentSpace?: { readonly exactReconstruction: number; readonly klNats: number | null };
};

/**
 * The diagnostics row of one configuration's runs (see DiagnosticsRow).
 * @throws RangeError when there are no runs or they mix configurations.
 */
export function searchDiagnostics(results: readonly SearchResult[]): DiagnosticsRow {
  if (results.length === 0) throw new RangeError('searchDiagnostics needs at least one run');
  const { algorithm, budget } = results[0];
  const bad = results.find((r) => r.algorithm !== algorithm || r.budget !== budget);
  if (bad !== undefined) throw new RangeError(`runs mix configurations: ${bad.algorithm}/${bad.budget} beside ${algorithm}/${budget}`);
  const diagnostics = results.map((r) => (r.diagnostics ?? {}) as Diagnostics);
  const perRun = (f: (r: SearchResult, d: Diagnostics) => number | null): number | null => {
    const values = results.map((r, i) => f(r, diagnostics[i]));
    return values.some((v) => v === null) ? null : mean(values as number[]);
  };
  const origin = (name: string) => mean(results.map((r) => r.queriedByOrigin[name] ?? 0));
  const fits = diagnostics.map((d) => d.iterations ?? d.rounds ?? []);
  const dense = (faithful: string, improved: (pool: Record<string, number>) => number) =>
    perRun((_r, d) => (d.dense !== undefined ? d.dense[faithful] : d.pool !== undefined ? improved(d.pool.dense) : null));
  return {
    algo: algorithm,
    budget,
    seeds: results.length,
    initial: origin('initial'),
    latentStep: origin('latent'),
    denseRegion: origin('dense'),
    topUp: origin('top-up'),
    acceptedEta: etaSummary(diagnostics),
    denseDraws: dense('draws', (p) => p.codes),
    denseRegionCells: dense('fromRegion', (p) => p.candidates),
    denseDuplicates: dense('duplicates', (p) => p.duplicates + p.known),
    denseInvalid: dense('invalidDecodes', (p) => p.invalid),
    denseFallbacks: dense('fallbacks', () => 0),
    firstTau: meanTau(fits.map((f) => f[0])),
    lastTau: meanTau(fits.map((f) => f[f.length - 1])),
    tauPath: tauPath(fits),
    reconstruction: perRun((_r, d) => d.latentSpace?.exactReconstruction ?? d.iterations?.[d.iterations.length - 1]?.exactReconstruction ?? null),
    klNats: perRun((_r, d) => d.latentSpace?.klNats ?? d.iterations?.[d.iterations.length - 1]?.klNats ?? null),
  };
}

/** "η×count" over every seed, by η ascending; null when no run reports accepted η. */
function etaSummary(diagnostics: readonly Diagnostics[]): string | null {
  if (!diagnostics.some((d) => d.acceptedEta !== undefined)) return null;
  const total = new Map<number, number>();
  for (const d of diagnostics) for (const [eta, count] of Object.entries(d.acceptedEta ?? {})) total.set(Number(eta), (total.get(Number(eta)) ?? 0) + count);
  return [...total].sort((a, b) => a[0] - b[0]).map(([eta, count]) => `${eta}×${count}`).join(' ') || 'none';
}

/** Mean τ of the given fits (null when a run has no fit or an undefined τ). */
function meanTau(fits: readonly (Fit | undefined)[]): number | null {
  if (fits.some((f) => f === undefined || f.predictorKendallTau === null)) return null;
  return mean(fits.map((f) => f!.predictorKendallTau!));
}

/** τ at up to five evenly spaced fits, mean over seeds ("labelled: τ", …); null without fits. */
function tauPath(fits: readonly (readonly Fit[])[]): string | null {
  const length = Math.min(...fits.map((f) => f.length));
  if (!(length > 0)) return null;
  const picks = [...new Set(Array.from({ length: Math.min(5, length) }, (_, k) => Math.round((k * (length - 1)) / Math.max(1, Math.min(5, length) - 1))))];
  return picks.map((i) => {
    const tau = meanTau(fits.map((f) => f[i]));
    return `${Math.round(mean(fits.map((f) => f[i].labelled)))}: ${tau === null ? '–' : tau.toFixed(2)}`;
  }).join(', ');
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
