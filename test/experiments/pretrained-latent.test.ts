// Tests of the pretrained latent space store: a cache hit gives the same encodings as the run that
// wrote it, the held-out split is fixed and disjoint, scores are in range, bad options are refused.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { heldOutSplit, pretrainedLatentSpace } from '../../lib/experiments/pretrained-latent';

const cacheDir = mkdtempSync(join(tmpdir(), 'latent-cache-'));

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('pretrainedLatentSpace', () => {
  it('trains NAS-Bench-201 once, then a cache hit gives identical encodings and scores', async () => {
    const first = await pretrainedLatentSpace({ space: 'nb201', scale: 'smoke', cacheDir, progress: false });
    expect(first.cached).toBe(false);
    expect(first.trainCells + first.heldOut.length).toBe(15_625);
    const tokens = first.heldOut.slice(0, 50).map((c) => first.space.encode(c));
    const again = await pretrainedLatentSpace({ space: 'nb201', scale: 'smoke', cacheDir, progress: false });
    expect(again.cached).toBe(true);
    expect(again.key).toBe(first.key);
    expect(again.controller.encode(tokens)).toEqual(first.controller.encode(tokens));
    expect(again.scores).toEqual(first.scores);
    // No checkpoint folder is left behind once the model is cached.
    expect(readdirSync(join(cacheDir, 'latent'))).toEqual([first.key]);
    const s = first.scores;
    for (const share of [s.heldOutExactReconstruction, s.heldOutKeyReconstruction, s.heldOutTokenAccuracy, s.validDecodeRate]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    // Every well-formed NAS-Bench-201 sequence is a cell.
    expect(s.validDecodeRate).toBe(1);
    expect(s.klPerUnit.length).toBe(first.config.latentDim);
    expect(s.klNats).toBeCloseTo(s.klPerUnit.reduce((a, b) => a + b, 0), 6);
    first.controller.dispose();
    again.controller.dispose();
  }, 120_000);

  it('keys the cache on β: another β is another model', async () => {
    const a = await pretrainedLatentSpace({ space: 'nb201', scale: 'smoke', cacheDir, progress: false, steps: 5 });
    const b = await pretrainedLatentSpace({ space: 'nb201', scale: 'smoke', cacheDir, progress: false, steps: 5, beta: 4 });
    expect(b.key).not.toBe(a.key);
    expect(b.config.lossWeights.beta).toBe(4);
    a.controller.dispose();
    b.controller.dispose();
  }, 120_000);

  it('refuses an unknown space, naming it', async () => {
    await expect(pretrainedLatentSpace({ space: 'nb301' as 'nb101', cacheDir })).rejects.toThrow('space must be one of nb101, nb201: got "nb301"');
  });
});

describe('heldOutSplit', () => {
  it('is fixed, disjoint and complete', () => {
    const a = heldOutSplit(1000, 100);
    expect(heldOutSplit(1000, 100)).toEqual(a);
    expect(new Set([...a.train, ...a.heldOut]).size).toBe(1000);
    expect(a.heldOut.length).toBe(100);
  });

  it('rejects a held-out count outside 1..size−1', () => {
    expect(() => heldOutSplit(10, 10)).toThrow('heldOut must be an integer in 1..9: got 10');
  });
});
