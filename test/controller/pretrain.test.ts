// Tests of unlabelled pretraining: a run killed after a checkpoint resumes to the very weights of
// an uninterrupted run, masked decodes are valid cells on both spaces, and tensors do not leak.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { createController, packSequences, pretrainController, resolveConfig, standardVaeObjective, type TokenGrammar } from '../../lib/controller';
import { Rng } from '../../lib/random';
import { isValidCell } from '../../lib/spaces/nasbench101/cell';
import { allowedNextTokens, decodeTokens, SEQUENCE_LENGTH, VOCAB_SIZE } from '../../lib/spaces/nasbench101/encoding';
import { ValidTokenCursor, validNextTokens, validTokenMasks } from '../../lib/spaces/nasbench101/valid-mask';
import { nasbench201SearchSpace } from '../../lib/spaces/nasbench201/search-space';

const NB101: TokenGrammar = { sequenceLength: SEQUENCE_LENGTH, vocabSize: VOCAB_SIZE, allowedNextTokens, validNextTokens, validTokenMasks, validTokenCursor: () => new ValidTokenCursor() };
const dirs: string[] = [];

/** Valid NAS-Bench-101 sequences drawn through the validity mask. */
function validSequences(n: number, seed: string): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const prefix: number[] = [];
    while (prefix.length < SEQUENCE_LENGTH) prefix.push(rng.choice(validNextTokens(prefix).flatMap((ok, t) => (ok ? [t] : []))));
    return prefix;
  });
}

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('pretrainController', () => {
  const config = resolveConfig(NB101, { hidden: 8, latentDim: 4, seed: 3, latentEveryStep: true, encoderOutput: 'last', wordDropout: 0.2, klWarmupSteps: 5, ...standardVaeObjective(0.5) });
  const tokens = packSequences(validSequences(64, 'pretrain-data'));
  const schedule = { steps: 20, batchSize: 8, seed: 7, checkpointEvery: 5, logEvery: 5 };

  it('resumes a run killed after step 12 from its step-10 checkpoint to the same weights as an uninterrupted run', async () => {
    const whole = await pretrainController({ grammar: NB101, config, tokens, schedule, checkpointDir: null });
    const dir = mkdtempSync(join(tmpdir(), 'pretrain-'));
    dirs.push(dir);
    const killed = await pretrainController({ grammar: NB101, config, tokens, schedule, checkpointDir: dir, stopAfter: 12 });
    expect(killed.steps).toBe(12);
    killed.controller.dispose();
    const resumed = await pretrainController({ grammar: NB101, config, tokens, schedule, checkpointDir: dir });
    expect(resumed.resumedFrom).toBe(10);
    expect(resumed.steps).toBe(20);
    const a = whole.controller.weightValues();
    const b = resumed.controller.weightValues();
    for (const [name, values] of a) expect(Array.from(b.get(name)!), name).toEqual(Array.from(values));
    expect(resumed.curve.map((p) => p.step)).toEqual([5, 10, 15, 20]);
    expect(resumed.curve.map((p) => p.rec)).toEqual(whole.curve.map((p) => p.rec));
    whole.controller.dispose();
    resumed.controller.dispose();
  });

  it('refuses a checkpoint written for another config, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pretrain-'));
    dirs.push(dir);
    (await pretrainController({ grammar: NB101, config, tokens, schedule, checkpointDir: dir, stopAfter: 6 })).controller.dispose();
    const other = { ...config, seed: 4 };
    await expect(pretrainController({ grammar: NB101, config: other, tokens, schedule, checkpointDir: dir })).rejects.toThrow(`${join(dir, 'checkpoint', 'state.json')}: checkpoint of another run`);
  });

  it('rejects a batch larger than the data', async () => {
    await expect(pretrainController({ grammar: NB101, config, tokens: packSequences(validSequences(4, 'few')), schedule, checkpointDir: null })).rejects.toThrow('need at least batchSize = 8 training sequences: got 4');
  });

  it('keeps tf.memory flat over 10,000 steps', async () => {
    const space = nasbench201SearchSpace();
    const small = resolveConfig(space, { hidden: 2, embedding: 2, latentDim: 2, accuracyHidden: 2, seed: 1, latentEveryStep: true, ...standardVaeObjective(1) });
    const rng = new Rng('leak');
    const data = Array.from({ length: 16 }, () => space.encode(space.sampleUniform(rng)));
    const run = async (steps: number) => (await pretrainController({ grammar: space, config: small, tokens: packSequences(data), schedule: { steps, batchSize: 2, seed: 1, logEvery: 1000 }, checkpointDir: null })).controller;
    const warm = await run(10);
    warm.dispose();
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const long = await run(10_000);
    long.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytes);
  }, 120_000);
});

describe('masked decoding', () => {
  it('decodes 500 prior draws of an untrained NAS-Bench-101 controller into valid cells only', () => {
    const controller = createController(NB101, { hidden: 8, latentDim: 4, seed: 11, latentEveryStep: true });
    const rng = new Rng('prior');
    const decoded = controller.decode(Array.from({ length: 500 }, () => Array.from({ length: 4 }, () => 3 * rng.normal())));
    expect(decoded.every((tokens) => isValidCell(decodeTokens(tokens)))).toBe(true);
    // Without the validity rule the same controller decodes invalid cells (so the check can fail).
    const plain = createController({ sequenceLength: SEQUENCE_LENGTH, vocabSize: VOCAB_SIZE, allowedNextTokens }, { hidden: 8, latentDim: 4, seed: 11, latentEveryStep: true });
    const rng2 = new Rng('prior');
    const plainDecoded = plain.decode(Array.from({ length: 500 }, () => Array.from({ length: 4 }, () => 3 * rng2.normal())));
    expect(plainDecoded.some((tokens) => !isValidCell(decodeTokens(tokens)))).toBe(true);
    controller.dispose();
    plain.dispose();
  });

  it('decodes the same tokens with the grammar\'s cursor as with validNextTokens per prefix', () => {
    const withCursor = createController(NB101, { hidden: 8, latentDim: 4, seed: 12, latentEveryStep: true });
    expect(NB101.validTokenCursor).toBeDefined();
    const { validTokenCursor: _cursor, ...perPrefix } = NB101;
    const without = createController(perPrefix, { hidden: 8, latentDim: 4, seed: 12, latentEveryStep: true });
    const rng = new Rng('cursor-decode');
    const z = Array.from({ length: 300 }, () => Array.from({ length: 4 }, () => 3 * rng.normal()));
    expect(withCursor.decode(z)).toEqual(without.decode(z));
    withCursor.dispose();
    without.dispose();
  });

  it('decodes prior draws of a NAS-Bench-201 controller into cells of the space', () => {
    const space = nasbench201SearchSpace();
    const controller = createController(space, { hidden: 8, latentDim: 4, seed: 2, latentEveryStep: true });
    const rng = new Rng('prior-201');
    const decoded = controller.decode(Array.from({ length: 300 }, () => Array.from({ length: 4 }, () => 3 * rng.normal())));
    for (const tokens of decoded) expect(space.decode(tokens)).not.toBeNull();
    controller.dispose();
  });
});
