// DNAS dense-sampling (§Efficient Dense-Sampling Strategy, step 3; Algorithm 1 line 7): draw
// architectures from the promising region with probability ε1, from the FLOPs-edge region with ε2,
// and uniformly from the space with ε3 = 1 − ε1 − ε2. Owns no model: latent codes are decoded by
// a function the caller passes (the controller's masked decoder), so this file stays space- and
// model-agnostic.
import type { Rng } from '../random';
import type { SearchSpace } from '../spaces/search-space';
import { sampleFromRegion, type PromisingRegion } from './promising-region';

/** Probabilities of dense-sampling (DNAS §Experiments, NAS-Bench-101: ε1 = 0.05, ε2 = 0, ε3 = 0.95). */
export interface DenseProbabilities {
  /** ε1: draw z from the promising region of the top-k architectures. */
  readonly epsilon1: number;
  /** ε2: draw z from the region of architectures at the edge of the FLOPs limit (0 when unconstrained). */
  readonly epsilon2: number;
}

/** DNAS §Experiments on NAS-Bench-101: 5% dense, 95% whole space, FLOPs not constrained. */
export const NASBENCH101_DENSE: DenseProbabilities = { epsilon1: 0.05, epsilon2: 0 };

/** What `denseSample` needs besides the probabilities. */
export interface DenseSampleInput<C> {
  readonly space: SearchSpace<C>;
  /** Decodes latent codes [n, latentDim] into cells (null for a decode that is not a valid cell). */
  readonly decodeLatent: (z: number[][]) => (C | null)[];
  /** R_s of Eq 4 around the top-k labelled architectures. */
  readonly region: PromisingRegion;
  /** The FLOPs-edge region; required when ε2 > 0. */
  readonly edgeRegion?: PromisingRegion;
  /** Keys to avoid (e.g. already labelled cells); a drawn cell with such a key is redrawn. */
  readonly exclude?: ReadonlySet<string>;
  readonly rng: Rng;
}

/**
 * The drawn cells and where they came from; every draw is counted, nothing is dropped silently.
 * For the latent sources (ε1, ε2) the counts add up: `draws` = fromRegion + fromEdge + duplicates
 * + invalidDecodes + fallbacks.
 */
export interface DenseSampleResult<C> {
  readonly cells: C[];
  /** How many of `cells` came from each source; `uniform` counts ε3's slots and the fallbacks. */
  readonly fromRegion: number;
  readonly fromEdge: number;
  readonly uniform: number;
  /** Draws made for latent slots: each latent code decoded, plus each uniform draw that filled a latent slot (a fallback). */
  readonly draws: number;
  /** Decoded latent codes that were not valid cells (redrawn). */
  readonly invalidDecodes: number;
  /** Decoded latent codes whose cell was excluded or already drawn (redrawn). */
  readonly duplicates: number;
  /** Latent slots still empty after MAX_ROUNDS rounds, filled by a uniform cell instead (also counted in `uniform`). */
  readonly fallbacks: number;
  /** Uniform draws (ε3 or fallback) that repeated an excluded or drawn cell (redrawn; not latent draws). */
  readonly uniformRepeats: number;
}

/** Rounds of redrawing before giving up on a source and drawing uniformly instead (counted as fallbacks). */
const MAX_ROUNDS = 20;

/**
 * Draw `n` distinct cells by dense-sampling. Each slot picks its source with probabilities
 * (ε1, ε2, ε3); latent codes are decoded in one batch per round; invalid decodes and duplicates
 * are redrawn from the same source, at most MAX_ROUNDS rounds, after which remaining latent slots
 * are filled uniformly (counted in `fallbacks` and in `uniform`).
 * @throws RangeError for n < 0, probabilities outside [0, 1] or summing above 1, or ε2 > 0 without an edge region.
 */
export function denseSample<C>(n: number, input: DenseSampleInput<C>, probabilities: DenseProbabilities = NASBENCH101_DENSE): DenseSampleResult<C> {
  checkProbabilities(n, probabilities, input.edgeRegion !== undefined);
  const { epsilon1, epsilon2 } = probabilities;
  const seen = new Set<string>(input.exclude);
  const cells: C[] = [];
  const counts = { draws: 0, invalidDecodes: 0, duplicates: 0, uniformRepeats: 0 };
  const accept = (cell: C): boolean => {
    const key = input.space.key(cell);
    if (seen.has(key)) return false;
    seen.add(key);
    cells.push(cell);
    return true;
  };
  let wantRegion = 0;
  let wantEdge = 0;
  for (let i = 0; i < n; i++) {
    const u = input.rng.uniform();
    if (u < epsilon1) wantRegion++;
    else if (u < epsilon1 + epsilon2) wantEdge++;
  }
  const fromRegion = drawLatent(wantRegion, input.region, input, accept, counts);
  const fromEdge = wantEdge > 0 ? drawLatent(wantEdge, input.edgeRegion!, input, accept, counts) : 0;
  const fallbacks = wantRegion - fromRegion + wantEdge - fromEdge;
  counts.draws += fallbacks;
  let uniform = 0;
  while (cells.length < n) {
    if (accept(input.space.sampleUniform(input.rng))) uniform++;
    else counts.uniformRepeats++;
  }
  return { cells, fromRegion, fromEdge, uniform, fallbacks, ...counts };
}

/** Decode latent draws from `region` until `want` cells are accepted or rounds run out; returns how many were. */
function drawLatent<C>(
  want: number,
  region: PromisingRegion,
  input: DenseSampleInput<C>,
  accept: (cell: C) => boolean,
  counts: { draws: number; invalidDecodes: number; duplicates: number },
): number {
  let got = 0;
  for (let round = 0; round < MAX_ROUNDS && got < want; round++) {
    const z = Array.from({ length: want - got }, () => sampleFromRegion(region, input.rng));
    counts.draws += z.length;
    for (const cell of input.decodeLatent(z)) {
      if (cell === null) counts.invalidDecodes++;
      else if (accept(cell)) got++;
      else counts.duplicates++;
    }
  }
  return got;
}

function checkProbabilities(n: number, p: DenseProbabilities, hasEdge: boolean): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of samples must be an integer ≥ 0: got ${n}`);
  for (const [name, value] of Object.entries(p)) {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be in [0, 1]: got ${value}`);
  }
  if (p.epsilon1 + p.epsilon2 > 1) throw new RangeError(`epsilon1 + epsilon2 must be ≤ 1 (ε3 = 1 − ε1 − ε2): got ${p.epsilon1 + p.epsilon2}`);
  if (p.epsilon2 > 0 && !hasEdge) throw new RangeError(`epsilon2 = ${p.epsilon2} needs an edgeRegion (the FLOPs-edge area)`);
}
