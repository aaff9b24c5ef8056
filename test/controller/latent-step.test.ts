// Tests of Eq 7 and the growing step-size loop: direction of the step, acceptance through the
// callback, stopping rules, and one toThrow per validation rule.
import { NB101_DATA } from '../real-data';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { createController, growingLatentSearch, latentStep, type Controller, type TokenGrammar } from '../../lib/controller';
import { Rng } from '../../lib/random';
import type { Cell } from '../../lib/spaces/nasbench101/cell';
import { allowedNextTokens, encodeCell, SEQUENCE_LENGTH, VOCAB_SIZE } from '../../lib/spaces/nasbench101/encoding';

const DATA = NB101_DATA;
const NB101: TokenGrammar = { sequenceLength: SEQUENCE_LENGTH, vocabSize: VOCAB_SIZE, allowedNextTokens };

let controller: Controller;
let z: number[][];

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  // 100 real cells from flops-500 with their accuracy and FLOPs: a briefly trained controller.
  const rows = readFileSync(join(DATA, 'flops-500.jsonl'), 'utf8').trim().split('\n').slice(0, 100).map((l) => JSON.parse(l) as Cell & { val_accuracy: number; flops_m: number });
  const tokens = rows.map((r) => encodeCell(r));
  controller = createController(NB101, { seed: 11, learningRate: 0.01 });
  controller.train({ tokens, accuracy: rows.map((r) => r.val_accuracy), flopsM: rows.map((r) => r.flops_m) }, { epochs: 3, batchSize: 50, rng: new Rng(1) });
  z = controller.encode(tokens.slice(0, 10)).mu;
});

describe('latentStep', () => {
  it('raises the predicted accuracy for a small η1 (gradient ascent, Eq 7)', () => {
    const before = controller.predict(z).accuracy;
    const after = controller.predict(latentStep(controller, z, { eta1: 0.05 })).accuracy;
    after.forEach((a, i) => expect(a).toBeGreaterThanOrEqual(before[i]));
  });

  it('lowers the predicted FLOPs for a small η2 with η1 = 0', () => {
    const before = controller.predict(z).flopsM!;
    const after = controller.predict(latentStep(controller, z, { eta1: 0, eta2: 0.05 })).flopsM!;
    after.forEach((f, i) => expect(f).toBeLessThan(before[i]));
  });

  it('returns z unchanged for zero step sizes', () => {
    expect(latentStep(controller, z, { eta1: 0, eta2: 0 })).toEqual(z);
  });

  it('rejects a negative step size', () => {
    expect(() => latentStep(controller, z, { eta1: -1 })).toThrow('eta1 must be a finite number ≥ 0: got -1');
  });
});

describe('growingLatentSearch', () => {
  it('grows η until it has `wanted` sequences the callback accepts (new ones, here)', () => {
    // Sequences the start codes decode to at η = 0 count as known, so acceptance needs η > 0.
    const seen = new Set(controller.decode(z).map((t) => t.join(',')));
    const result = growingLatentSearch(controller, z, (tokens) => {
      const key = tokens.join(',');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }, { wanted: 3, etaStep: 0.5, maxEta: 200 });
    expect(result.accepted).toHaveLength(3);
    expect(result.eta).toBe(result.rounds * 0.5);
  });

  it('stops at maxEta when the callback accepts nothing', () => {
    const result = growingLatentSearch(controller, z, () => false, { wanted: 1, etaStep: 1, maxEta: 3 });
    expect(result).toEqual({ accepted: [], eta: 3, rounds: 3, stalled: false });
  });

  it('stops after `patience` rounds that decode nothing new', () => {
    // Decodes change only at a few η along each direction: far fewer than 500 rounds are fresh.
    const endless = growingLatentSearch(controller, z, () => false, { wanted: 1, maxEta: 200 });
    const patient = growingLatentSearch(controller, z, () => false, { wanted: 1, maxEta: 200, patience: 5 });
    expect(endless.stalled).toBe(false);
    expect(patient.stalled).toBe(true);
    expect(patient.rounds).toBeLessThan(endless.rounds);
    // The last 5 rounds were stale, so the decodes seen are those of the first rounds − 5.
    const gradients = controller.predictorGradients(z).accuracy;
    const fresh = new Set<string>();
    let lastFresh = 0;
    for (let round = 1; round <= patient.rounds; round++) {
      const before = fresh.size;
      for (const t of controller.decode(z.map((row, b) => row.map((v, d) => v + round * gradients[b][d])))) fresh.add(t.join(','));
      if (fresh.size > before) lastFresh = round;
    }
    expect(patient.rounds - lastFresh).toBe(5);
  }, 30_000);

  it('rejects a patience below one round', () => {
    expect(() => growingLatentSearch(controller, z, () => true, { wanted: 1, patience: 0 })).toThrow('patience must be ≥ 1 round: got 0');
  });

  it('rejects wanted < 1', () => {
    expect(() => growingLatentSearch(controller, z, () => true, { wanted: 0 })).toThrow('wanted must be an integer ≥ 1: got 0');
  });

  it('rejects a step size ≤ 0', () => {
    expect(() => growingLatentSearch(controller, z, () => true, { wanted: 1, etaStep: 0 })).toThrow('etaStep must be > 0: got 0');
  });

  it('rejects maxEta below the step size', () => {
    expect(() => growingLatentSearch(controller, z, () => true, { wanted: 1, etaStep: 2, maxEta: 1 })).toThrow('maxEta must be ≥ etaStep (2): got 1');
  });

  it('rejects a FLOPs ratio without a FLOPs predictor', () => {
    const nao = createController(NB101, { seed: 1, flopsPredictor: false });
    expect(() => growingLatentSearch(nao, z, () => true, { wanted: 1, flopsRatio: 0.5 })).toThrow('flopsRatio must be 0 when the FLOPs predictor is off: got 0.5');
    nao.dispose();
  });
});
