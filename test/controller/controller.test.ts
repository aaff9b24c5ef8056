// Tests of the DNAS controller on NAS-Bench-101 token sequences (wasm backend): shapes,
// determinism, validation, learning on real cells, masked decoding, save/load, no leaks.
import { NB101_DATA } from '../real-data';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNasbench101Csv } from '../../lib/benchmarks/nasbench101-csv';
import { initBackend } from '../../lib/backend';
import { Controller, createController, type TokenGrammar } from '../../lib/controller';
import { Rng } from '../../lib/random';
import type { Cell } from '../../lib/spaces/nasbench101/cell';
import { allowedNextTokens, decodeTokens, encodeCell, SEQUENCE_LENGTH, VOCAB_SIZE } from '../../lib/spaces/nasbench101/encoding';

const DATA = NB101_DATA;
const NB101: TokenGrammar = { sequenceLength: SEQUENCE_LENGTH, vocabSize: VOCAB_SIZE, allowedNextTokens };

/** 300 real cells of cells-1k that the 30k subset labels, as tokens + validation accuracy. */
function realCells(): { tokens: number[][]; accuracy: number[]; flopsM: number[] } {
  const csv = loadNasbench101Csv({ file: join(DATA, 'val-subset-30k.csv') });
  const cells = readFileSync(join(DATA, 'cells-1k.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Cell & { hash: string });
  const labelled = cells.filter((c) => csv.records.has(c.hash)).slice(0, 300);
  expect(labelled.length).toBe(300);
  const tokens = labelled.map((c) => encodeCell(c));
  // FLOPs stand-in: edges + ops weight; the predictor only needs a finite per-cell target here.
  return { tokens, accuracy: labelled.map((c) => csv.records.get(c.hash)!.valAccuracy), flopsM: tokens.map((t) => t.filter((x) => x === 2 || x === 4).length) };
}

function tokenAccuracy(a: number[][], b: number[][]): number {
  let same = 0;
  a.forEach((seq, i) => seq.forEach((t, j) => (same += t === b[i][j] ? 1 : 0)));
  return same / (a.length * SEQUENCE_LENGTH);
}

let data: ReturnType<typeof realCells>;
const dirs: string[] = [];

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  data = realCells();
});

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('Controller', () => {
  it('encodes to [batch, latentDim] and decodes to [batch, sequenceLength]', () => {
    const controller = createController(NB101, { seed: 1, latentDim: 5 });
    const { mu, logVar } = controller.encode(data.tokens.slice(0, 3));
    expect([mu.length, mu[0].length, logVar!.length, logVar![0].length]).toEqual([3, 5, 3, 5]);
    const decoded = controller.decode(mu);
    expect(decoded.map((s) => s.length)).toEqual([27, 27, 27]);
    expect(controller.predict(mu).accuracy).toHaveLength(3);
    controller.dispose();
  });

  it('has no logVar and no FLOPs prediction in NAO mode (disentangle and FLOPs predictor off)', () => {
    const controller = createController(NB101, { seed: 1, disentangle: false, flopsPredictor: false });
    const { mu, logVar } = controller.encode(data.tokens.slice(0, 2));
    expect(logVar).toBeNull();
    expect(controller.predict(mu).flopsM).toBeNull();
    const history = controller.train({ tokens: data.tokens.slice(0, 20), accuracy: data.accuracy.slice(0, 20) }, { epochs: 1, batchSize: 10, rng: new Rng(1) });
    expect(history[0].kl).toBe(0);
    controller.dispose();
  });

  it('gives identical weights after training with the same seeds (determinism)', () => {
    const run = () => {
      const controller = createController(NB101, { seed: 7 });
      controller.train({ tokens: data.tokens.slice(0, 40), accuracy: data.accuracy.slice(0, 40), flopsM: data.flopsM.slice(0, 40) }, { epochs: 2, batchSize: 16, rng: new Rng(3) });
      const out = controller.encode(data.tokens.slice(0, 4)).mu;
      controller.dispose();
      return out;
    };
    expect(run()).toEqual(run());
  });

  it('lowers its loss and reconstructs training cells better after training on 300 real cells', () => {
    // lr 0.01 instead of the paper's 0.001 so that 150 steps suffice in a unit test.
    const controller = createController(NB101, { seed: 2, learningRate: 0.01 });
    const before = tokenAccuracy(controller.decode(controller.encode(data.tokens).mu), data.tokens);
    const history = controller.train(data, { epochs: 25, batchSize: 50, rng: new Rng(4) });
    const after = tokenAccuracy(controller.decode(controller.encode(data.tokens).mu), data.tokens);
    expect(history[history.length - 1].total).toBeLessThan(history[0].total);
    expect(history[history.length - 1].rec).toBeLessThan(history[0].rec * 0.7);
    expect(after).toBeGreaterThan(before + 0.1);
    controller.dispose();
  }, 60_000);

  it('decodes only well-formed sequences, even from far-out latent codes', () => {
    const controller = createController(NB101, { seed: 3 });
    const rng = new Rng(5);
    const z = Array.from({ length: 200 }, () => Array.from({ length: 26 }, () => rng.normal(0, 5)));
    for (const tokens of controller.decode(z)) expect(() => decodeTokens(tokens)).not.toThrow();
    controller.dispose();
  });

  it('predicts identically after save and load', () => {
    const controller = createController(NB101, { seed: 4 });
    controller.train({ tokens: data.tokens.slice(0, 30), accuracy: data.accuracy.slice(0, 30), flopsM: data.flopsM.slice(0, 30) }, { epochs: 1, batchSize: 10, rng: new Rng(6) });
    const dir = mkdtempSync(join(tmpdir(), 'dnas-controller-'));
    dirs.push(dir);
    controller.save(dir);
    const loaded = Controller.load(dir, NB101);
    const { mu } = controller.encode(data.tokens.slice(0, 5));
    expect(loaded.encode(data.tokens.slice(0, 5)).mu).toEqual(mu);
    expect(loaded.predict(mu)).toEqual(controller.predict(mu));
    expect(loaded.decode(mu)).toEqual(controller.decode(mu));
    expect(loaded.normalisation).toEqual(controller.normalisation);
    controller.dispose();
    loaded.dispose();
  });

  it('keeps tf.memory().numTensors flat over training steps and decode calls', () => {
    const controller = createController(NB101, { seed: 5 });
    const train = () => controller.train({ tokens: data.tokens.slice(0, 20), accuracy: data.accuracy.slice(0, 20), flopsM: data.flopsM.slice(0, 20) }, { epochs: 1, batchSize: 5, rng: new Rng(7) });
    train(); // Adam creates its moment variables on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      train();
      controller.decode(controller.encode(data.tokens.slice(0, 8)).mu);
      controller.predictorGradients([new Array(26).fill(0)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    controller.dispose();
  });
});

describe('Controller validation', () => {
  const controller = () => createController(NB101, { seed: 0 });

  it('rejects a token sequence of the wrong length', () => {
    expect(() => controller().encode([[1, 2, 3]])).toThrow('sequence 0 must have 27 tokens: got 3');
  });

  it('rejects a token outside the vocabulary', () => {
    expect(() => controller().encode([[7, ...new Array(26).fill(0)]])).toThrow('token must be an integer in 0..6: got 7');
  });

  it('rejects an empty batch', () => {
    expect(() => controller().encode([])).toThrow('need at least one token sequence');
  });

  it('rejects a latent code of the wrong size', () => {
    expect(() => controller().decode([[0, 0]])).toThrow('latent code 0 must have 26 values: got 2');
  });

  it('rejects a non-finite latent code', () => {
    expect(() => controller().predict([[NaN, ...new Array(25).fill(0)]])).toThrow('latent code 0 has a non-finite value');
  });

  it('rejects accuracies that do not match the sequences', () => {
    expect(() => controller().train({ tokens: data.tokens.slice(0, 3), accuracy: [0.9], flopsM: [1, 2, 3] }, { epochs: 1, batchSize: 2, rng: new Rng(0) }))
      .toThrow('accuracy must have one value per sequence: got 1 (expected 3)');
  });

  it('rejects missing FLOPs when the FLOPs predictor is on', () => {
    expect(() => controller().train({ tokens: data.tokens.slice(0, 3), accuracy: [0.9, 0.9, 0.9] }, { epochs: 1, batchSize: 2, rng: new Rng(0) }))
      .toThrow('flopsM must have one value per sequence when the FLOPs predictor is on: got none (expected 3)');
  });

  it('stops after maxSteps Adam steps: 6 steps of batch 10 on 30 cells are exactly 2 epochs', () => {
    const d = { tokens: data.tokens.slice(0, 30), accuracy: data.accuracy.slice(0, 30), flopsM: data.flopsM.slice(0, 30) };
    const capped = createController(NB101, { seed: 9 });
    const epochs = createController(NB101, { seed: 9 });
    expect(capped.train(d, { epochs: 50, maxSteps: 6, batchSize: 10, rng: new Rng(9) })).toHaveLength(2);
    epochs.train(d, { epochs: 2, batchSize: 10, rng: new Rng(9) });
    const z = capped.encode(d.tokens.slice(0, 5)).mu;
    expect(capped.predict(z).accuracy).toEqual(epochs.predict(epochs.encode(d.tokens.slice(0, 5)).mu).accuracy);
    // A cap inside an epoch ends it early: 7 steps = 2 epochs and one batch of the third.
    const partial = createController(NB101, { seed: 9 });
    expect(partial.train(d, { epochs: 50, maxSteps: 7, batchSize: 10, rng: new Rng(9) })).toHaveLength(3);
    for (const c of [capped, epochs, partial]) c.dispose();
  });

  it('rejects zero epochs, a zero batch size and a zero step cap', () => {
    const d = { tokens: data.tokens.slice(0, 3), accuracy: [0.9, 0.9, 0.9], flopsM: [1, 2, 3] };
    expect(() => controller().train(d, { epochs: 1, maxSteps: 0, batchSize: 2, rng: new Rng(0) })).toThrow('maxSteps must be an integer ≥ 1: got 0');
    expect(() => controller().train(d, { epochs: 0, batchSize: 2, rng: new Rng(0) })).toThrow('epochs must be an integer ≥ 1: got 0');
    expect(() => controller().train(d, { epochs: 1, batchSize: 0, rng: new Rng(0) })).toThrow('batchSize must be an integer ≥ 1: got 0');
  });

  it('stops with an error naming the step when the loss diverges', () => {
    // An absurd learning rate blows the weights up within a few steps.
    const c = createController(NB101, { seed: 0, learningRate: 1e30 });
    expect(() => c.train({ tokens: data.tokens.slice(0, 40), accuracy: data.accuracy.slice(0, 40), flopsM: data.flopsM.slice(0, 40) }, { epochs: 5, batchSize: 4, rng: new Rng(0) }))
      .toThrow(/controller loss is not finite at step \d+ \(epoch \d+\)/);
    c.dispose();
  });

  it('refuses to load a save made for another grammar', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnas-controller-'));
    dirs.push(dir);
    controller().save(dir);
    expect(() => Controller.load(dir, { ...NB101, vocabSize: 8 })).toThrow('saved for sequences 27 × vocab 7, grammar has 27 × 8');
  });

  it('refuses a truncated weights file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnas-controller-'));
    dirs.push(dir);
    controller().save(dir);
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(8));
    expect(() => Controller.load(dir, NB101)).toThrow(/weights\.bin: expected \d+ bytes: got 8/);
  });
});
