// Tests of the improved DNAS (latent-acquisition.ts): exact budgets, determinism, a pool that never
// proposes a cell twice, counts that add up, steps within their bound, and its small pure parts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { createController } from '../../lib/controller/index';
import { Rng } from '../../lib/random';
import { boundedLatentSteps, expectedImprovement, latentAcquisitionSearch, normalScores } from '../../lib/search/latent-acquisition';
import { runSearch } from '../../lib/search/search';
import type { SearchSpace } from '../../lib/spaces/search-space';
import { toyBenchmark, toySpace } from './toy-problem';

const SIZE = 200;
const space: SearchSpace<number> = toySpace(SIZE);
let dir: string;
let aeDir: string;

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  dir = mkdtempSync(join(tmpdir(), 'latent-acq-'));
  // An untrained β-VAE controller: the behaviour under test is the loop's accounting, not search quality.
  const controller = createController(space, { hidden: 8, latentDim: 4, seed: 3 });
  controller.save(dir);
  controller.dispose();
  // A deterministic auto-encoder: every unit active (spread from the labelled codes), so gradient steps happen.
  aeDir = mkdtempSync(join(tmpdir(), 'latent-acq-ae-'));
  // Briefly trained on every cell so that its decoder maps different codes to different cells.
  const ae = createController(space, { hidden: 16, latentDim: 4, seed: 3, disentangle: false, learningRate: 0.03 });
  const all = Array.from({ length: SIZE }, (_, c) => space.encode(c));
  const rng = new Rng('pretrain');
  for (let step = 0; step < 200; step++) ae.pretrainStep(all, rng);
  ae.save(aeDir);
  ae.dispose();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(aeDir, { recursive: true, force: true });
});

const FAST = { initial: 6, batch: 4, starts: 3, stepSizes: [5, 10, 20], regionDraws: 30, predictor: { members: 2, hidden: [8], epochs: 5 } };
const probe = { cells: Array.from({ length: 40 }, (_, i) => i * 5), accuracy: Array.from({ length: 40 }, (_, i) => (i * 5) / SIZE) };

async function run(seed: number, options: Record<string, unknown> = {}) {
  if (options.latentModel === 'auto-encoder') options = { ...options, latentModel: aeDir };
  const rows: unknown[] = [];
  const benchmark = toyBenchmark(SIZE, { inTable: (c) => c % 4 !== 0, log: { append: (e: unknown) => rows.push(e) } as never });
  const result = await runSearch(latentAcquisitionSearch('dnas-acq', { latentModel: dir, ...FAST, ...options }), { space, benchmark, rng: new Rng(seed), budget: 30, probe: () => probe });
  return { result, rows };
}

describe('latentAcquisitionSearch', () => {
  for (const variant of [{ dense: true }, { dense: false }, { semiSupervised: true }, { acquisition: 'ei' }, { latentModel: 'auto-encoder' }]) {
    it(`${JSON.stringify(variant)}: spends the budget exactly, deterministically, and never proposes a cell twice`, async () => {
      const first = await run(11, variant);
      expect(first.result.queried).toBe(30);
      expect(first.result.repeats).toBe(0);
      const proposedKeys = (first.rows as { hash: string }[]).map((r) => r.hash);
      expect(new Set(proposedKeys).size).toBe(proposedKeys.length);
      const origins = first.result.queriedByOrigin;
      expect(Object.values(origins).reduce((a, b) => a + b, 0)).toBe(30);
      expect(origins.initial).toBe(6);
      expect(Object.keys(origins).every((o) => ['initial', 'latent', 'dense', 'top-up'].includes(o))).toBe(true);
      if (!(variant as { dense?: boolean }).dense && 'dense' in variant) expect(origins.dense).toBeUndefined();
      const second = await run(11, variant);
      expect(second.rows).toEqual(first.rows);
    });
  }
  it('reports where its candidates went, and the counts add up per source', async () => {
    type Diagnostics = { pool: Record<string, Record<string, number>>; acceptedEta: Record<string, number>; rounds: { predictorKendallTau: number | null }[]; latentSpace: { exactReconstruction: number } };
    for (const options of [{ latentModel: 'auto-encoder' }, { latentModel: 'auto-encoder', dense: false }]) {
      const { result } = await run(5, options);
      const d = result.diagnostics as Diagnostics;
      for (const source of ['latent', 'dense']) {
        const c = d.pool[source];
        expect(c.codes).toBe(c.invalid + c.known + c.duplicates + c.candidates);
      }
      expect(d.pool.latent.codes).toBeGreaterThan(0);
      expect(d.pool.dense.codes).toBe(options.dense === false ? 0 : d.pool.dense.codes);
      // every queried latent-step cell has its η counted, and η is one of the stated step sizes
      expect(Object.values(d.acceptedEta).reduce((a, b) => a + b, 0)).toBe(result.queriedByOrigin.latent ?? 0);
      expect(Object.keys(d.acceptedEta).every((eta) => FAST.stepSizes.includes(Number(eta)))).toBe(true);
      expect(d.rounds.length).toBeGreaterThan(0);
      expect(d.latentSpace.exactReconstruction).toBeGreaterThanOrEqual(0);
    }
    // with only latent steps in the pool, the latent source supplies queries
    const { result } = await run(5, { latentModel: 'auto-encoder', dense: false });
    expect(result.queriedByOrigin.latent).toBeGreaterThan(0);
  });
  it('takes no gradient step on units it finds inactive (an untrained β-VAE: σ ≈ 1 everywhere)', async () => {
    const { result } = await run(5);
    const pool = (result.diagnostics as { pool: Record<string, Record<string, number>> }).pool;
    expect(pool.latent.codes).toBe(0);
    expect(pool.dense.codes).toBeGreaterThan(0);
  });
  it('names a missing latent model and rejects bad settings', () => {
    expect(() => latentAcquisitionSearch('x', { latentModel: join(dir, 'nope') })).toThrow(/latentModel .*nope: no saved controller there/);
    expect(() => latentAcquisitionSearch('x', { latentModel: dir, batch: 0 })).toThrow('batch must be a positive integer: got 0');
    expect(() => latentAcquisitionSearch('x', { latentModel: dir, stepSizes: [1, -2] })).toThrow('stepSizes must be finite numbers > 0: got [1, -2]');
    expect(() => latentAcquisitionSearch('x', { latentModel: dir, acquisition: 'ucb' as never })).toThrow(`acquisition must be 'thompson' or 'ei': got "ucb"`);
  });
});

describe('boundedLatentSteps', () => {
  it('moves exactly η posterior spreads, never more than the largest step size, and skips a zero gradient', () => {
    const rng = new Rng(2);
    for (let trial = 0; trial < 50; trial++) {
      const mu = Array.from({ length: 6 }, () => rng.normal());
      const sigma = Array.from({ length: 6 }, () => 0.01 + rng.uniform());
      const gradients = [Array.from({ length: 6 }, () => rng.normal() * 100), new Array(6).fill(0)];
      const steps = boundedLatentSteps(mu, sigma, gradients, [0.5, 2, 7]);
      expect(steps).toHaveLength(3); // the zero gradient gives none
      for (const { z, eta } of steps) {
        const length = Math.hypot(...z.map((v, d) => (v - mu[d]) / sigma[d]));
        expect(length).toBeCloseTo(eta, 9);
        expect(length).toBeLessThanOrEqual(7 + 1e-9);
      }
    }
  });
  it('steps uphill: along the spread-weighted gradient', () => {
    const [{ z }] = boundedLatentSteps([0, 0], [1, 0.1], [[1, 1]], [1]);
    // σ⊙g = (1, 0.1): normalised (0.995, 0.0995); z = σ⊙u = (0.995, 0.00995)
    expect(z[0]).toBeCloseTo(1 / Math.hypot(1, 0.1), 9);
    expect(z[1]).toBeCloseTo(0.01 / Math.hypot(1, 0.1), 9);
  });
});

describe('normalScores and expectedImprovement', () => {
  it('maps ranks to standard normal quantiles, ties averaged, order kept', () => {
    const s = normalScores([0.1, 0.94, 0.93, 0.93]);
    expect(s[0]).toBeLessThan(s[2]);
    expect(s[2]).toBe(s[3]);
    expect(s[1]).toBeGreaterThan(s[2]);
    // n = 4: ranks 1, 4, 2.5, 2.5 → Φ⁻¹(0.125), Φ⁻¹(0.875), Φ⁻¹(0.5)
    expect(s[0]).toBeCloseTo(-1.150349, 5);
    expect(s[1]).toBeCloseTo(1.150349, 5);
    expect(s[2]).toBeCloseTo(0, 9);
  });
  it('gives the known values of EI', () => {
    // EI(μ = best, σ = 1) = φ(0) = 0.398942; σ = 0 gives the plain improvement
    expect(expectedImprovement(1, 1, 1)).toBeCloseTo(0.398942, 6);
    expect(expectedImprovement(2, 0, 1)).toBe(1);
    expect(expectedImprovement(0, 0, 1)).toBe(0);
    // μ − best = 1, σ = 2: 1·Φ(0.5) + 2·φ(0.5) = 0.691462 + 0.704130
    expect(expectedImprovement(2, 2, 1)).toBeCloseTo(0.691462 + 2 * 0.352065, 5);
  });
});
