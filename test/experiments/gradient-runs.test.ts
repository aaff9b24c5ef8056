// Tests of cached gradient-based search runs (lib/experiments/gradient-runs.ts) and their pool job, on
// a real CIFAR-10 slice at 8×8: two worker threads give what this thread gives, a finished run is read
// back from the cache, settings change the key, and a VAENAS run (Algorithm 3) counts its VAE trainings.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientRun, gradientRunKey, type GradientRunSettings } from '../../lib/experiments/gradient-runs';
import { loadImageSplits, type ImageSplits } from '../../lib/experiments/supernet';
import { gradientJob } from '../../lib/experiments/supernet-jobs';
import { runSupernetJobs } from '../../lib/experiments/supernet-pool';
import { NB201_EDGE_CHOICES } from '../../lib/spaces/nasbench201/edge-choices';
import { nasbench201SearchSpace } from '../../lib/spaces/nasbench201/search-space';

let splits: ImageSplits;

beforeAll(async () => {
  splits = await loadImageSplits('cifar10', { validation: 64, seed: 0, trainLimit: 224, testLimit: 32, downsample: 4, quiet: true });
}, 60_000);

const settings = (cacheDir: string, extra: Partial<GradientRunSettings> = {}): GradientRunSettings => ({
  config: { imageSize: 8, imageChannels: 3, classes: 10, channels: 4, cellsPerStage: 1 },
  steps: 6, batchSize: 16, learningRate: 0.05, seed: 3, sampler: { kind: 'gumbel' }, archLearningRate: 0.05, recordEvery: 2, cacheDir, ...extra,
});

describe('gradientRun', () => {
  it('gives the same run on two worker threads as in this thread, and reads a finished run back from the cache', async () => {
    const run = async (workers: number) => {
      const dir = mkdtempSync(join(tmpdir(), `gnas-pool-${workers}-`));
      const [a, b] = await runSupernetJobs(splits, [gradientJob(settings(dir)), gradientJob(settings(dir, { seed: 4 }))], { workers });
      return { a, b, again: gradientRun(splits, settings(dir)) };
    };
    const threaded = await run(2);
    const inline = await run(0);
    const strip = ({ searchSeconds, fromCache, ...rest }: { searchSeconds: number; fromCache: boolean }) => rest;
    expect(strip(threaded.a)).toEqual(strip(inline.a));
    expect(strip(threaded.b)).toEqual(strip(inline.b));
    expect(threaded.a.fromCache).toBe(false);
    expect(threaded.again.fromCache).toBe(true);
    expect(strip(threaded.again)).toEqual(strip(threaded.a));
    expect(threaded.a.key).not.toBe(threaded.b.key);
    expect(nasbench201SearchSpace().key(NB201_EDGE_CHOICES.cellOf(inline.a.derivedChoice))).toBe(inline.a.derived);
    expect(threaded.a.history.map((h) => h.step)).toEqual([1, 3, 5, 6]);
  }, 240_000);

  it('keys runs by every setting and the images, not by the cache folder', () => {
    const base = settings('/tmp/a');
    expect(gradientRunKey(splits, base)).toBe(gradientRunKey(splits, settings('/tmp/b')));
    expect(gradientRunKey(splits, base)).not.toBe(gradientRunKey(splits, settings('/tmp/a', { tau: { start: 5, end: 0.1 } })));
  });

  it('runs VAENAS Algorithm 3 with its ranking images and counts its VAE trainings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gnas-vaenas-'));
    const run = gradientRun(splits, settings(dir, { steps: 7, sampler: { kind: 'vaenas', interval: 3, sampled: 6, topFraction: 0.5, vaeSteps: 4 }, rankingImages: { calibration: 128, evaluation: 32 } }));
    expect(run.vaeTrainings).toBe(2);
    expect(run.derived).toMatch(/^\|[a-z_0-9]+~0\|\+\|/);
  }, 120_000);
});
