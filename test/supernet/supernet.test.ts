// Tests of the supernet's weights, single-path training and inherited-weight evaluation
// (lib/supernet/supernet.ts, train.ts, evaluate.ts) at smoke scale on a real Fashion-MNIST slice:
// save → load → identical evaluation, corrupt files, crash and resume, determinism, no leaks.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { channelNormalisation, type Normalisation } from '../../lib/supernet/batches';
import { firstN, loadFashionMnist, splitValidation, type ImageDataset } from '../../lib/supernet/data';
import { evaluateSubnet, recalibrate, type EvaluationData } from '../../lib/supernet/evaluate';
import { LayerChoiceSpace, SMOKE_SPACE, type Architecture } from '../../lib/supernet/space';
import { SUPERNET_FILE, Supernet } from '../../lib/supernet/supernet';
import { trainSupernet, type TrainOptions } from '../../lib/supernet/train';
import { registerWasmConvGradients } from '../../lib/supernet/wasm-conv-gradients';

/** Two smoke sub-networks that share no block: one separable everywhere, one mixed with a skip. */
const SEP: Architecture = ['sep3', 'sep5', 'sep3', 'sep7'];
const MIXED: Architecture = ['xception', 'skip', 'sep7', 'xception'];
const SPACE = new LayerChoiceSpace(SMOKE_SPACE);

/** Small steps keep each test near a second on 2 cores: batch 32 costs ~30 ms a step at smoke scale. */
const BATCH = 32;

let train: ImageDataset;
let norm: Normalisation;
let evalData: EvaluationData;

const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dnas-supernet-'));
  made.push(dir);
  return dir;
}

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  registerWasmConvGradients();
  // 512 training images + 256 held out from the real training split (the test split stays for reports)
  const split = splitValidation(loadFashionMnist({ split: 'train', limit: 768 }), 256, 'supernet-test');
  train = split.train;
  norm = channelNormalisation(train);
  evalData = { calibration: firstN(train, 256), evaluation: split.validation, norm };
});
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function options(extra: Partial<TrainOptions> = {}): TrainOptions {
  return { steps: 8, seed: 2, batchSize: BATCH, sample: (_step, rng) => SPACE.sampleUniform(rng), ...extra };
}

function weightValues(supernet: Supernet): Map<string, Float32Array> {
  return new Map([...supernet.weights].map(([id, v]) => [id, v.dataSync() as Float32Array]));
}

/** Largest |a − b| over every weight; throws when the two supernets do not have the same weights. */
function maxWeightDiff(a: Supernet, b: Supernet): number {
  expect([...b.weights.keys()]).toEqual([...a.weights.keys()]);
  let diff = 0;
  const values = weightValues(b);
  for (const [id, va] of weightValues(a)) {
    const vb = values.get(id)!;
    expect(vb.length).toBe(va.length);
    for (let i = 0; i < va.length; i++) diff = Math.max(diff, Math.abs(va[i] - vb[i]));
  }
  return diff;
}

/** Logits of `arch` on the first 64 evaluation images with recalibrated BN (what evaluateSubnet scores). */
function evaluationLogits(supernet: Supernet, arch: Architecture): Float32Array {
  const stats = recalibrate(supernet, arch, evalData);
  const n = 64;
  const pixels = evalData.evaluation.height * evalData.evaluation.width;
  return tf.tidy(() => {
    const raw = evalData.evaluation.images.subarray(0, n * pixels);
    const x = tf.tensor4d(Float32Array.from(raw, (v) => (v - norm.mean[0]) / norm.std[0]), [n, 28, 28, 1]);
    return supernet.forward(arch, x, { kind: 'fixed', stats }).dataSync() as Float32Array;
  });
}

describe('Supernet', () => {
  it('creates the same weights from the same seed and other weights from another seed', () => {
    const [a, b, c] = [1, 1, 2].map((seed) => Supernet.create(SMOKE_SPACE, seed));
    expect(maxWeightDiff(a, b)).toBe(0);
    expect(maxWeightDiff(a, c)).toBeGreaterThan(0);
    for (const s of [a, b, c]) s.dispose();
  });

  it('returns [n, classes] logits and rejects an architecture outside the space with a RangeError', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 1);
    tf.tidy(() => {
      const x = tf.randomNormal([5, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
      expect(supernet.forward(MIXED, x, { kind: 'batch' }).shape).toEqual([5, 10]);
      expect(() => supernet.forward(['skip', 'sep3', 'sep3', 'sep3'], x, { kind: 'batch' })).toThrow(RangeError);
      expect(() => supernet.forward(['skip', 'sep3', 'sep3', 'sep3'], x, { kind: 'batch' })).toThrow(/layer 0 cannot be "skip"/);
    });
    supernet.dispose();
  });

  it('refuses a fixed-statistics forward pass before recalibration, naming the batch-norm site', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 1);
    tf.tidy(() => {
      const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
      expect(() => supernet.forward(SEP, x, { kind: 'fixed', stats: new Map() })).toThrow(/no recalibrated batch-norm statistics for stem\.bn/);
    });
    supernet.dispose();
  });

  it('disposes every weight variable on dispose', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 1);
    const variables = [...supernet.weights.values()];
    supernet.dispose();
    expect(variables.every((v) => v.isDisposed)).toBe(true);
  });

  // Known bug (reported): Supernet.create wraps each initial tensor in tf.variable without
  // disposing it, so every create leaves one tensor per weight (all initial values) allocated
  // after dispose. Remove `.fails` once lib/supernet/supernet.ts frees them.
  it('returns tf.memory().numTensors to its value before create after dispose', () => {
    const before = tf.memory().numTensors;
    const supernet = Supernet.create(SMOKE_SPACE, 1);
    expect(tf.memory().numTensors).toBe(before + supernet.weights.size);
    supernet.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Supernet save and load', () => {
  let trained: Supernet;
  let dir: string;
  beforeAll(() => {
    trained = Supernet.create(SMOKE_SPACE, 3);
    // Alternating the two evaluated paths gives each 20 steps: enough to beat chance (0.1) clearly, so
    // equal accuracies below are not two equal guesses.
    trainSupernet(trained, train, norm, { ...options({ steps: 40, learningRate: 0.1 }), sample: (step) => (step % 2 === 0 ? SEP : MIXED) });
    dir = tempDir();
  }, 20_000);
  afterAll(() => trained.dispose());

  it('gives identical weights, meta, accuracies and logits after save → load', () => {
    const accuracies = [SEP, MIXED].map((arch) => evaluateSubnet(trained, arch, evalData));
    const logits = [SEP, MIXED].map((arch) => evaluationLogits(trained, arch));
    for (const accuracy of accuracies) expect(accuracy).toBeGreaterThan(0.2);
    trained.save(dir, { note: 'smoke', steps: 40 });
    const { supernet: loaded, meta } = Supernet.load(dir);
    try {
      expect(meta).toEqual({ note: 'smoke', steps: 40 });
      expect(loaded.config).toEqual(SMOKE_SPACE);
      expect(maxWeightDiff(trained, loaded)).toBe(0);
      expect([SEP, MIXED].map((arch) => evaluateSubnet(loaded, arch, evalData))).toEqual(accuracies);
      expect([SEP, MIXED].map((arch) => evaluationLogits(loaded, arch))).toEqual(logits);
    } finally {
      loaded.dispose();
    }
  });

  it('refuses a .bin with one flipped byte, naming the file and the checksum, and leaks nothing', () => {
    const corrupt = tempDir();
    trained.save(corrupt);
    const bin = join(corrupt, `${SUPERNET_FILE}.bin`);
    const bytes = readFileSync(bin);
    bytes[1000] ^= 0x01;
    writeFileSync(bin, bytes);
    const before = tf.memory().numTensors;
    expect(() => Supernet.load(corrupt)).toThrow(new RegExp(`${bin.replace(/[.]/g, '\\.')}: sha256 [0-9a-f]{12}… does not match`));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a folder without its .bin, naming the missing file', () => {
    const missing = tempDir();
    trained.save(missing);
    unlinkSync(join(missing, `${SUPERNET_FILE}.bin`));
    expect(() => Supernet.load(missing)).toThrow(/supernet\.bin/);
  });

  it('refuses weights that do not fit the saved config, naming the weight and both shapes, and leaks nothing', () => {
    const edited = tempDir();
    trained.save(edited);
    const json = join(edited, `${SUPERNET_FILE}.json`);
    const index = JSON.parse(readFileSync(json, 'utf8'));
    index.header.config.stemChannels = 9;
    writeFileSync(json, JSON.stringify(index));
    const before = tf.memory().numTensors;
    expect(() => Supernet.load(edited)).toThrow(/weight stem\.conv has shape \[3,3,1,8\]; the config needs \[3,3,1,9\]/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainSupernet', () => {
  it('resumes a crashed run at its last checkpoint and ends with the weights of an uninterrupted run', () => {
    const straight = Supernet.create(SMOKE_SPACE, 4);
    const uninterrupted = trainSupernet(straight, train, norm, options());
    expect(uninterrupted.resumedAt).toBe(0);

    const dir = tempDir();
    const crashed = Supernet.create(SMOKE_SPACE, 4);
    // checkpoint after step 4 of 8, then a crash in step index 5 (steps 4 and 5 are lost)
    const crash = options({ checkpointDir: dir, checkpointEvery: 4, onStep: ({ step }) => {
      if (step === 5) throw new Error('simulated crash');
    } });
    expect(() => trainSupernet(crashed, train, norm, crash)).toThrow('simulated crash');
    crashed.dispose();
    const atCheckpoint = Supernet.load(dir);
    const recordedSeconds = (atCheckpoint.meta.checkpoint as { seconds: number }).seconds;
    atCheckpoint.supernet.dispose();
    expect(recordedSeconds).toBeGreaterThan(0);

    // a new process: a fresh supernet (another init seed, to prove the weights come from the checkpoint)
    const resumed = Supernet.create(SMOKE_SPACE, 99);
    const steps: number[] = [];
    const report = trainSupernet(resumed, train, norm, options({ checkpointDir: dir, checkpointEvery: 4, onStep: ({ step }) => steps.push(step) }));
    expect(report.resumedAt).toBe(4);
    expect(steps).toEqual([4, 5, 6, 7]);
    // training time adds up over the two runs: the resumed report includes what the checkpoint recorded
    expect(report.seconds).toBeGreaterThan(recordedSeconds);
    expect(uninterrupted.seconds).toBeGreaterThan(0);
    expect(maxWeightDiff(straight, resumed)).toBeLessThanOrEqual(1e-6);
    // the last checkpoint is the finished run: loading it gives the final weights
    const { supernet: final, meta } = Supernet.load(dir);
    expect((meta.checkpoint as { step: number }).step).toBe(8);
    expect(maxWeightDiff(resumed, final)).toBe(0);
    for (const s of [straight, resumed, final]) s.dispose();
  });

  it('refuses to resume a checkpoint made with other settings, naming the setting and both values', () => {
    const dir = tempDir();
    const supernet = Supernet.create(SMOKE_SPACE, 5);
    trainSupernet(supernet, train, norm, options({ steps: 2, checkpointDir: dir }));
    expect(() => trainSupernet(supernet, train, norm, options({ steps: 3, checkpointDir: dir }))).toThrow(/made with steps = 2, this run has 3/);
    expect(() => trainSupernet(supernet, train, norm, options({ steps: 2, seed: 7, checkpointDir: dir }))).toThrow(/made with seed = 2, this run has 7/);
    expect(() => trainSupernet(supernet, train, norm, options({ steps: 2, batchSize: 16, checkpointDir: dir }))).toThrow(/made with batchSize = 32, this run has 16/);
    supernet.dispose();
  });

  // Known bug (reported): resume() never compares the checkpoint's space config with the
  // supernet's, so another config fails inside TF.js ("shape of the new value (16,10) and previous
  // value (16,5) must match"), naming neither the folder nor the config. Remove `.fails` once fixed.
  it('refuses to resume a checkpoint of another space config, naming the folder and the config', () => {
    const dir = tempDir();
    const supernet = Supernet.create(SMOKE_SPACE, 5);
    trainSupernet(supernet, train, norm, options({ steps: 2, checkpointDir: dir }));
    supernet.dispose();
    const fiveClasses = Supernet.create({ ...SMOKE_SPACE, classes: 5 }, 5);
    try {
      expect(() => trainSupernet(fiveClasses, train, norm, options({ steps: 2, checkpointDir: dir }))).toThrow(new RegExp(`${dir}.*config`));
    } finally {
      fiveClasses.dispose();
    }
  });

  it('is deterministic: the same seeds give bit-identical weights, another training seed other weights', () => {
    const run = (seed: number) => {
      const supernet = Supernet.create(SMOKE_SPACE, 6);
      trainSupernet(supernet, train, norm, options({ steps: 5, seed }));
      return supernet;
    };
    const [a, b, c] = [1, 1, 2].map(run);
    expect(maxWeightDiff(a, b)).toBe(0);
    expect(maxWeightDiff(a, c)).toBeGreaterThan(0);
    for (const s of [a, b, c]) s.dispose();
  });

  it('updates only the weights on the sampled path (single-path training)', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 7);
    const before = weightValues(supernet);
    trainSupernet(supernet, train, norm, options({ steps: 1, sample: () => MIXED }));
    const path = new Set(supernet.pathWeightIds(MIXED));
    const changed = [...weightValues(supernet)].filter(([id, v]) => v.some((x, i) => x !== before.get(id)![i])).map(([id]) => id);
    expect(changed.sort()).toEqual([...path].sort());
    supernet.dispose();
  });

  it('calls onStep once per step and reports steps, start and distinct paths', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 8);
    const seen: { step: number; loss: number }[] = [];
    const report = trainSupernet(supernet, train, norm, options({ steps: 4, sample: (step) => (step < 2 ? SEP : MIXED), onStep: ({ step, loss }) => seen.push({ step, loss }) }));
    expect(seen.map((s) => s.step)).toEqual([0, 1, 2, 3]);
    expect(seen.every((s) => Number.isFinite(s.loss) && s.loss > 0)).toBe(true);
    expect(report).toEqual({ steps: 4, resumedAt: 0, pathsTrained: 2, finalLoss: expect.closeTo(seen.reduce((a, s) => a + s.loss, 0) / 4, 10), seconds: expect.any(Number) });
    supernet.dispose();
  });

  it('keeps tf.memory().numTensors flat across training steps, checkpointed runs and evaluations', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 9);
    const before = tf.memory().numTensors;
    const during: number[] = [];
    // a fixed path: its momentum buffers appear in step 0, and nothing else may accumulate
    trainSupernet(supernet, train, norm, options({ steps: 5, sample: () => SEP, onStep: () => during.push(tf.memory().numTensors) }));
    expect(new Set(during).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    trainSupernet(supernet, train, norm, options({ steps: 4, checkpointDir: tempDir(), checkpointEvery: 2 }));
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 3; i++) evaluateSubnet(supernet, i % 2 === 0 ? SEP : MIXED, evalData);
    expect(tf.memory().numTensors).toBe(before);
    supernet.dispose();
  });

  // Known bug (reported): resume() wraps each loaded momentum tensor in tf.variable without
  // disposing it (lib/supernet/train.ts, resume). Remove `.fails` once fixed.
  it('frees the checkpoint it resumes from', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 9);
    const dir = tempDir();
    trainSupernet(supernet, train, norm, options({ steps: 4, checkpointDir: dir, checkpointEvery: 2 }));
    const before = tf.memory().numTensors;
    // resuming a finished run loads weights and momentum, trains nothing, and must free both
    expect(trainSupernet(supernet, train, norm, options({ steps: 4, checkpointDir: dir, checkpointEvery: 2 })).resumedAt).toBe(4);
    try {
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      supernet.dispose();
    }
  });

  // Known bug (reported): momentum buffers are disposed only when training ends normally, so a
  // throw from onStep (or the non-finite-loss check) leaves them allocated. Remove `.fails` once fixed.
  it('frees its momentum buffers when a step throws', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 9);
    const before = tf.memory().numTensors;
    const crash = options({ onStep: ({ step }) => {
      if (step === 1) throw new Error('simulated crash');
    } });
    expect(() => trainSupernet(supernet, train, norm, crash)).toThrow('simulated crash');
    try {
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      supernet.dispose();
    }
  });

  it('throws RangeErrors for non-positive steps, a fractional batch size and a batch larger than the data', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 10);
    expect(() => trainSupernet(supernet, train, norm, options({ steps: 0 }))).toThrow(/training steps must be a positive integer: got 0/);
    expect(() => trainSupernet(supernet, train, norm, options({ batchSize: 1.5 }))).toThrow(/batch size must be a positive integer: got 1.5/);
    expect(() => trainSupernet(supernet, train, norm, options({ batchSize: 600 }))).toThrow(RangeError);
    expect(() => trainSupernet(supernet, train, norm, options({ batchSize: 600 }))).toThrow(/batch size 600 exceeds the data set \(512 images\)/);
    supernet.dispose();
  });

  it('stops with an error naming the step, the architecture and the rate when the loss diverges', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 11);
    expect(() => trainSupernet(supernet, train, norm, options({ steps: 5, learningRate: 1e30 }))).toThrow(/supernet loss is not finite at step \d+: got NaN \(architecture [a-z0-9-]+, lr [0-9.e+]+\)/);
    supernet.dispose();
  });
});

describe('evaluateSubnet', () => {
  it('throws a RangeError when the calibration set is smaller than one batch, naming both sizes', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 12);
    const few = { ...evalData, calibration: firstN(train, 127) };
    expect(() => evaluateSubnet(supernet, SEP, few)).toThrow(RangeError);
    expect(() => evaluateSubnet(supernet, SEP, few)).toThrow(/has 127 images, fewer than one batch of 128/);
    supernet.dispose();
  });

  it('is deterministic, returns a fraction of the evaluation images and never changes a weight', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 13);
    const before = weightValues(supernet);
    const a = evaluateSubnet(supernet, MIXED, evalData);
    expect(evaluateSubnet(supernet, MIXED, evalData)).toBe(a);
    // accuracy counts whole images out of 256
    expect(Number.isInteger(a * evalData.evaluation.count)).toBe(true);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThanOrEqual(1);
    const after = weightValues(supernet);
    for (const [id, v] of before) expect(after.get(id)).toEqual(v);
    supernet.dispose();
  });

  it('recalibrates from the calibration images: one more batch gives other statistics', () => {
    const supernet = Supernet.create(SMOKE_SPACE, 14);
    const a = recalibrate(supernet, SEP, evalData);
    const b = recalibrate(supernet, SEP, { ...evalData, calibration: firstN(train, 128) });
    // one site per BN of the path: stem + 3 per separable layer
    expect(a.size).toBe(1 + 3 * 4);
    expect(Array.from(b.get('stem.bn')!.mean)).not.toEqual(Array.from(a.get('stem.bn')!.mean));
    supernet.dispose();
  });
});
