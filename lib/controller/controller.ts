// The DNAS controller as one object: train (Eq 5, Adam), encode, masked greedy decode, predict,
// save/load, dispose. Space-agnostic: it sees only a `TokenGrammar`; it never samples or searches.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rng } from '../random';
import { resolveConfig, validateConfig, type ControllerConfig, type ControllerOptions, type TokenGrammar, type ValidTokenCursor } from './config';
import { scoped } from './fast-ops';
import { FUSED_ADAM_PRODUCTS, FusedAdam } from './fused-adam';
import { MaskMemo } from './mask-memo';
import { lstmStep, newTrace, stackedKernel, type LstmTrace } from './lstm';
import { decoderInitialState, decoderInputKernel, encodePosterior, initWeights, lossTerms, shiftedInputs, predictAccuracy, predictFlops, toVariable, w1, w2, weightShapes, type Weights } from './model';
import { StepProduct } from './step-product';

/** Labelled architectures to train on: token sequences with their accuracy (fraction of 1) and FLOPs (millions). */
export interface ControllerData {
  readonly tokens: readonly (readonly number[])[];
  readonly accuracy: readonly number[];
  /** Required when the FLOPs predictor is on. */
  readonly flopsM?: readonly number[];
}

/** Training options. */
export interface TrainOptions {
  readonly epochs: number;
  /** Stop after this many Adam steps, mid-epoch if need be (default: no limit; the last epoch's loss averages the sequences it saw). */
  readonly maxSteps?: number;
  /** Sequences per Adam step (SemiNAS NAS-Bench-101: 100). */
  readonly batchSize: number;
  /** Shuffles the data and draws ε; the same seed gives the same weights. */
  readonly rng: Rng;
  /**
   * 'all' (default): every module on Eq 5. 'predictors': encoder and decoder frozen (a pretrained
   * latent space kept as is), only f_acc / f_flops learn, on z drawn from the frozen posterior.
   */
  readonly trainable?: 'all' | 'predictors';
}

/** Mean loss terms of one epoch (Eq 5, unweighted terms and the weighted total). */
export interface EpochLoss {
  readonly total: number;
  readonly acc: number;
  readonly flops: number;
  readonly rec: number;
  readonly kl: number;
}

/** What `Controller.trainingState` returns. */
export interface ControllerTrainingState {
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** Adam's named tensors (empty before the first step). */
  readonly optimizer: readonly { name: string; shape: number[]; values: Float32Array }[];
  readonly steps: number;
  /** The target normalisation the last `train` call set (predictions depend on it); absent: left as it is on restore. */
  readonly normalisation?: { readonly accuracy: Normalisation; readonly flops: Normalisation | null };
}

/** Mean and standard deviation used to normalise a target (saved with the model). */
export interface Normalisation {
  readonly mean: number;
  readonly std: number;
}

/** Predictions on z, in the data's units (accuracy fraction of 1, FLOPs millions). */
export interface Prediction {
  readonly accuracy: number[];
  /** null when the FLOPs predictor is off. */
  readonly flopsM: number[] | null;
}

/** What `save` writes to controller.json (read back by `load` / `fromSaved`, which check every field). */
export interface SavedManifest {
  readonly format?: unknown;
  readonly version?: unknown;
  readonly config?: unknown;
  readonly normalisation?: unknown;
  readonly weights?: unknown;
}

/** The normalisation of an untrained controller: predictions are the raw network outputs. */
const IDENTITY: Normalisation = { mean: 0, std: 1 };
const FORMAT = 'dnas-controller';
// Version 3: config gained the KL schedule (free bits, warm-up, capacity), latentEveryStep, wordDropout.
const FORMAT_VERSION = 3;

/** The encoder–predictor–decoder controller of DNAS (β-VAE on) or NAO/SemiNAS (disentangle off). */
export class Controller {
  private readonly optimizer: tf.Optimizer;
  private steps = 0;
  private readonly masks: MaskMemo;

  /** Prefer `createController` / `Controller.load`. */
  constructor(
    readonly grammar: TokenGrammar,
    readonly config: ControllerConfig,
    private readonly weights: Weights,
    private norm: { accuracy: Normalisation; flops: Normalisation | null } = { accuracy: IDENTITY, flops: config.flopsPredictor ? IDENTITY : null },
  ) {
    this.optimizer = new FusedAdam(config.learningRate);
    this.masks = new MaskMemo(grammar);
  }

  /** Target normalisation in use (set by `train` from its data). */
  get normalisation(): { accuracy: Normalisation; flops: Normalisation | null } {
    return this.norm;
  }

  /**
   * Train every module jointly on Eq 5 with Adam; targets are normalised to mean 0, std 1 using
   * this call's data. The last batch of an epoch may be smaller.
   * @returns mean loss terms per epoch.
   * @throws RangeError for bad data or options (named field, value, limit); Error when the loss
   *   becomes non-finite, naming the step.
   */
  train(data: ControllerData, options: TrainOptions): EpochLoss[] {
    const n = this.checkData(data);
    checkTrainOptions(options);
    this.norm = { accuracy: normalisation(data.accuracy), flops: this.config.flopsPredictor ? normalisation(data.flopsM!) : null };
    const history: EpochLoss[] = [];
    let steps = 0;
    const maxSteps = options.maxSteps ?? Infinity;
    for (let epoch = 0; epoch < options.epochs && steps < maxSteps; epoch++) {
      const order = options.rng.shuffle(Array.from({ length: n }, (_, i) => i));
      const sums = { total: 0, acc: 0, flops: 0, rec: 0, kl: 0 };
      let seen = 0;
      for (let start = 0; start < n && steps < maxSteps; start += options.batchSize, steps++) {
        const size = Math.min(options.batchSize, n - start);
        const terms = this.step(data, order.slice(start, start + size), options.rng, epoch, options.trainable ?? 'all');
        for (const key of Object.keys(sums) as (keyof EpochLoss)[]) sums[key] += terms[key] * size;
        seen += size;
      }
      history.push({ total: sums.total / seen, acc: sums.acc / seen, flops: sums.flops / seen, rec: sums.rec / seen, kl: sums.kl / seen });
    }
    return history;
  }

  /**
   * One Adam step of the unlabelled objective (reconstruction and KL only: α, λ play no part) on
   * `tokens`, the pretraining step. ε and word dropout come from `rng`.
   * @returns the batch's loss terms (acc, flops 0).
   * @throws RangeError for malformed tokens; Error when the loss becomes non-finite.
   */
  pretrainStep(tokens: readonly (readonly number[])[], rng: Rng): EpochLoss {
    this.checkTokens(tokens);
    return this.step({ tokens }, tokens.map((_, i) => i), rng, 0, 'all');
  }

  /**
   * Set Adam's learning rate from now on (schedules such as cosine decay). TF.js's Adam reads its
   * `learningRate` field at every step and offers no setter, hence the cast.
   * @throws RangeError for a rate that is not finite or is negative.
   */
  setLearningRate(rate: number): void {
    if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`learning rate must be a finite number ≥ 0: got ${rate}`);
    (this.optimizer as unknown as { learningRate: number }).learningRate = rate;
  }

  /** One Adam step on the sequences at `indices`; returns the batch's loss terms. */
  private step(data: { tokens: ControllerData['tokens']; accuracy?: readonly number[]; flopsM?: readonly number[] }, indices: number[], rng: Rng, epoch: number, trainable: 'all' | 'predictors'): EpochLoss {
    const { latentDim, disentangle, flopsPredictor, vocabSize, wordDropout } = this.config;
    const epsilon = disentangle ? Float32Array.from({ length: indices.length * latentDim }, () => rng.normal()) : null;
    const tokens = indices.map((i) => data.tokens[i]);
    const predictorsOnly = trainable === 'predictors';
    // Word dropout: a teacher-forced input becomes the start token (index vocabSize); position 0 already is one.
    const decoderInputs = !predictorsOnly && wordDropout > 0
      ? shiftedInputs(tokens, vocabSize).map((seq) => seq.map((t, p) => (p > 0 && rng.uniform() < wordDropout ? vocabSize : t)))
      : undefined;
    const masks = predictorsOnly ? null : this.trainingMasks(tokens);
    // Unlabelled (pretraining): the predictors get no gradient, so Adam keeps no moments for them.
    const labelled = data.accuracy !== undefined;
    const variables = [...this.weights.entries()]
      .filter(([name]) => (predictorsOnly ? name.startsWith('predictor/') : labelled || !name.startsWith('predictor/')))
      .map(([, v]) => v);
    const values = tf.tidy(() => {
      const batch = {
        tokens,
        accuracy: labelled ? tf.tensor1d(indices.map((i) => normalise(data.accuracy![i], this.norm.accuracy))) : null,
        flops: labelled && flopsPredictor ? tf.tensor1d(indices.map((i) => normalise(data.flopsM![i], this.norm.flops!))) : null,
        epsilon: epsilon ? tf.tensor2d(epsilon, [indices.length, latentDim]) : null,
        decoderInputs,
        masks,
        klScale: this.config.klWarmupSteps > 0 ? Math.min(1, (this.steps + 1) / this.config.klWarmupSteps) : 1,
        capacityNats: this.config.capacity !== null ? this.config.capacity.targetNats * Math.min(1, (this.steps + 1) / this.config.capacity.steps) : undefined,
        predictorsOnly,
      };
      let parts: tf.Tensor | null = null;
      this.optimizer.minimize(() => {
        const terms = lossTerms(this.weights, this.config, batch);
        // Kept past minimize's own tidy so the terms can be reported; disposed just below.
        parts = tf.keep(tf.stack([terms.acc, terms.flops, terms.rec, terms.kl, terms.total]));
        return terms.total;
      }, false, variables);
      const out = (parts as unknown as tf.Tensor).dataSync();
      tf.dispose(parts as unknown as tf.Tensor);
      return out;
    });
    this.steps++;
    const [acc, flops, rec, kl, total] = Array.from(values);
    if (!Number.isFinite(total)) {
      throw new Error(`controller loss is not finite at step ${this.steps} (epoch ${epoch + 1}): got ${total} (acc ${acc}, flops ${flops}, rec ${rec}, kl ${kl})`);
    }
    return { total, acc, flops, rec, kl };
  }

  /**
   * Time-major valid-token masks [sequenceLength·batch·vocab] for teacher-forced sequences, or
   * null when the grammar has no validity rule beyond its token grammar (then every token counts).
   */
  private trainingMasks(tokens: readonly (readonly number[])[]): Uint8Array | null {
    if (!this.masks.knowsValidity) return null;
    const { sequenceLength: steps, vocabSize: v } = this.config;
    const batch = tokens.length;
    const out = new Uint8Array(steps * batch * v);
    tokens.forEach((seq, b) => {
      const masks = this.masks.sequenceMasks(seq);
      for (let t = 0; t < steps; t++) out.set(masks.subarray(t * v, (t + 1) * v), (t * batch + b) * v);
    });
    return out;
  }

  /**
   * Copy the encoder and decoder weights of `source` (a pretrained latent space) into this
   * controller; its predictors keep their own weights.
   * @throws Error naming the weight when a shape differs or a weight is missing (different sizes).
   */
  adoptEncoderDecoder(source: Controller): void {
    for (const [name, variable] of this.weights) {
      if (name.startsWith('predictor/')) continue;
      const from = source.weights.get(name);
      if (from === undefined) throw new Error(`pretrained controller has no weight ${name} (latentEveryStep ${source.config.latentEveryStep}, here ${this.config.latentEveryStep})`);
      if (from.shape.join('x') !== variable.shape.join('x')) throw new Error(`weight ${name}: pretrained shape [${from.shape.join(', ')}], here [${variable.shape.join(', ')}]`);
      variable.assign(from);
    }
  }

  /** Adam's state (iteration count, moments in weight order, the running βᵗ products), named, for checkpoints. */
  async optimizerState(): Promise<{ name: string; shape: number[]; values: Float32Array }[]> {
    const named = await this.optimizer.getWeights();
    return named.map(({ name, tensor }) => ({ name, shape: tensor.shape, values: Float32Array.from(tensor.dataSync()) }));
  }

  /**
   * Restore Adam's state saved by `optimizerState` and the step count, so training resumes exactly.
   * @throws Error when the saved state does not have one moment pair per weight.
   */
  async restoreOptimizer(state: readonly { name?: string; shape: number[]; values: Float32Array }[], steps: number): Promise<void> {
    const moments = state.filter((s) => !(FUSED_ADAM_PRODUCTS as readonly (string | undefined)[]).includes(s.name));
    if (moments.length % 2 !== 1 || moments.length > 1 + 2 * this.weights.size) {
      throw new Error(`optimizer state must hold the iteration count and two moments per trained weight (odd, at most ${1 + 2 * this.weights.size} tensors): got ${moments.length}`);
    }
    // Adam pairs moments with weights by position (the order of the trained weights); a state saved
    // without names (older checkpoints) is named by position and restores without the βᵗ products.
    await this.optimizer.setWeights(state.map((s, i) => ({ name: s.name ?? (i === 0 ? 'iter' : `moment${i}`), tensor: tf.tensor(s.values, s.shape) })));
    this.steps = steps;
  }

  /**
   * Everything training carries from one call to the next — weights, Adam's state, the step count
   * (KL warm-up and capacity schedules read it) — for a search checkpoint. The target
   * normalisation is not in it: every `train` call sets it afresh from its data.
   */
  async trainingState(): Promise<ControllerTrainingState> {
    return { weights: this.weightValues(), optimizer: await this.optimizerState(), steps: this.steps, normalisation: this.norm };
  }

  /** Put back a `trainingState` of a controller with the same config: training then goes on exactly. */
  async restoreTrainingState(state: ControllerTrainingState): Promise<void> {
    this.setWeightValues(state.weights);
    if (state.optimizer.length > 0) await this.restoreOptimizer(state.optimizer, state.steps);
    else this.steps = state.steps;
    if (state.normalisation !== undefined) this.norm = state.normalisation;
  }

  /** Replace every weight's values by those of `values` (same names and shapes, e.g. a checkpoint). */
  setWeightValues(values: ReadonlyMap<string, Float32Array>): void {
    for (const [name, variable] of this.weights) {
      const v = values.get(name);
      if (v === undefined || v.length !== variable.size) throw new Error(`weight ${name}: expected ${variable.size} values: got ${v?.length ?? 'none'}`);
      tf.tidy(() => variable.assign(tf.tensor(v, variable.shape)));
    }
  }

  /** Every weight's values by name (copies). */
  weightValues(): Map<string, Float32Array> {
    return new Map([...this.weights].map(([name, v]) => [name, Float32Array.from(v.dataSync())]));
  }

  /**
   * The posterior q(z|x) of each sequence.
   * @param tokens [batch][sequenceLength] well-formed sequences.
   * @returns μ and log σ², each [batch][latentDim]; logVar is null when disentangle is off (z = μ).
   * @throws RangeError for a sequence of the wrong length or a token outside the vocabulary.
   */
  encode(tokens: readonly (readonly number[])[]): { mu: number[][]; logVar: number[][] | null } {
    this.checkTokens(tokens);
    return scoped(() => {
      const { mu, logVar } = encodePosterior(this.weights, this.config, tokens);
      return { mu: mu.arraySync(), logVar: logVar ? logVar.arraySync() : null };
    });
  }

  /**
   * Greedy decoding of f_d: at each position the most likely token among those
   * `grammar.validNextTokens(prefix)` allows (else `allowedNextTokens`), so every output is well
   * formed and, where the grammar knows validity, a valid cell.
   * @param z [batch][latentDim]. @returns [batch][sequenceLength] tokens.
   * @throws RangeError when a row of z has the wrong length or a non-finite value.
   */
  decode(z: readonly (readonly number[])[]): number[][] {
    this.checkLatent(z);
    const { sequenceLength: steps, vocabSize, hidden, decoderLayers } = this.config;
    const batch = z.length;
    const prefixes: number[][] = z.map(() => []);
    const kernels = tf.tidy(() => Array.from({ length: decoderLayers }, (_, l) => {
      const wx = l === 0 ? decoderInputKernel(this.weights, this.config) : w2(this.weights, `decoder/lstm${l}/wx`);
      return stackedKernel(wx, w2(this.weights, `decoder/lstm${l}/wh`), w1(this.weights, `decoder/lstm${l}/b`));
    }));
    const latentInput = this.config.latentEveryStep ? z : null;
    const traces = tf.tidy(() => decoderInitialState(this.weights, this.config, tf.tensor2d(z as number[][], [batch, this.config.latentDim])))
      .map(([h, c]) => {
        const trace = newTrace(steps, batch, hidden, h.dataSync() as Float32Array, c.dataSync() as Float32Array);
        tf.dispose([h, c]);
        return trace;
      });
    const cursors = this.grammar.validTokenCursor ? z.map(() => this.grammar.validTokenCursor!()) : null;
    const outW = w2(this.weights, 'decoder/out/w').dataSync() as Float32Array;
    const outB = w1(this.weights, 'decoder/out/b').dataSync() as Float32Array;
    const products = kernels.map((kernel) => new StepProduct(batch, kernel.shape[0], kernel, true));
    try {
      for (let t = 0; t < steps; t++) {
        let input = oneHotRows(prefixes.map((p) => (t === 0 ? vocabSize : p[t - 1])), vocabSize + 1, latentInput);
        for (let l = 0; l < decoderLayers; l++) {
          lstmStep(traces[l], t, input, products[l], batch, hidden);
          input = traces[l].hs.subarray((t + 1) * batch * hidden, (t + 2) * batch * hidden);
        }
        this.pickTokens(traces[decoderLayers - 1], t, outW, outB, prefixes, cursors);
      }
    } finally {
      products.forEach((p) => p.dispose());
      tf.dispose(kernels);
    }
    return prefixes;
  }

  /**
   * Append to each prefix the allowed token with the highest logit h_{t+1}·W_out + b_out. The allowed
   * tokens come from the row's cursor where the grammar has one, else from the grammar per prefix.
   */
  private pickTokens(trace: LstmTrace, t: number, outW: Float32Array, outB: Float32Array, prefixes: number[][], cursors: ValidTokenCursor[] | null): void {
    const { hidden, vocabSize } = this.config;
    const base = (t + 1) * prefixes.length * hidden;
    prefixes.forEach((prefix, b) => {
      const allowed = cursors !== null ? cursors[b].next() : this.grammar.validNextTokens?.(prefix) ?? this.grammar.allowedNextTokens(prefix);
      let best = -1;
      let bestLogit = -Infinity;
      for (let v = 0; v < vocabSize; v++) {
        if (!allowed[v]) continue;
        let logit = outB[v];
        for (let j = 0; j < hidden; j++) logit += trace.hs[base + b * hidden + j] * outW[j * vocabSize + v];
        if (best < 0 || logit > bestLogit) [best, bestLogit] = [v, logit];
      }
      if (best < 0) throw new Error(`the grammar allows no token after prefix [${prefix.join(', ')}]`);
      prefix.push(best);
      cursors?.[b].push(best);
    });
  }

  /**
   * f_acc (and f_flops) on latent codes, in the data's units.
   * @param z [batch][latentDim].
   * @throws RangeError when a row of z has the wrong length or a non-finite value.
   */
  predict(z: readonly (readonly number[])[]): Prediction {
    this.checkLatent(z);
    return scoped(() => {
      const zt = tf.tensor2d(z as number[][], [z.length, this.config.latentDim]);
      const acc = Array.from(predictAccuracy(this.weights, zt).dataSync(), (v) => denormalise(v, this.norm.accuracy));
      const flops = this.config.flopsPredictor ? Array.from(predictFlops(this.weights, zt).dataSync(), (v) => denormalise(v, this.norm.flops!)) : null;
      return { accuracy: acc, flopsM: flops };
    });
  }

  /**
   * ∂f_acc/∂z and ∂f_flops/∂z (normalised predictor outputs) for each row of z; the gradient
   * directions of Eq 7. @returns [batch][latentDim] each; flops null when its predictor is off.
   */
  predictorGradients(z: readonly (readonly number[])[]): { accuracy: number[][]; flops: number[][] | null } {
    this.checkLatent(z);
    return scoped(() => {
      const zt = tf.tensor2d(z as number[][], [z.length, this.config.latentDim]);
      const accuracy = (tf.grad((x: tf.Tensor) => tf.sum(predictAccuracy(this.weights, x as tf.Tensor2D)))(zt) as tf.Tensor2D).arraySync();
      const flops = this.config.flopsPredictor ? (tf.grad((x: tf.Tensor) => tf.sum(predictFlops(this.weights, x as tf.Tensor2D)))(zt) as tf.Tensor2D).arraySync() : null;
      return { accuracy, flops };
    });
  }

  /**
   * Write `controller.json` (format, config, normalisation, weight names/shapes) and
   * `weights.bin` (float32, little-endian, in that order) into `dir` (created if missing).
   * Adam's moments are not saved: a loaded controller restarts its optimiser.
   */
  save(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const { manifest, bytes } = this.saved();
    writeFileSync(join(dir, 'controller.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(dir, 'weights.bin'), bytes);
  }

  /** What `save` writes, in memory: controller.json's object and weights.bin's bytes (`fromSaved` takes them back). */
  saved(): { manifest: SavedManifest; bytes: Uint8Array } {
    const entries = [...this.weights.entries()];
    const arrays = entries.map(([, v]) => v.dataSync() as Float32Array);
    const total = arrays.reduce((s, a) => s + a.length, 0);
    const bytes = new Uint8Array(total * 4);
    const view = new DataView(bytes.buffer);
    let offset = 0;
    for (const a of arrays) {
      for (let i = 0; i < a.length; i++) view.setFloat32((offset + i) * 4, a[i], true);
      offset += a.length;
    }
    return { manifest: { format: FORMAT, version: FORMAT_VERSION, config: this.config, normalisation: this.norm, weights: entries.map(([name, v]) => ({ name, shape: v.shape })) }, bytes };
  }

  /**
   * A controller saved by `save`, bound to `grammar` (which must have the saved sequence length
   * and vocabulary size).
   * @throws Error naming the file and the mismatch for a wrong format/version, a grammar
   *   mismatch, unexpected weight names/shapes or a weights.bin of the wrong size.
   */
  static load(dir: string, grammar: TokenGrammar): Controller {
    const file = join(dir, 'controller.json');
    return Controller.fromSaved(JSON.parse(readFileSync(file, 'utf8')), readFileSync(join(dir, 'weights.bin')), grammar, { manifest: file, weights: join(dir, 'weights.bin') });
  }

  /**
   * A controller from what `save` writes, already read: the parsed `controller.json` and the bytes of
   * `weights.bin` (a page that embeds a saved controller builds it with this; no file system needed).
   * @param names what to call the two in errors (their paths).
   * @throws Error as `load`.
   */
  static fromSaved(manifest: SavedManifest, bytes: Uint8Array, grammar: TokenGrammar, names: { manifest: string; weights: string } = { manifest: 'controller.json', weights: 'weights.bin' }): Controller {
    const file = names.manifest;
    if (manifest.format !== FORMAT || manifest.version !== FORMAT_VERSION) {
      throw new Error(`${file}: not a ${FORMAT} v${FORMAT_VERSION} file: got format ${manifest.format} v${manifest.version}`);
    }
    const config = manifest.config as ControllerConfig;
    validateConfig(config);
    if (config.sequenceLength !== grammar.sequenceLength || config.vocabSize !== grammar.vocabSize) {
      throw new Error(`${file}: saved for sequences ${config.sequenceLength} × vocab ${config.vocabSize}, grammar has ${grammar.sequenceLength} × ${grammar.vocabSize}`);
    }
    const expected = weightShapes(config);
    const saved = manifest.weights as { name: string; shape: number[] }[];
    if (JSON.stringify(saved.map((w) => [w.name, w.shape])) !== JSON.stringify(expected.map(([n, s]) => [n, s]))) {
      throw new Error(`${file}: weight names/shapes do not match the saved config`);
    }
    const total = expected.reduce((s, [, shape]) => s + shape.reduce((x, y) => x * y, 1), 0);
    if (bytes.length !== total * 4) throw new Error(`${names.weights}: expected ${total * 4} bytes: got ${bytes.length}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const weights: Weights = new Map();
    let offset = 0;
    for (const [name, shape] of expected) {
      const size = shape.reduce((x, y) => x * y, 1);
      const values = Float32Array.from({ length: size }, (_, i) => view.getFloat32((offset + i) * 4, true));
      weights.set(name, toVariable(values, shape));
      offset += size;
    }
    return new Controller(grammar, config, weights, manifest.normalisation as Controller['norm']);
  }

  /** Free every weight and the optimiser's state. The controller is unusable afterwards. */
  dispose(): void {
    tf.dispose([...this.weights.values()]);
    this.optimizer.dispose();
  }

  private checkTokens(tokens: readonly (readonly number[])[]): void {
    if (!Array.isArray(tokens) || tokens.length === 0) throw new RangeError(`need at least one token sequence: got ${Array.isArray(tokens) ? 0 : typeof tokens}`);
    const { sequenceLength, vocabSize } = this.config;
    tokens.forEach((seq, i) => {
      if (!Array.isArray(seq) || seq.length !== sequenceLength) throw new RangeError(`sequence ${i} must have ${sequenceLength} tokens: got ${Array.isArray(seq) ? seq.length : typeof seq}`);
      const bad = seq.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= vocabSize);
      if (bad >= 0) throw new RangeError(`sequence ${i}, position ${bad}: token must be an integer in 0..${vocabSize - 1}: got ${seq[bad]}`);
    });
  }

  private checkLatent(z: readonly (readonly number[])[]): void {
    if (!Array.isArray(z) || z.length === 0) throw new RangeError('need at least one latent code');
    z.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== this.config.latentDim) throw new RangeError(`latent code ${i} must have ${this.config.latentDim} values: got ${Array.isArray(row) ? row.length : typeof row}`);
      if (!row.every(Number.isFinite)) throw new RangeError(`latent code ${i} has a non-finite value`);
    });
  }

  private checkData(data: ControllerData): number {
    this.checkTokens(data.tokens);
    const n = data.tokens.length;
    if (data.accuracy.length !== n) throw new RangeError(`accuracy must have one value per sequence: got ${data.accuracy.length} (expected ${n})`);
    if (!data.accuracy.every(Number.isFinite)) throw new RangeError('accuracy has a non-finite value');
    if (this.config.flopsPredictor) {
      if (!data.flopsM || data.flopsM.length !== n) throw new RangeError(`flopsM must have one value per sequence when the FLOPs predictor is on: got ${data.flopsM?.length ?? 'none'} (expected ${n})`);
      if (!data.flopsM.every(Number.isFinite)) throw new RangeError('flopsM has a non-finite value');
    }
    return n;
  }
}

/**
 * A new controller for a grammar (any `SearchSpace` fits), weights drawn from `options.seed`.
 * @throws RangeError for an out-of-range option (see `resolveConfig`).
 */
export function createController(grammar: TokenGrammar, options: ControllerOptions = {}): Controller {
  const config = resolveConfig(grammar, options);
  return new Controller(grammar, config, initWeights(config));
}

function checkTrainOptions(options: TrainOptions): void {
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new RangeError(`epochs must be an integer ≥ 1: got ${options.epochs}`);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batchSize must be an integer ≥ 1: got ${options.batchSize}`);
  if (options.maxSteps !== undefined && !(Number.isInteger(options.maxSteps) && options.maxSteps >= 1)) throw new RangeError(`maxSteps must be an integer ≥ 1: got ${options.maxSteps}`);
}

/** Mean and std of a target; std falls back to 1 when all values are equal (nothing to scale). */
function normalisation(values: readonly number[]): Normalisation {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std: std > 0 ? std : 1 };
}

function normalise(value: number, norm: Normalisation): number {
  return (value - norm.mean) / norm.std;
}

function denormalise(value: number, norm: Normalisation): number {
  return value * norm.std + norm.mean;
}

/** One-hot rows [batch, depth] for one token per sequence, with the sequence's z appended when given ([batch, depth + latentDim]). */
function oneHotRows(tokens: readonly number[], depth: number, latent: readonly (readonly number[])[] | null = null): Float32Array {
  const width = depth + (latent?.[0].length ?? 0);
  const out = new Float32Array(tokens.length * width);
  tokens.forEach((t, b) => {
    out[b * width + t] = 1;
    if (latent !== null) out.set(latent[b], b * width + depth);
  });
  return out;
}
