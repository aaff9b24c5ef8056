// The controller's configuration: what it needs from a search space, its sizes and loss weights,
// with the DNAS paper's defaults and one validation rule per field. No tensors here.

/**
 * What the controller needs to know of a search space (a subset of `SearchSpace`, so any space
 * fits without the controller importing one): sequence shape and the grammar for decoding.
 */
export interface TokenGrammar {
  /** Length of every token sequence, e.g. 27 for NAS-Bench-101. */
  readonly sequenceLength: number;
  /** Number of distinct tokens. */
  readonly vocabSize: number;
  /** Which tokens may follow `prefix` (length `vocabSize`) so the sequence stays well formed. */
  allowedNextTokens(prefix: readonly number[]): boolean[];
  /**
   * Optional, stricter: the tokens after `prefix` that still allow a VALID cell (NAS-Bench-101:
   * ≤ 9 edges and an input→output path). When present, greedy decoding picks among these and the
   * training loss normalises the decoder's softmax over them, so every decode is a valid cell.
   */
  validNextTokens?(prefix: readonly number[]): boolean[];
  /** Optional fast form of `validNextTokens` for a whole sequence under teacher forcing: [sequenceLength·vocabSize] 0/1. */
  validTokenMasks?(tokens: readonly number[]): Uint8Array;
  /** Optional fast form of `validNextTokens` for decoding: a cursor advanced token by token (no prefix replayed). */
  validTokenCursor?(): ValidTokenCursor;
}

/** One sequence being decoded: the valid tokens at its next position, advanced token by token. */
export interface ValidTokenCursor {
  /** The tokens allowed at the next position (= validNextTokens(tokens pushed so far)). */
  next(): boolean[];
  /** Append a token. @throws when it is not among `next()`. */
  push(token: number): void;
}

/** The weights of Eq 5: L = α·L_acc + λ·L_flops + μ·L_rec + β·L_kl. */
export interface LossWeights {
  readonly alpha: number;
  readonly lambda: number;
  readonly mu: number;
  readonly beta: number;
}

/** DNAS §Experiments: α = 0.8, λ = 0.3, μ = 0.2, β = 1. */
export const DNAS_LOSS_WEIGHTS: LossWeights = { alpha: 0.8, lambda: 0.3, mu: 0.2, beta: 1 };

/**
 * The paper's weighting by name (Eq 5 with its defaults, KL averaged over latent units): what
 * `resolveConfig` gives when no objective option is passed.
 */
export const DNAS_EQ5_OBJECTIVE: ControllerOptions = { lossWeights: DNAS_LOSS_WEIGHTS, klReduction: 'mean' };

/**
 * The β-VAE objective in textbook units (Higgins et al. 2017): summed reconstruction NLL plus
 * β·(KL summed over latent units), predictors weighted 1 each when labels exist.
 * @param beta β in textbook units (1 = the plain VAE's ELBO).
 */
export function standardVaeObjective(beta: number): ControllerOptions {
  return { lossWeights: { alpha: 1, lambda: 1, mu: 1, beta }, klReduction: 'sum' };
}

/**
 * β of a configuration in textbook units: the weight of the SUMMED KL relative to a reconstruction
 * term of weight 1, i.e. β / μ, divided by latentDim when the KL is averaged over units.
 * The paper's Eq 5 (μ = 0.2, β = 1, averaged over 26 units) is 1 / (0.2·26) ≈ 0.19: a weaker KL
 * pressure than a plain VAE's.
 */
export function textbookBeta(config: Pick<ControllerConfig, 'lossWeights' | 'klReduction' | 'latentDim'>): number {
  const { mu, beta } = config.lossWeights;
  if (mu === 0) return beta === 0 ? 0 : Infinity;
  return beta / mu / (config.klReduction === 'mean' ? config.latentDim : 1);
}

/** Capacity annealing (Burgess et al. 2018): the KL term becomes β·|KL − C| with C rising linearly to `targetNats`. */
export interface CapacitySchedule {
  /** C at the end of the ramp, nats of KL summed over latent units (choose above ln N to tell N cells apart). */
  readonly targetNats: number;
  /** Adam steps over which C rises from 0 to targetNats (≥ 1). */
  readonly steps: number;
}

/** Everything that fixes the controller's architecture and training; saved with its weights. */
export interface ControllerConfig {
  readonly sequenceLength: number;
  readonly vocabSize: number;
  /** LSTM hidden size of encoder and decoder (DNAS §Experiments: 26 for NAS-Bench-101). */
  readonly hidden: number;
  /** Token embedding size (default: `hidden`, as NAO). */
  readonly embedding: number;
  /** Size of z (default 26: the accuracy MLP is "26, 64, 1" on z, DNAS §Experiments). */
  readonly latentDim: number;
  /** Decoder LSTM layers (DNAS: "multi-layer"; 1 in its NAS-Bench-101 experiments). */
  readonly decoderLayers: number;
  /** Hidden units of the accuracy MLP (DNAS §Experiments: 64). */
  readonly accuracyHidden: number;
  /** β-VAE: stochastic z and the KL term (DNAS). false: deterministic z = μ, β ignored (NAO/SemiNAS). */
  readonly disentangle: boolean;
  /** Train and offer the FLOPs predictor f_flops (DNAS). false: λ ignored, no flopsM needed. */
  readonly flopsPredictor: boolean;
  readonly lossWeights: LossWeights;
  /**
   * How L_kl is reduced over latent dimensions (the paper does not say):
   * - `'mean'` (default): averaged over the latentDim units, so β weighs KL per latent unit
   *   (the reduction of a PyTorch `torch.mean` over the KL elements). With the paper's
   *   μ = 0.2, β = 1 this keeps an informative z: on 600 real NAS-Bench-101 cells, 100 epochs,
   *   KL 2.8 nats and held-out Spearman 0.78 of the accuracy predictor (β = 0: 0.74).
   * - `'sum'`: the textbook β-VAE sum. With the paper's weights each nat in z costs 5× what it
   *   earns in reconstruction, and the posterior collapses (same data: KL 0.002 nats, Spearman 0.59).
   * Reconstruction is always the sequence NLL (summed over tokens), see lossTerms in model.ts.
   */
  readonly klReduction: 'mean' | 'sum';
  /**
   * Free bits (Kingma et al. 2016): each latent unit's batch-mean KL enters the loss as
   * max(KL_d, freeBitsNats), so units below the floor feel no pressure towards the prior. 0 = off.
   */
  readonly freeBitsNats: number;
  /** KL warm-up: β rises linearly from 0 over this many Adam steps (Bowman et al. 2016). 0 = off. */
  readonly klWarmupSteps: number;
  /** Capacity annealing instead of the plain β·KL term; null = off. */
  readonly capacity: CapacitySchedule | null;
  /**
   * z concatenated to the decoder's input at every step (as well as setting its initial state),
   * so the decoder cannot forget it over 27 steps. false: z only sets the initial state (NAO).
   */
  readonly latentEveryStep: boolean;
  /**
   * What the encoder hands to the μ / log σ² heads: 'mean' of h_1..h_T (NAO's arch_emb, the
   * paper's choice) or 'last', h_T (a sequence autoencoder's usual summary).
   */
  readonly encoderOutput: 'mean' | 'last';
  /**
   * Word dropout (Bowman et al. 2016): each teacher-forced input token is replaced by the start
   * token with this probability during training, so the decoder must lean on z. In [0, 1).
   */
  readonly wordDropout: number;
  /** Adam learning rate (DNAS §Experiments: 0.001). */
  readonly learningRate: number;
  /** Seed of the weight initialisation. */
  readonly seed: number;
}

/** Options of `createController`; every field defaults as documented on `ControllerConfig`. */
export type ControllerOptions = Partial<Omit<ControllerConfig, 'sequenceLength' | 'vocabSize' | 'lossWeights'>> & {
  readonly lossWeights?: Partial<LossWeights>;
};

/**
 * The full configuration for a grammar and options, validated.
 * @throws RangeError naming the field, its value and the limit for any size ≤ 0 or non-integer,
 *   a negative or non-finite loss weight, a learning rate ≤ 0, or a bad seed.
 */
export function resolveConfig(grammar: Pick<TokenGrammar, 'sequenceLength' | 'vocabSize'>, options: ControllerOptions = {}): ControllerConfig {
  const hidden = options.hidden ?? 26;
  const config: ControllerConfig = {
    sequenceLength: grammar.sequenceLength,
    vocabSize: grammar.vocabSize,
    hidden,
    embedding: options.embedding ?? hidden,
    latentDim: options.latentDim ?? 26,
    decoderLayers: options.decoderLayers ?? 1,
    accuracyHidden: options.accuracyHidden ?? 64,
    disentangle: options.disentangle ?? true,
    flopsPredictor: options.flopsPredictor ?? true,
    lossWeights: { ...DNAS_LOSS_WEIGHTS, ...options.lossWeights },
    klReduction: options.klReduction ?? 'mean',
    freeBitsNats: options.freeBitsNats ?? 0,
    klWarmupSteps: options.klWarmupSteps ?? 0,
    capacity: options.capacity ?? null,
    latentEveryStep: options.latentEveryStep ?? false,
    wordDropout: options.wordDropout ?? 0,
    encoderOutput: options.encoderOutput ?? 'mean',
    learningRate: options.learningRate ?? 0.001,
    seed: options.seed ?? 0,
  };
  validateConfig(config);
  return config;
}

/** @throws RangeError for the first field out of range (see `resolveConfig`). */
export function validateConfig(config: ControllerConfig): void {
  positiveInteger('sequenceLength', config.sequenceLength, 1);
  positiveInteger('vocabSize', config.vocabSize, 2);
  for (const field of ['hidden', 'embedding', 'latentDim', 'decoderLayers', 'accuracyHidden'] as const) positiveInteger(field, config[field], 1);
  for (const [name, value] of Object.entries(config.lossWeights)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`loss weight ${name} must be a finite number ≥ 0: got ${value}`);
  }
  if (config.klReduction !== 'mean' && config.klReduction !== 'sum') throw new RangeError(`klReduction must be 'mean' or 'sum': got ${String(config.klReduction)}`);
  if (!Number.isFinite(config.freeBitsNats) || config.freeBitsNats < 0) throw new RangeError(`freeBitsNats must be a finite number ≥ 0: got ${config.freeBitsNats}`);
  if (!Number.isInteger(config.klWarmupSteps) || config.klWarmupSteps < 0) throw new RangeError(`klWarmupSteps must be an integer ≥ 0: got ${config.klWarmupSteps}`);
  if (config.capacity !== null) {
    if (!Number.isFinite(config.capacity.targetNats) || config.capacity.targetNats < 0) throw new RangeError(`capacity.targetNats must be a finite number ≥ 0: got ${config.capacity.targetNats}`);
    positiveInteger('capacity.steps', config.capacity.steps, 1);
  }
  if (typeof config.latentEveryStep !== 'boolean') throw new RangeError(`latentEveryStep must be a boolean: got ${String(config.latentEveryStep)}`);
  if (config.encoderOutput !== 'mean' && config.encoderOutput !== 'last') throw new RangeError(`encoderOutput must be 'mean' or 'last': got ${String(config.encoderOutput)}`);
  if (!(config.wordDropout >= 0 && config.wordDropout < 1)) throw new RangeError(`wordDropout must be in [0, 1): got ${config.wordDropout}`);
  if (!Number.isFinite(config.learningRate) || config.learningRate <= 0) throw new RangeError(`learningRate must be > 0: got ${config.learningRate}`);
  if (!Number.isInteger(config.seed) || config.seed < 0) throw new RangeError(`seed must be a non-negative integer: got ${config.seed}`);
}

function positiveInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}: got ${value}`);
}
