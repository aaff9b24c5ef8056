// Unlabelled pretraining of the controller's encoder/decoder (the β-VAE part of Eq 5) on a fixed
// set of token sequences, with checkpoints that make a killed run resume to the very same weights.
// Space-agnostic (tokens and a grammar in, a controller out); caching by config lives in experiments/.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../random';
import type { ControllerConfig, TokenGrammar } from './config';
import { Controller } from './controller';
import { initWeights } from './model';

/** The schedule of a pretraining run. */
export interface PretrainSchedule {
  /** Adam steps (≥ 1). */
  readonly steps: number;
  /** Sequences per step (≥ 1). */
  readonly batchSize: number;
  /** Seeds the epoch shuffles, ε and word dropout (weights are seeded by `config.seed`). */
  readonly seed: number;
  /** Write a checkpoint every this many steps (≥ 1; default 500). */
  readonly checkpointEvery?: number;
  /** Record a curve point (mean rec and KL since the last point) every this many steps (default 100). */
  readonly logEvery?: number;
  /** 'cosine': the learning rate falls from config.learningRate to 0 along a half cosine over the steps; 'constant' (default). */
  readonly learningRateDecay?: 'constant' | 'cosine';
}

/**
 * Token sequences of one length in one flat byte array: 400,000 sequences as 400,000 JavaScript
 * arrays make a heap whose garbage collection costs the training loop a large share of its time.
 */
export interface PackedSequences {
  readonly count: number;
  readonly length: number;
  /** count·length tokens, sequence after sequence (tokens < 256). */
  readonly data: Uint8Array;
}

/**
 * Pack sequences of equal length into `PackedSequences`.
 * @throws RangeError for ragged sequences or a token outside 0..255.
 */
export function packSequences(sequences: readonly (readonly number[])[]): PackedSequences {
  const length = sequences[0]?.length ?? 0;
  const data = new Uint8Array(sequences.length * length);
  sequences.forEach((seq, i) => {
    if (seq.length !== length) throw new RangeError(`sequence ${i} has ${seq.length} tokens (expected ${length})`);
    seq.forEach((t, p) => {
      if (!Number.isInteger(t) || t < 0 || t > 255) throw new RangeError(`sequence ${i}, position ${p}: token must be an integer in 0..255: got ${t}`);
      data[i * length + p] = t;
    });
  });
  return { count: sequences.length, length, data };
}

/** Sequence `i` of a packed table as a plain array. */
function sequenceAt(table: PackedSequences, i: number): number[] {
  return Array.from(table.data.subarray(i * table.length, (i + 1) * table.length));
}

/** One point of the training curve: means over the steps since the previous point. */
export interface CurvePoint {
  readonly step: number;
  readonly seconds: number;
  /** Reconstruction NLL, nats per sequence. */
  readonly rec: number;
  /** KL(q(z|x) ‖ N(0, I)) summed over latent units, nats per sequence. */
  readonly kl: number;
}

/** Options of `pretrainController`. */
export interface PretrainOptions {
  readonly grammar: TokenGrammar;
  readonly config: ControllerConfig;
  /** Training sequences (every cell of the space but the held-out ones), packed (see `packSequences`). */
  readonly tokens: PackedSequences;
  readonly schedule: PretrainSchedule;
  /** Folder for checkpoints; a checkpoint found there (same config and schedule) is resumed. null: none. */
  readonly checkpointDir: string | null;
  /** Called after every step with the step number and the curve so far (progress bars). */
  readonly onStep?: (step: number, curve: readonly CurvePoint[]) => void;
  /** Stop (as if killed) after this step, keeping only what the last checkpoint saved. Tests use it. */
  readonly stopAfter?: number;
}

/** A finished (or stopped) run. */
export interface PretrainRun {
  readonly controller: Controller;
  readonly curve: readonly CurvePoint[];
  /** Steps completed (equals schedule.steps unless stopped). */
  readonly steps: number;
  /** Step the run resumed from (0 for a fresh start). */
  readonly resumedFrom: number;
  /** Wall seconds of this call's training (not counting time before a resume). */
  readonly seconds: number;
}

const CHECKPOINT_FORMAT = 'dnas-pretrain-checkpoint';

/**
 * Pretrain the encoder and decoder on `tokens` without labels: each step takes the next
 * `batchSize` sequences of the epoch's shuffle (`Rng(seed).fork('epoch-e')`), draws ε and word
 * dropout from `Rng(seed).fork('step-s')`, and takes one Adam step on reconstruction + KL
 * (config's objective). Because every draw is a function of (seed, step), a run resumed from a
 * checkpoint (weights, Adam moments, step, curve) ends with the same weights as an uninterrupted one.
 * @throws RangeError for a bad schedule or empty data; Error when a checkpoint is unreadable or
 *   was written for another config (naming the file), or the loss diverges.
 */
export async function pretrainController(options: PretrainOptions): Promise<PretrainRun> {
  const { grammar, config, tokens, schedule } = options;
  checkSchedule(schedule, tokens.count);
  const checkpointEvery = schedule.checkpointEvery ?? 500;
  const logEvery = schedule.logEvery ?? 100;
  const controller = new Controller(grammar, config, initWeights(config));
  const identity = JSON.stringify({ config, schedule: { steps: schedule.steps, batchSize: schedule.batchSize, seed: schedule.seed, decay: schedule.learningRateDecay ?? 'constant' }, sequences: tokens.count });
  let curve: CurvePoint[] = [];
  let step = 0;
  if (options.checkpointDir !== null) {
    const resumed = await readCheckpoint(options.checkpointDir, identity, controller);
    if (resumed !== null) ({ step, curve } = resumed);
  }
  const resumedFrom = step;
  const started = Date.now();
  const secondsBefore = curve.length > 0 ? curve[curve.length - 1].seconds : 0;
  const perEpoch = Math.floor(tokens.count / schedule.batchSize);
  let order: number[] = [];
  let orderEpoch = -1;
  let sums = { rec: 0, kl: 0, n: 0 };
  while (step < schedule.steps) {
    const epoch = Math.floor(step / perEpoch);
    if (epoch !== orderEpoch) {
      order = new Rng(schedule.seed).fork(`epoch-${epoch}`).shuffle(Array.from({ length: tokens.count }, (_, i) => i));
      orderEpoch = epoch;
    }
    const start = (step % perEpoch) * schedule.batchSize;
    const batch = order.slice(start, start + schedule.batchSize).map((i) => sequenceAt(tokens, i));
    if (schedule.learningRateDecay === 'cosine') controller.setLearningRate(config.learningRate * 0.5 * (1 + Math.cos((Math.PI * step) / schedule.steps)));
    const terms = controller.pretrainStep(batch, new Rng(schedule.seed).fork(`step-${step}`));
    step++;
    sums = { rec: sums.rec + terms.rec, kl: sums.kl + terms.kl, n: sums.n + 1 };
    if (step % logEvery === 0 || step === schedule.steps) {
      curve.push({ step, seconds: secondsBefore + (Date.now() - started) / 1000, rec: sums.rec / sums.n, kl: sums.kl / sums.n });
      sums = { rec: 0, kl: 0, n: 0 };
    }
    options.onStep?.(step, curve);
    // Give the event loop a turn now and then: timers of this thread (a cache entry's lock refresh,
    // progress) run there. Scheduling only: the arithmetic and its order are unchanged.
    if (step % logEvery === 0) await new Promise((resolve) => setImmediate(resolve));
    if (options.checkpointDir !== null && step % checkpointEvery === 0 && step < schedule.steps) {
      await writeCheckpoint(options.checkpointDir, identity, controller, step, curve);
    }
    if (options.stopAfter !== undefined && step >= options.stopAfter) break;
  }
  return { controller, curve, steps: step, resumedFrom, seconds: (Date.now() - started) / 1000 };
}

function checkSchedule(schedule: PretrainSchedule, sequences: number): void {
  for (const [name, value] of [['steps', schedule.steps], ['batchSize', schedule.batchSize], ['checkpointEvery', schedule.checkpointEvery ?? 1], ['logEvery', schedule.logEvery ?? 1]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1: got ${value}`);
  }
  const decay = schedule.learningRateDecay ?? 'constant';
  if (decay !== 'constant' && decay !== 'cosine') throw new RangeError(`learningRateDecay must be 'constant' or 'cosine': got ${String(decay)}`);
  if (!Number.isInteger(schedule.seed) || schedule.seed < 0) throw new RangeError(`seed must be a non-negative integer: got ${schedule.seed}`);
  if (sequences < schedule.batchSize) throw new RangeError(`need at least batchSize = ${schedule.batchSize} training sequences: got ${sequences}`);
}

/**
 * Write weights, Adam's state, the step and the curve into `<dir>/checkpoint` atomically (a
 * temporary folder renamed over the old one), so a kill mid-write leaves the previous checkpoint.
 */
async function writeCheckpoint(dir: string, identity: string, controller: Controller, step: number, curve: readonly CurvePoint[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `checkpoint.${process.pid}.tmp`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  const weights = [...controller.weightValues()];
  const optimizer = await controller.optimizerState();
  writeFileSync(join(temp, 'weights.bin'), concatFloats(weights.map(([, v]) => v)));
  writeFileSync(join(temp, 'optimizer.bin'), concatFloats(optimizer.map((o) => o.values)));
  const state = { format: CHECKPOINT_FORMAT, identity, step, curve, weights: weights.map(([name, v]) => ({ name, size: v.length })), optimizer: optimizer.map((o) => o.shape), optimizerNames: optimizer.map((o) => o.name) };
  writeFileSync(join(temp, 'state.json'), `${JSON.stringify(state)}\n`);
  const target = join(dir, 'checkpoint');
  const old = join(dir, `checkpoint.${process.pid}.old`);
  if (existsSync(target)) renameSync(target, old);
  renameSync(temp, target);
  rmSync(old, { recursive: true, force: true });
}

/** Load `<dir>/checkpoint` into `controller` when it belongs to this run; null when there is none. */
async function readCheckpoint(dir: string, identity: string, controller: Controller): Promise<{ step: number; curve: CurvePoint[] } | null> {
  const folder = join(dir, 'checkpoint');
  const file = join(folder, 'state.json');
  if (!existsSync(file)) return null;
  const state = JSON.parse(readFileSync(file, 'utf8')) as { format: string; identity: string; step: number; curve: CurvePoint[]; weights: { name: string; size: number }[]; optimizer: number[][]; optimizerNames?: string[] };
  if (state.format !== CHECKPOINT_FORMAT) throw new Error(`${file}: not a ${CHECKPOINT_FORMAT} file: got format ${String(state.format)}`);
  if (state.identity !== identity) throw new Error(`${file}: checkpoint of another run (config, schedule or data differ); delete ${folder} to start over`);
  const weights = splitFloats(readFileSync(join(folder, 'weights.bin')), state.weights.map((w) => w.size), join(folder, 'weights.bin'));
  controller.setWeightValues(new Map(state.weights.map((w, i) => [w.name, weights[i]])));
  const sizes = state.optimizer.map((shape) => shape.reduce((a, b) => a * b, 1));
  const moments = splitFloats(readFileSync(join(folder, 'optimizer.bin')), sizes, join(folder, 'optimizer.bin'));
  await controller.restoreOptimizer(state.optimizer.map((shape, i) => ({ name: state.optimizerNames?.[i], shape, values: moments[i] })), state.step);
  return { step: state.step, curve: state.curve };
}

function concatFloats(arrays: readonly Float32Array[]): Buffer {
  const total = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

function splitFloats(bytes: Buffer, sizes: readonly number[], file: string): Float32Array[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (bytes.length !== total * 4) throw new Error(`${file}: expected ${total * 4} bytes: got ${bytes.length}`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out: Float32Array[] = [];
  let offset = 0;
  for (const size of sizes) {
    out.push(all.slice(offset, offset + size));
    offset += size;
  }
  return out;
}
