// How good a pretrained latent space is, measured on cells it never trained on: exact
// reconstruction, validity and variety of decodes from the prior, KL in nats, active factors and
// MIG against cell attributes with a shuffled-latent baseline. Measures only; trains nothing.
import type { Controller } from '../controller/index';
import { activeFactors, mutualInformationGap, MIG_BINS } from '../analysis/disentanglement';
import type { Attributes } from '../analysis/traversal';
import { Rng } from '../random';
import type { SearchSpace } from '../spaces/search-space';

/** Options of `scoreLatentSpace`. */
export interface LatentScoreOptions {
  /** Draws z ~ N(0, I) decoded for the validity rate (default 10,000). */
  readonly priorDraws?: number;
  /** Seeds the prior draws and the shuffled baseline. */
  readonly seed?: number;
  /** Cells per encode/decode call (default 2,000; memory, not results). */
  readonly chunk?: number;
}

/** One attribute's MIG gap and the factor that carries it. */
export interface AttributeGap {
  readonly attribute: string;
  readonly gap: number;
  /** The same gap with the latents shuffled across cells (the estimator's bias at this cell count). */
  readonly shuffledGap: number;
  readonly bestFactor: number;
}

/** Scores of a latent space on held-out cells (see `scoreLatentSpace`). */
export interface LatentScores {
  readonly heldOutCells: number;
  /** Share of held-out cells whose greedy decode from μ equals their token sequence exactly. */
  readonly heldOutExactReconstruction: number;
  /** Share whose decode is the same cell (same key): isomorphic sequences count as right. */
  readonly heldOutKeyReconstruction: number;
  /** Share of held-out tokens decoded right. */
  readonly heldOutTokenAccuracy: number;
  /** Share of decodes from z ~ N(0, I) that are valid cells (the space's own decode, nothing repaired). */
  readonly validDecodeRate: number;
  readonly priorDraws: number;
  /** Distinct cells (keys) among the valid prior decodes. */
  readonly uniqueValidDecodes: number;
  /** Mean over held-out cells of KL(q(z|x) ‖ N(0, I)) summed over latent units, nats. */
  readonly klNats: number;
  /** Mean KL per latent unit, nats. */
  readonly klPerUnit: readonly number[];
  /** Units whose mean KL exceeds 0.01 nats. */
  readonly activeFactors: number;
  /** MIG of μ against the attributes (mean gap), or null when no attribute varies. */
  readonly mig: number | null;
  /** MIG with μ shuffled across cells: what the plug-in estimator gives for an uninformative code. */
  readonly migShuffled: number | null;
  readonly migBins: number;
  readonly attributeGaps: readonly AttributeGap[];
}

/**
 * Score `controller`'s latent space on `cells` (held out from its training): encode to μ, decode
 * greedily, compare; decode `priorDraws` prior samples and count valid ones through
 * `space.decode`; KL and active factors from the posteriors; MIG of μ against `attributesOf`
 * (MIG_BINS equal-width bins per factor) beside the same estimate with μ permuted across cells.
 * @throws RangeError when `cells` is empty.
 */
export function scoreLatentSpace<C>(controller: Controller, space: SearchSpace<C>, cells: readonly C[], attributesOf: (cell: C) => Attributes, options: LatentScoreOptions = {}): LatentScores {
  if (cells.length === 0) throw new RangeError('need at least one held-out cell to score');
  const chunk = options.chunk ?? 2000;
  const rng = new Rng(options.seed ?? 0).fork('latent-scores');
  const tokens = cells.map((c) => space.encode(c));
  const mu: number[][] = [];
  const logVar: number[][] = [];
  let exact = 0;
  let sameKey = 0;
  let rightTokens = 0;
  for (let start = 0; start < tokens.length; start += chunk) {
    const part = tokens.slice(start, start + chunk);
    const posterior = controller.encode(part);
    mu.push(...posterior.mu);
    if (posterior.logVar !== null) logVar.push(...posterior.logVar);
    controller.decode(posterior.mu).forEach((decoded, i) => {
      const truth = part[i];
      let right = 0;
      for (let t = 0; t < truth.length; t++) right += decoded[t] === truth[t] ? 1 : 0;
      rightTokens += right;
      if (right === truth.length) exact++;
      const cell = space.decode(decoded);
      if (cell !== null && space.key(cell) === space.key(cells[start + i])) sameKey++;
    });
  }
  const draws = options.priorDraws ?? 10_000;
  const latentDim = controller.config.latentDim;
  let valid = 0;
  const keys = new Set<string>();
  for (let start = 0; start < draws; start += chunk) {
    const z = Array.from({ length: Math.min(chunk, draws - start) }, () => Array.from({ length: latentDim }, () => rng.normal()));
    for (const decoded of controller.decode(z)) {
      const cell = space.decode(decoded);
      if (cell === null) continue;
      valid++;
      keys.add(space.key(cell));
    }
  }
  const active = logVar.length > 0 ? activeFactors(mu, logVar) : null;
  const attributes = cells.map(attributesOf);
  const mig = mutualInformationGap(mu, attributes);
  const shuffled = mutualInformationGap(rng.shuffle([...mu]), attributes);
  const shuffledGaps = new Map(shuffled.scores.map((s) => [s.attribute, s.gap]));
  return {
    heldOutCells: cells.length,
    heldOutExactReconstruction: exact / cells.length,
    heldOutKeyReconstruction: sameKey / cells.length,
    heldOutTokenAccuracy: rightTokens / (cells.length * tokens[0].length),
    validDecodeRate: valid / draws,
    priorDraws: draws,
    uniqueValidDecodes: keys.size,
    klNats: active ? active.klPerDim.reduce((s, v) => s + v, 0) : 0,
    klPerUnit: active ? active.klPerDim : [],
    activeFactors: active ? active.count : 0,
    mig: mig.mig,
    migShuffled: shuffled.mig,
    migBins: MIG_BINS,
    attributeGaps: mig.scores.map((s) => ({ attribute: s.attribute, gap: s.gap, shuffledGap: shuffledGaps.get(s.attribute) ?? 0, bestFactor: s.best })),
  };
}
