// An ensemble of small multilayer perceptrons: BANANAS's accuracy predictor with a mean and a
// spread per cell, on sparse one-hot token encodings or on dense features (e.g. latent codes, with
// gradients of the prediction for moving them). Plain typed-array math, seeded; no search logic.
import type { Rng } from '../random';

/** Settings of the ensemble; defaults are ours, scaled to a 2-core CPU (see MLP_ENSEMBLE_DEFAULTS). */
export interface MlpEnsembleOptions {
  /** Networks in the ensemble (BANANAS: 5). */
  readonly members?: number;
  /** Width of each hidden layer (BANANAS: 10 layers of 20; here 2 layers of 32). */
  readonly hidden?: readonly number[];
  /** Full passes over the data (BANANAS: 200). */
  readonly epochs?: number;
  /** Adam learning rate (BANANAS: 0.01). */
  readonly learningRate?: number;
  /** Examples per Adam step. */
  readonly batchSize?: number;
  /**
   * Stop each member after this many Adam steps, mid-epoch if need be (default: no limit). Keeps a
   * refit's cost flat as the data grows, where a search refits after every batch of queries.
   */
  readonly maxSteps?: number;
}

/** The settings with every field but maxSteps filled in (maxSteps only when given, so older settings stay equal). */
export type ResolvedEnsembleOptions = Required<Omit<MlpEnsembleOptions, 'maxSteps'>> & { readonly maxSteps?: number };

/**
 * Defaults: 5 members and Adam at lr 0.01 as BANANAS (White et al. 2021, §5), with smaller nets
 * (2 hidden layers of 32 instead of 10 of 20) and 100 epochs of batch 32, so a refit on 300 cells
 * takes about a second in JavaScript; trained on z-scored accuracy with squared error (BANANAS
 * fits validation error with MAPE).
 */
export const MLP_ENSEMBLE_DEFAULTS = { members: 5, hidden: [32, 32], epochs: 100, learningRate: 0.01, batchSize: 32 } as const;

/** A cell as the networks see it: the indices of its one-hot features (token t at position p → p·vocab + t). */
export type SparseFeatures = readonly number[];

/** A cell as a dense feature vector (e.g. its latent code), one value per input. */
export type DenseFeatures = Float64Array;

/** Either kind of row; one ensemble is trained and queried on one kind. */
export type Features = SparseFeatures | DenseFeatures;

/** One-hot features of a token sequence: position p with token t is feature p·vocabSize + t. */
export function oneHotFeatures(tokens: readonly number[], vocabSize: number): number[] {
  return tokens.map((t, p) => p * vocabSize + t);
}

/** Predictions of the ensemble for one cell: the members' mean and standard deviation, in accuracy units. */
export interface EnsemblePrediction {
  readonly mean: number;
  readonly std: number;
}

/** Each member's prediction and its gradient with respect to a dense row, in accuracy units. */
export interface EnsembleGradients {
  readonly members: readonly number[];
  /** [member][input] ∂prediction/∂input. */
  readonly gradients: readonly Float64Array[];
}

/** A trained ensemble. */
export interface MlpEnsemble {
  predict(x: Features): EnsemblePrediction;
  /** Per-member predictions and input gradients of a dense row. @throws RangeError for a sparse row or a wrong length. */
  gradients(x: DenseFeatures): EnsembleGradients;
}

/**
 * Train an ensemble of MLPs (ReLU, He-uniform init, Adam) to predict `y` from sparse one-hot rows
 * or dense rows. Each member gets its own initial weights and shuffles from `rng` (forked per member).
 * @param x rows of active feature indices, each in 0..inputSize−1; or dense rows of inputSize finite values.
 * @param y targets (accuracies, fractions of 1), one per row.
 * @throws RangeError for fewer than 2 rows, mismatched lengths, a feature index out of range, or a
 *   non-positive size/epoch/rate setting; Error when training produces a non-finite weight.
 */
export function trainMlpEnsemble(x: readonly Features[], y: readonly number[], inputSize: number, rng: Rng, options: MlpEnsembleOptions = {}): MlpEnsemble {
  const settings = resolveEnsembleOptions(options);
  checkData(x, y, inputSize, settings);
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length) || 1;
  const targets = y.map((v) => (v - mean) / std);
  const nets = Array.from({ length: settings.members }, (_, m) => {
    const net = new Mlp([inputSize, ...settings.hidden, 1], rng.fork(`member-${m}`));
    net.fit(x, targets, settings, rng.fork(`shuffle-${m}`));
    return net;
  });
  return {
    predict(row) {
      checkRow(row, inputSize, 'row');
      const outs = nets.map((n) => n.forward(row) * std + mean);
      const mu = outs.reduce((a, b) => a + b, 0) / outs.length;
      return { mean: mu, std: Math.sqrt(outs.reduce((a, b) => a + (b - mu) ** 2, 0) / outs.length) };
    },
    gradients(row) {
      if (!(row instanceof Float64Array)) throw new RangeError('gradients need a dense row (Float64Array)');
      checkRow(row, inputSize, 'row');
      const members = nets.map((n) => n.forward(row) * std + mean);
      const gradients = nets.map((n) => n.inputGradient(row).map((g) => g * std));
      return { members, gradients };
    },
  };
}

/** The settings with every field given or defaulted (an option passed as undefined takes its default). */
export function resolveEnsembleOptions(options: MlpEnsembleOptions = {}): ResolvedEnsembleOptions {
  return {
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    members: options.members ?? MLP_ENSEMBLE_DEFAULTS.members,
    hidden: options.hidden ?? MLP_ENSEMBLE_DEFAULTS.hidden,
    epochs: options.epochs ?? MLP_ENSEMBLE_DEFAULTS.epochs,
    learningRate: options.learningRate ?? MLP_ENSEMBLE_DEFAULTS.learningRate,
    batchSize: options.batchSize ?? MLP_ENSEMBLE_DEFAULTS.batchSize,
  };
}

function checkData(x: readonly Features[], y: readonly number[], inputSize: number, settings: ResolvedEnsembleOptions): void {
  if (x.length < 2) throw new RangeError(`the ensemble needs at least 2 training rows: got ${x.length}`);
  if (x.length !== y.length) throw new RangeError(`x has ${x.length} rows but y has ${y.length} targets`);
  for (const [name, value] of [['members', settings.members], ['epochs', settings.epochs], ['batchSize', settings.batchSize], ['inputSize', inputSize], ['maxSteps', settings.maxSteps ?? 1]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer: got ${value}`);
  }
  if (settings.hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new RangeError(`hidden widths must be positive integers: got [${settings.hidden.join(', ')}]`);
  if (!(settings.learningRate > 0 && Number.isFinite(settings.learningRate))) throw new RangeError(`learningRate must be a finite number > 0: got ${settings.learningRate}`);
  const dense = x[0] instanceof Float64Array;
  x.forEach((row, i) => {
    if ((row instanceof Float64Array) !== dense) throw new RangeError(`row ${i} is ${dense ? 'sparse' : 'dense'} but row 0 is ${dense ? 'dense' : 'sparse'}`);
    checkRow(row, inputSize, `row ${i}`);
  });
}

/** A sparse row's indices in 0..inputSize−1, or a dense row of inputSize finite values. */
function checkRow(row: Features, inputSize: number, name: string): void {
  if (row instanceof Float64Array) {
    if (row.length !== inputSize) throw new RangeError(`${name} has ${row.length} values (expected ${inputSize})`);
    if (!row.every(Number.isFinite)) throw new RangeError(`${name} has a non-finite value`);
    return;
  }
  const bad = row.find((f) => !Number.isInteger(f) || f < 0 || f >= inputSize);
  if (bad !== undefined) throw new RangeError(`${name}: feature index ${bad} outside 0..${inputSize - 1}`);
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/** One network: dense layers with ReLU between them and a linear output; the first layer reads sparse or dense rows. */
class Mlp {
  private readonly sizes: readonly number[];
  /** Per layer: weights [in × out] row-major, biases [out], and their Adam moments. */
  private readonly w: Float64Array[];
  private readonly b: Float64Array[];
  private readonly mw: Float64Array[];
  private readonly vw: Float64Array[];
  private readonly mb: Float64Array[];
  private readonly vb: Float64Array[];
  private step = 0;
  /** Buffers: each layer's activations, and the backpropagated gradient at each layer's input. */
  private readonly acts: Float64Array[];
  private readonly deltas: Float64Array[];

  constructor(sizes: readonly number[], rng: Rng) {
    this.sizes = sizes;
    const layers = sizes.length - 1;
    this.w = Array.from({ length: layers }, (_, l) => {
      const limit = Math.sqrt(6 / sizes[l]);
      return Float64Array.from({ length: sizes[l] * sizes[l + 1] }, () => rng.uniformIn(-limit, limit));
    });
    this.b = Array.from({ length: layers }, (_, l) => new Float64Array(sizes[l + 1]));
    this.mw = this.w.map((w) => new Float64Array(w.length));
    this.vw = this.w.map((w) => new Float64Array(w.length));
    this.mb = this.b.map((b) => new Float64Array(b.length));
    this.vb = this.b.map((b) => new Float64Array(b.length));
    this.acts = this.b.map((b) => new Float64Array(b.length));
    this.deltas = sizes.map((n) => new Float64Array(n));
  }

  /**
   * Activations of every layer for one row (index 0: the first hidden layer); the last holds the
   * output. The arrays are this network's buffers, overwritten by the next call (no allocation per
   * row: the fit runs this hundreds of thousands of times).
   */
  private activations(row: Features): Float64Array[] {
    const layers = this.sizes.length - 1;
    const acts = this.acts;
    let prev: Float64Array | null = null;
    for (let l = 0; l < layers; l++) {
      const out = this.sizes[l + 1];
      const a = acts[l];
      a.set(this.b[l]);
      const w = this.w[l];
      if (prev === null && !(row instanceof Float64Array)) {
        for (let k = 0; k < row.length; k++) {
          const base = row[k] * out;
          for (let j = 0; j < out; j++) a[j] += w[base + j];
        }
      } else {
        if (prev === null) prev = row as Float64Array;
        for (let i = 0; i < prev.length; i++) {
          const v = prev[i];
          const base = i * out;
          if (v !== 0) for (let j = 0; j < out; j++) a[j] += v * w[base + j];
        }
      }
      if (l < layers - 1) for (let j = 0; j < out; j++) if (a[j] < 0) a[j] = 0;
      prev = a;
    }
    return acts;
  }

  forward(row: Features): number {
    const acts = this.activations(row);
    return acts[acts.length - 1][0];
  }

  fit(x: readonly Features[], y: readonly number[], settings: ResolvedEnsembleOptions, rng: Rng): void {
    const { epochs, batchSize, learningRate: lr } = settings;
    const maxSteps = settings.maxSteps ?? Infinity;
    const gw = this.w.map((w) => new Float64Array(w.length));
    const gb = this.b.map((b) => new Float64Array(b.length));
    for (let epoch = 0; epoch < epochs && this.step < maxSteps; epoch++) {
      const order = rng.shuffle(x.map((_, i) => i));
      for (let start = 0; start < order.length && this.step < maxSteps; start += batchSize) {
        const batch = order.slice(start, start + batchSize);
        gw.forEach((g) => g.fill(0));
        gb.forEach((g) => g.fill(0));
        for (const i of batch) this.accumulate(x[i], y[i], gw, gb, 2 / batch.length);
        this.adam(gw, gb, lr);
      }
    }
    if (!this.w.every((w) => w.every(Number.isFinite))) throw new Error(`MLP training diverged (non-finite weight) at lr ${lr}`);
  }

  /** ∂output/∂input of a dense row (a copy: the network's buffers are reused by the next call). */
  inputGradient(row: DenseFeatures): Float64Array {
    return Float64Array.from(this.backprop(row, this.activations(row), 1, null, null)!);
  }

  /** Add d(scale · (out − target)²/2·…)/dθ for one row: backprop of squared error (scale = 2/batch gives the batch mean). */
  private accumulate(row: Features, target: number, gw: Float64Array[], gb: Float64Array[], scale: number): void {
    const acts = this.activations(row);
    this.backprop(row, acts, scale * (acts[acts.length - 1][0] - target), gw, gb);
  }

  /**
   * Backpropagate `outGrad` (∂loss/∂output) from the output: adds the weight gradients into gw, gb
   * when given, and returns ∂loss/∂input for a dense row (this network's buffer, overwritten by the
   * next call), null for a sparse one. Nothing is allocated: the fit calls this once per row.
   */
  private backprop(row: Features, acts: Float64Array[], outGrad: number, gw: Float64Array[] | null, gb: Float64Array[] | null): Float64Array | null {
    const layers = this.sizes.length - 1;
    let delta = this.deltas[layers];
    delta[0] = outGrad;
    for (let l = layers - 1; l >= 0; l--) {
      const out = this.sizes[l + 1];
      if (gb !== null) for (let j = 0; j < out; j++) gb[l][j] += delta[j];
      if (l === 0 && !(row instanceof Float64Array)) {
        if (gw !== null) {
          const g0 = gw[0];
          for (let k = 0; k < row.length; k++) {
            const base = row[k] * out;
            for (let j = 0; j < out; j++) g0[base + j] += delta[j];
          }
        }
        return null;
      }
      const input = l === 0;
      const prev = input ? (row as Float64Array) : acts[l - 1];
      const w = this.w[l];
      const back = this.deltas[l];
      const g = gw === null ? null : gw[l];
      for (let i = 0; i < prev.length; i++) {
        const p = prev[i];
        // A hidden unit at 0 had its ReLU off: no gradient flows to or through it (an input of 0 still has one).
        if (p === 0 && !input) {
          back[i] = 0;
          continue;
        }
        const base = i * out;
        let s = 0;
        if (g !== null) for (let j = 0; j < out; j++) g[base + j] += p * delta[j];
        for (let j = 0; j < out; j++) s += w[base + j] * delta[j];
        back[i] = s;
      }
      delta = back;
    }
    return delta;
  }

  private adam(gw: Float64Array[], gb: Float64Array[], lr: number): void {
    this.step++;
    const c1 = 1 - ADAM_BETA1 ** this.step;
    const c2 = 1 - ADAM_BETA2 ** this.step;
    for (let l = 0; l < this.w.length; l++) {
      adamUpdate(this.w[l], gw[l], this.mw[l], this.vw[l], lr, c1, c2);
      adamUpdate(this.b[l], gb[l], this.mb[l], this.vb[l], lr, c1, c2);
    }
  }
}

/** One Adam update of `p` from its gradient `g` and moments `m`, `v`; c1, c2 are the bias corrections of this step. */
function adamUpdate(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, lr: number, c1: number, c2: number): void {
  for (let k = 0; k < p.length; k++) {
    const gk = g[k];
    if (gk === 0 && m[k] === 0) continue; // untouched one-hot rows: skipping keeps them exactly as they were
    const mk = ADAM_BETA1 * m[k] + (1 - ADAM_BETA1) * gk;
    const vk = ADAM_BETA2 * v[k] + (1 - ADAM_BETA2) * gk * gk;
    m[k] = mk;
    v[k] = vk;
    p[k] -= (lr * (mk / c1)) / (Math.sqrt(vk / c2) + ADAM_EPSILON);
  }
}
