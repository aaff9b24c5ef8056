// How good a search's latent model is at one moment, scored on the runner's probe cells (see
// ProbeSet): its predictor's Kendall τ against the table, exact reconstruction through the
// decoder, and the posterior's KL. Diagnostics only: nothing here feeds back into the search.
import { kendallTau } from '../analysis/correlation';
import type { Controller } from '../controller/index';
import type { SearchSpace } from '../spaces/search-space';
import type { ProbeSet } from './search';

/** Scores of the model on the probe cells. */
export interface ProbeScores {
  /** Kendall τ between the predictor's accuracy and the table's, over the probe cells; null when undefined (constant predictions). */
  readonly predictorKendallTau: number | null;
  /** Share of probe cells whose decoded μ gives back exactly their token sequence. */
  readonly exactReconstruction: number;
  /** Mean KL(q(z|x) ‖ N(0, I)) per cell, nats summed over latent units; null for a deterministic encoder. */
  readonly klNats: number | null;
}

/**
 * Score `controller` (its encoder, decoder and, unless `predict` is given, its accuracy predictor)
 * on the probe cells.
 * @param predict accuracy predictions for posterior means (e.g. an ensemble's mean); default the controller's own f_acc.
 * @throws RangeError for a probe with fewer than 2 cells or mismatched lengths.
 */
export function probeScores<C>(controller: Controller, space: SearchSpace<C>, probe: ProbeSet<C>, predict?: (mu: number[][]) => readonly number[]): ProbeScores {
  if (probe.cells.length < 2 || probe.cells.length !== probe.accuracy.length) {
    throw new RangeError(`a probe needs ≥ 2 cells with one accuracy each: got ${probe.cells.length} cells and ${probe.accuracy.length} accuracies`);
  }
  const tokens = probe.cells.map((c) => space.encode(c));
  const { mu, logVar } = controller.encode(tokens);
  const predicted = predict ? predict(mu) : controller.predict(mu).accuracy;
  return { predictorKendallTau: predictorKendallTau(predicted, probe.accuracy), ...autoencoderScores(controller, tokens, mu, logVar) };
}

/** Kendall τ of predictions against the truth; null when undefined (constant predictions). */
export function predictorKendallTau(predicted: readonly number[], truth: readonly number[]): number | null {
  const tau = kendallTau(predicted, truth);
  return Number.isFinite(tau) ? tau : null;
}

/** Exact reconstruction and mean KL of token sequences whose posterior (μ, log σ²) is given. */
function autoencoderScores(controller: Controller, tokens: readonly (readonly number[])[], mu: number[][], logVar: number[][] | null): Omit<ProbeScores, 'predictorKendallTau'> {
  const decoded = controller.decode(mu);
  const exact = decoded.filter((seq, i) => seq.every((t, p) => t === tokens[i][p])).length;
  return { exactReconstruction: exact / tokens.length, klNats: logVar === null ? null : meanKl(mu, logVar) };
}

/** The encoder/decoder's scores on cells (exact reconstruction, KL), for a latent space that does not change during a run. */
export function latentSpaceScores<C>(controller: Controller, space: SearchSpace<C>, cells: readonly C[]): Omit<ProbeScores, 'predictorKendallTau'> {
  const tokens = cells.map((c) => space.encode(c));
  const { mu, logVar } = controller.encode(tokens);
  return autoencoderScores(controller, tokens, mu, logVar);
}

/** Mean over rows of Σ_d ½(μ² + σ² − 1 − log σ²). */
function meanKl(mu: readonly (readonly number[])[], logVar: readonly (readonly number[])[]): number {
  let total = 0;
  mu.forEach((row, i) => row.forEach((m, d) => {
    const lv = logVar[i][d];
    total += 0.5 * (m * m + Math.exp(lv) - 1 - lv);
  }));
  return total / mu.length;
}
