// A single-layer LSTM over a whole sequence as ONE differentiable TF.js op: the recurrent
// matMuls run on the backend, the gate arithmetic and its backward pass in plain JS loops.
// It knows nothing about tokens, encoders or losses; `lstmSequenceReference` is the slow twin.
import * as tf from '@tensorflow/tfjs';
import { StepProduct } from './step-product';

/**
 * Shapes of one LSTM pass. Layout is time-major: row `t·batch + b` is step t of sequence b.
 * Gates are packed in PyTorch's order [i, f, g, o], each `hidden` columns wide.
 */
interface LstmShape {
  readonly steps: number;
  readonly batch: number;
  readonly hidden: number;
}

/** What the forward pass keeps for the backward pass (plain arrays, no tensors to dispose). */
export interface LstmTrace {
  /** h_0..h_T, [(steps+1)·batch·hidden]. */
  readonly hs: Float32Array;
  /** c_0..c_T, same layout. */
  readonly cs: Float32Array;
  /** Gate activations i, f, g, o per step, [steps·batch·4·hidden]. */
  readonly acts: Float32Array;
  /** tanh(c_t) for t = 1..T, [steps·batch·hidden]. */
  readonly tanhC: Float32Array;
}

/**
 * One LSTM step's cell update for the whole batch, in place. `act` holds σ of the gate
 * pre-activations with the g block pre-scaled by 2, so g = tanh(p) = 2σ(2p) − 1: the backend
 * computes one sigmoid for all four gates. Writes acts, c_{t+1}, tanh(c_{t+1}), h_{t+1}.
 */
export function lstmCellForward(act: Float32Array, trace: LstmTrace, t: number, batch: number, hidden: number): void {
  const { hs, cs, acts, tanhC } = trace;
  const bh = batch * hidden;
  const g4 = 4 * hidden;
  const out = t * bh * 4;
  acts.set(act, out);
  const prev = t * bh;
  const next = (t + 1) * bh;
  for (let b = 0; b < batch; b++) {
    const r = out + b * g4;
    const s = b * hidden;
    for (let j = 0; j < hidden; j++) {
      const i = acts[r + j];
      const f = acts[r + hidden + j];
      const g = 2 * acts[r + 2 * hidden + j] - 1;
      acts[r + 2 * hidden + j] = g;
      const c = f * cs[prev + s + j] + i * g;
      // tanh through one exp, inlined: V8's Math.tanh costs ~30 % more (measured).
      const tc = 1 - 2 / (1 + Math.exp(2 * c));
      cs[next + s + j] = c;
      tanhC[prev + s + j] = tc;
      hs[next + s + j] = acts[r + 3 * hidden + j] * tc;
    }
  }
}

/** An empty trace for `steps` steps starting from h0, c0 ([batch·hidden] each). */
export function newTrace(steps: number, batch: number, hidden: number, h0: Float32Array, c0: Float32Array): LstmTrace {
  const bh = batch * hidden;
  const hs = new Float32Array((steps + 1) * bh);
  const cs = new Float32Array((steps + 1) * bh);
  hs.set(h0);
  cs.set(c0);
  return { hs, cs, acts: new Float32Array(steps * bh * 4), tanhC: new Float32Array(steps * bh) };
}

/**
 * The stacked kernel [Wx; Wh; b] with the g-gate columns doubled (see `lstmCellForward`), so
 * one matMul of the row [x_t, h_t, 1] gives all pre-activations. Caller disposes.
 */
export function stackedKernel(inputKernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const hidden = recurrentKernel.shape[0];
    const scale = tf.concat([tf.ones([2 * hidden]), tf.fill([hidden], 2), tf.ones([hidden])]);
    return tf.mul(tf.concat([inputKernel, recurrentKernel, tf.reshape(bias, [1, -1])], 0), scale) as tf.Tensor2D;
  });
}

/**
 * One step of the recurrence for callers that feed inputs step by step (greedy decoding).
 * @param xStep [batch, inputSize] this step's inputs.
 * @param product a `StepProduct` of [batch, inputSize+hidden+1] rows with the `stackedKernel`
 *   (activated), made once for all steps of the pass.
 */
export function lstmStep(trace: LstmTrace, t: number, xStep: Float32Array, product: StepProduct, batch: number, hidden: number): void {
  const inputSize = xStep.length / batch;
  product.run((rows) => stepRows(xStep, 0, trace.hs, t, batch, inputSize, hidden, rows), (act) => lstmCellForward(act, trace, t, batch, hidden));
}

/** Fill `rows` with [x_t, h_t, 1] per sequence. */
function stepRows(x: Float32Array, xOffset: number, hs: Float32Array, t: number, batch: number, inputSize: number, hidden: number, rows: Float32Array): Float32Array {
  const width = inputSize + hidden + 1;
  const bh = batch * hidden;
  for (let b = 0; b < batch; b++) {
    rows.set(x.subarray(xOffset + b * inputSize, xOffset + (b + 1) * inputSize), b * width);
    rows.set(hs.subarray(t * bh + b * hidden, t * bh + (b + 1) * hidden), b * width + inputSize);
    rows[b * width + width - 1] = 1;
  }
  return rows;
}

/** A forward pass's trace and the matMul rows [x_t, h_t, 1] of every step, [steps·batch, inputSize+hidden+1] (the weight gradient's operand). */
interface ForwardPass {
  readonly trace: LstmTrace;
  readonly rows: Float32Array;
}

function forward(x: Float32Array, kernel: tf.Tensor2D, h0: Float32Array, c0: Float32Array, shape: LstmShape, inputSize: number): ForwardPass {
  const { steps, batch, hidden } = shape;
  const trace = newTrace(steps, batch, hidden, h0, c0);
  const width = inputSize + hidden + 1;
  const rows = new Float32Array(steps * batch * width);
  const product = new StepProduct(batch, width, kernel, true);
  for (let t = 0; t < steps; t++) {
    const stepRowsOf = stepRows(x, t * batch * inputSize, trace.hs, t, batch, inputSize, hidden, rows.subarray(t * batch * width, (t + 1) * batch * width));
    product.run((values) => values.set(stepRowsOf), (act) => lstmCellForward(act, trace, t, batch, hidden));
  }
  product.dispose();
  return { trace, rows };
}

/**
 * Gradients w.r.t. the gate pre-activations of step t, from dh and the carried dc; updates dc in
 * place. Writes them twice: as this step's rows [batch, 4·hidden] into `step`, and transposed into
 * column t·batch + b of `dGT` [4·hidden, steps·batch] (the weight gradient's left operand).
 */
function cellBackward(trace: LstmTrace, t: number, dh: Float32Array, dc: Float32Array, step: Float32Array, dGT: Float32Array, batch: number, hidden: number): void {
  const { cs, acts, tanhC } = trace;
  const bh = batch * hidden;
  const g4 = 4 * hidden;
  const n = dGT.length / g4;
  for (let b = 0; b < batch; b++) {
    const a = (t * batch + b) * g4;
    const r = b * g4;
    const column = t * batch + b;
    const s = b * hidden;
    for (let j = 0; j < hidden; j++) {
      const i = acts[a + j];
      const f = acts[a + hidden + j];
      const g = acts[a + 2 * hidden + j];
      const o = acts[a + 3 * hidden + j];
      const tc = tanhC[t * bh + s + j];
      const dhj = dh[s + j];
      const dcj = dc[s + j] + dhj * o * (1 - tc * tc);
      const di = dcj * g * i * (1 - i);
      const df = dcj * cs[t * bh + s + j] * f * (1 - f);
      const dg = dcj * i * (1 - g * g);
      const dO = dhj * tc * o * (1 - o);
      step[r + j] = di;
      step[r + hidden + j] = df;
      step[r + 2 * hidden + j] = dg;
      step[r + 3 * hidden + j] = dO;
      dGT[j * n + column] = step[r + j];
      dGT[(hidden + j) * n + column] = step[r + hidden + j];
      dGT[(2 * hidden + j) * n + column] = step[r + 2 * hidden + j];
      dGT[(3 * hidden + j) * n + column] = step[r + 3 * hidden + j];
      dc[s + j] = dcj * f;
    }
  }
}

/**
 * The backward pass. The weight gradient is computed as dKᵀ = dGᵀ·rows ([4·hidden, width]) rather
 * than dK = rowsᵀ·dG: the same products summed in the same order (bit-identical on wasm, tested),
 * but the backend then packs the narrow rows matrix as its right operand instead of the wide dG.
 */
function backward(pass: ForwardPass, dy: Float32Array, inputKernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, shape: LstmShape, inputGradient: boolean): tf.Tensor[] {
  const { trace, rows } = pass;
  const { steps, batch, hidden } = shape;
  const inputSize = inputKernel.shape[0];
  const width = inputSize + hidden + 1;
  const n = steps * batch;
  const g4 = 4 * hidden;
  const bh = batch * hidden;
  const dGT = new Float32Array(g4 * n);
  const dG = inputGradient ? new Float32Array(n * g4) : null;
  const dh = new Float32Array(bh);
  const dc = new Float32Array(bh);
  const whT = tf.transpose(recurrentKernel);
  const product = new StepProduct(batch, g4, whT, false);
  for (let t = steps - 1; t >= 0; t--) {
    for (let k = 0; k < bh; k++) dh[k] += dy[t * bh + k];
    product.run((values) => {
      cellBackward(trace, t, dh, dc, values, dGT, batch, hidden);
      dG?.set(values, t * bh * 4);
    }, (p) => dh.set(p));
  }
  product.dispose();
  whT.dispose();
  return tf.tidy(() => {
    const dKT = tf.matMul(tf.tensor2d(dGT, [g4, n]), tf.tensor2d(rows, [n, width])).dataSync() as Float32Array;
    const dK = new Float32Array(width * g4);
    for (let g = 0; g < g4; g++) for (let k = 0; k < width; k++) dK[k * g4 + g] = dKT[g * width + k];
    const dX = dG !== null ? tf.matMul(tf.tensor2d(dG, [n, g4]), tf.transpose(inputKernel)) : tf.zeros([n, inputSize]);
    const dWx = tf.tensor2d(dK.subarray(0, inputSize * g4), [inputSize, g4]);
    const dWh = tf.tensor2d(dK.subarray(inputSize * g4, (inputSize + hidden) * g4), [hidden, g4]);
    const db = tf.tensor1d(dK.subarray((inputSize + hidden) * g4));
    return [dX, dWx, dWh, db, tf.tensor2d(dh, [batch, hidden]), tf.tensor2d(dc, [batch, hidden])];
  });
}

/** Options of `lstmSequence`. */
export interface LstmOptions {
  /**
   * false when `inputs` are constants (one-hot tokens): their gradient is then zeros instead of
   * a [steps·batch, 4·hidden]×[4·hidden, inputSize] product. Default true.
   */
  readonly inputGradient?: boolean;
  /** 'sequence' (default): every h_t. 'mean': the mean of h_1..h_T (NAO's pooled encoder output), done in JS. */
  readonly output?: 'sequence' | 'mean';
}

/** Mean of h_1..h_T per sequence, [batch·hidden]. */
function meanOverSteps(hs: Float32Array, shape: LstmShape): Float32Array {
  const { steps, batch, hidden } = shape;
  const bh = batch * hidden;
  const out = new Float32Array(bh);
  for (let t = 1; t <= steps; t++) {
    for (let k = 0; k < bh; k++) out[k] += hs[t * bh + k];
  }
  for (let k = 0; k < bh; k++) out[k] /= steps;
  return out;
}

/** The gradient of `meanOverSteps`: dy/T for every step, [steps·batch·hidden]. */
function spreadOverSteps(dy: Float32Array, shape: LstmShape): Float32Array {
  const { steps, batch, hidden } = shape;
  const bh = batch * hidden;
  const out = new Float32Array(steps * bh);
  for (let t = 0; t < steps; t++) {
    for (let k = 0; k < bh; k++) out[t * bh + k] = dy[k] / steps;
  }
  return out;
}

/**
 * The LSTM over a whole sequence as one differentiable op (fast path, default). Matches
 * PyTorch's nn.LSTM: gates = x_t·Wx + h_{t−1}·Wh + b in order [i, f, g, o],
 * c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t). Per step: one matMul of [x_t, h_{t−1}, 1] with the
 * stacked kernel and one sigmoid on the backend; the cell update and the whole backward pass's
 * gate arithmetic in JS (bench/controller.ts measures why: far fewer backend ops).
 * @param inputs [steps·batch, inputSize], time-major (row t·batch + b).
 * @param inputKernel Wx [inputSize, 4·hidden]; @param recurrentKernel Wh [hidden, 4·hidden];
 * @param bias b [4·hidden]; @param h0, c0 [batch, hidden] initial state.
 * @param options see `LstmOptions`.
 * @returns h_1..h_T as [steps·batch, hidden], time-major, or their mean over steps [batch, hidden]
 *   when `options.output` is 'mean'. Gradients flow to all six inputs.
 */
export function lstmSequence(
  inputs: tf.Tensor2D, inputKernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, bias: tf.Tensor1D, h0: tf.Tensor2D, c0: tf.Tensor2D,
  options: LstmOptions = {},
): tf.Tensor2D {
  const inputGradient = options.inputGradient ?? true;
  const meanOutput = options.output === 'mean';
  const [batch, hidden] = h0.shape;
  const inputSize = inputKernel.shape[0];
  const shape = { steps: inputs.shape[0] / batch, batch, hidden };
  const op = tf.customGrad(((xIn: tf.Tensor, wx: tf.Tensor, wh: tf.Tensor, b: tf.Tensor, h: tf.Tensor, c: tf.Tensor, save: tf.GradSaveFunc) => {
    save([wx, wh]);
    const x = xIn.dataSync() as Float32Array;
    const kernel = stackedKernel(wx as tf.Tensor2D, wh as tf.Tensor2D, b as tf.Tensor1D);
    const pass = forward(x, kernel, h.dataSync() as Float32Array, c.dataSync() as Float32Array, shape, inputSize);
    const { trace } = pass;
    kernel.dispose();
    return {
      value: meanOutput ? tf.tensor2d(meanOverSteps(trace.hs, shape), [batch, hidden]) : tf.tensor2d(trace.hs.slice(batch * hidden), [shape.steps * batch, hidden]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const dOut = meanOutput ? spreadOverSteps(dy.dataSync() as Float32Array, shape) : (dy.dataSync() as Float32Array);
        return backward(pass, dOut, saved[0] as tf.Tensor2D, saved[1] as tf.Tensor2D, shape, inputGradient);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(inputs, inputKernel, recurrentKernel, bias, h0, c0) as tf.Tensor2D;
}

/**
 * The same LSTM written with ordinary TF.js ops and automatic differentiation: one fused gate
 * matMul per step, gates taken apart with one split. Slower; kept as the reference the fast op
 * is tested against and as a benchmark variant. Same arguments and result as `lstmSequence`.
 */
export function lstmSequenceReference(
  inputs: tf.Tensor2D, inputKernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, bias: tf.Tensor1D, h0: tf.Tensor2D, c0: tf.Tensor2D,
  options: LstmOptions = {},
): tf.Tensor2D {
  const batch = h0.shape[0];
  const steps = inputs.shape[0] / batch;
  const xProj = tf.split(tf.add(tf.matMul(inputs, inputKernel), bias), steps, 0);
  let h = h0;
  let c = c0;
  const outputs: tf.Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    const gates = tf.add(xProj[t], tf.matMul(h, recurrentKernel));
    const [i, f, g, o] = tf.split(gates, 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    outputs.push(h);
  }
  return options.output === 'mean' ? tf.div(tf.addN(outputs), steps) : tf.concat(outputs, 0);
}
