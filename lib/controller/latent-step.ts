// Gradient steps in the latent space (DNAS Eq 7) and NAO/SemiNAS's growing step-size loop.
// Which decoded cells count as acceptable (new, valid, unqueried) is the caller's callback.
import type { Controller } from './controller';

/** Step sizes of Eq 7. */
export interface LatentStepSizes {
  /** η1: step along ∂f_acc/∂z (ascent). */
  readonly eta1: number;
  /** η2: step along ∂f_flops/∂z (descent); 0 ignores FLOPs (and is required when the FLOPs predictor is off). */
  readonly eta2?: number;
}

/**
 * DNAS Eq 7: z' = z + η1·∂f_acc(z)/∂z − η2·∂f_flops(z)/∂z, gradients of the normalised
 * predictor outputs (as NAO, whose predictor is trained on normalised targets).
 * @param z [batch][latentDim] latent codes (e.g. the μ of encoded cells).
 * @returns [batch][latentDim] moved codes.
 * @throws RangeError for a negative or non-finite step size, or η2 > 0 without a FLOPs predictor.
 */
export function latentStep(controller: Controller, z: readonly (readonly number[])[], sizes: LatentStepSizes): number[][] {
  const eta2 = sizes.eta2 ?? 0;
  checkStep('eta1', sizes.eta1);
  checkStep('eta2', eta2);
  const grads = controller.predictorGradients(z);
  if (eta2 > 0 && grads.flops === null) throw new RangeError(`eta2 must be 0 when the FLOPs predictor is off: got ${eta2}`);
  return z.map((row, b) => row.map((v, d) => v + sizes.eta1 * grads.accuracy[b][d] - (eta2 > 0 ? eta2 * grads.flops![b][d] : 0)));
}

/** Options of `growingLatentSearch` (defaults: NAO/SemiNAS controller.py, `predict_lambda` += 1 up to 1000). */
export interface GrowingStepOptions {
  /** How many accepted sequences to collect. */
  readonly wanted: number;
  /** First η1 and the amount added each round (SemiNAS: 1). */
  readonly etaStep?: number;
  /** Largest η1 tried before giving up (SemiNAS: 1000). */
  readonly maxEta?: number;
  /** η2 / η1, kept fixed while η1 grows (0 = accuracy only, as NAO/SemiNAS). */
  readonly flopsRatio?: number;
  /**
   * Stop after this many consecutive rounds in which no code decoded to a sequence not seen in an
   * earlier round (default: never, as NAO/SemiNAS). Far along the gradient the decodes stop
   * changing; going on to maxEta then only costs decoder time.
   */
  readonly patience?: number;
}

/** What the growing loop found: accepted sequences in acceptance order and the last η1 tried. */
export interface GrowingStepResult {
  readonly accepted: number[][];
  readonly eta: number;
  /** Rounds run (decode calls). */
  readonly rounds: number;
  /** True when the loop stopped because `patience` rounds in a row decoded nothing new. */
  readonly stalled: boolean;
}

/**
 * NAO/SemiNAS's generation loop: take one gradient direction per code, then for η1 = step,
 * 2·step, … decode z + η1·∂f_acc/∂z (− η1·flopsRatio·∂f_flops/∂z), offer each decoded
 * sequence to `accept`, and stop once `wanted` were accepted, η1 passes `maxEta`, or (with
 * `patience`) the decodes have stopped changing.
 * @param z [batch][latentDim] starting codes (e.g. μ of the top cells).
 * @param accept returns true to keep a decoded sequence; it owns novelty/validity checks and may
 *   record what it accepted. Called once per decoded sequence per round, in batch order, with the
 *   code's index and the round's η1.
 * @throws RangeError when wanted < 1, etaStep ≤ 0, maxEta < etaStep, flopsRatio < 0 or patience < 1.
 */
export function growingLatentSearch(
  controller: Controller, z: readonly (readonly number[])[], accept: (tokens: number[], index: number, eta: number) => boolean, options: GrowingStepOptions,
): GrowingStepResult {
  const etaStep = options.etaStep ?? 1;
  const maxEta = options.maxEta ?? 1000;
  const flopsRatio = options.flopsRatio ?? 0;
  if (!Number.isInteger(options.wanted) || options.wanted < 1) throw new RangeError(`wanted must be an integer ≥ 1: got ${options.wanted}`);
  if (!(etaStep > 0) || !Number.isFinite(etaStep)) throw new RangeError(`etaStep must be > 0: got ${etaStep}`);
  if (!(maxEta >= etaStep)) throw new RangeError(`maxEta must be ≥ etaStep (${etaStep}): got ${maxEta}`);
  checkStep('flopsRatio', flopsRatio);
  const patience = options.patience ?? Infinity;
  if (!(patience >= 1)) throw new RangeError(`patience must be ≥ 1 round: got ${options.patience}`);
  const grads = controller.predictorGradients(z);
  if (flopsRatio > 0 && grads.flops === null) throw new RangeError(`flopsRatio must be 0 when the FLOPs predictor is off: got ${flopsRatio}`);
  const accepted: number[][] = [];
  let eta = 0;
  let rounds = 0;
  let staleRounds = 0;
  const decoded = new Set<string>();
  while (accepted.length < options.wanted && eta + etaStep <= maxEta && staleRounds < patience) {
    eta += etaStep;
    rounds++;
    const moved = z.map((row, b) => row.map((v, d) => v + eta * grads.accuracy[b][d] - (flopsRatio > 0 ? eta * flopsRatio * grads.flops![b][d] : 0)));
    let fresh = false;
    for (const [index, tokens] of controller.decode(moved).entries()) {
      const key = tokens.join(',');
      if (!decoded.has(key)) {
        decoded.add(key);
        fresh = true;
      }
      if (accepted.length < options.wanted && accept(tokens, index, eta)) accepted.push(tokens);
    }
    staleRounds = fresh ? 0 : staleRounds + 1;
  }
  return { accepted, eta, rounds, stalled: staleRounds >= patience };
}

function checkStep(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number ≥ 0: got ${value}`);
}
