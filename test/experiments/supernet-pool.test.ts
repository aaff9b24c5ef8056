// Tests of the supernet job pool on real Fashion-MNIST (a few hundred images, the smoke space, a few
// steps): worker threads give exactly what the same jobs give in this thread, identical jobs run once,
// a search never trains its supernet, and the evaluation cache tolerates a line being appended.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImageSplits, searchEvaluationData, spaceFor, SUPERNET_SCHEDULES, supernetEvaluator, type ImageSplits } from '../../lib/experiments/supernet';
import { searchJob, standaloneJob, supernetJob, type SupernetSettings } from '../../lib/experiments/supernet-jobs';
import { runSupernetJobs } from '../../lib/experiments/supernet-pool';
import { Rng } from '../../lib/random';
import { SubnetEvaluator } from '../../lib/supernet/oneshot-benchmark';
import { LayerChoiceSpace } from '../../lib/supernet/space';

const EVALUATION = { calibration: 128, evaluation: 100 };
let splits: ImageSplits;
let space: LayerChoiceSpace;

beforeAll(async () => {
  splits = await loadImageSplits('fashion-mnist', { validation: 100, seed: 0, trainLimit: 600, testLimit: 200, quiet: true });
  space = new LayerChoiceSpace(spaceFor('fashion-mnist', SUPERNET_SCHEDULES.smoke));
}, 60_000);

const settings = (cacheDir: string): SupernetSettings => ({ config: space.config, steps: 6, batchSize: 16, learningRate: 0.05, seed: 2, sampling: { kind: 'uniform' }, cacheDir });
const standalone = (cacheDir: string) => ({ steps: 4, batchSize: 16, learningRate: 0.05, seed: 1, cacheDir });

describe('runSupernetJobs', () => {
  it('gives the same supernets, stand-alone results and searches on 2 threads as in this thread', async () => {
    const archs = [space.sampleUniform(new Rng(1)), space.sampleUniform(new Rng(2))];
    const run = async (workers: number) => {
      const dir = mkdtempSync(join(tmpdir(), `pool-${workers}-`));
      const lines: string[] = [];
      const [supernet, a, b, again] = await runSupernetJobs(splits, [supernetJob(settings(dir)), ...archs.map((x) => standaloneJob(space.config, x, standalone(dir))), standaloneJob(space.config, archs[0], standalone(dir))], { workers, onDone: (l) => lines.push(l) });
      const limit = { limitM: space.flopsRangeM().max * 0.8, toleranceM: 0 };
      const searches = await runSupernetJobs(splits, (['random', 'evolution'] as const).map((method) => searchJob({ supernet: settings(dir), evaluation: EVALUATION, method, limit, budget: 5, seeds: [1, 2] })), { workers });
      const accuracy = supernetEvaluator(supernet, searchEvaluationData(splits, EVALUATION)).record(archs[1]).valAccuracy;
      return { supernet, a, b, again, searches, accuracy, lines };
    };
    const threaded = await run(2);
    const inline = await run(0);
    expect(threaded.supernet.key).toBe(inline.supernet.key);
    expect(threaded.supernet.fromCache).toBe(false);
    expect(threaded.accuracy).toBe(inline.accuracy);
    const strip = ({ trainSeconds, fromCache, ...rest }: { trainSeconds: number; fromCache: boolean }) => rest;
    expect(strip(threaded.a)).toEqual(strip(inline.a));
    expect(strip(threaded.b)).toEqual(strip(inline.b));
    expect(threaded.again).toBe(threaded.a); // the repeated job ran once
    expect(threaded.lines).toHaveLength(3);
    expect(threaded.lines.filter((l) => /\(3\/3 done, \d+ s\)$/.test(l))).toHaveLength(1);
    expect(threaded.lines.filter((l) => l.startsWith('supernet uniform: ') && l.includes(' trained in '))).toHaveLength(1);
    for (const [t, i] of threaded.searches.map((s, k) => [s, inline.searches[k]] as const)) {
      expect(t.method).toBe(i.method);
      expect(t.results.map((r) => r.best)).toEqual(i.results.map((r) => r.best));
      expect(t.results.every((r) => r.queried === 5 && space.flopsM(space.architecture(r.best!.key)) <= space.flopsRangeM().max * 0.8)).toBe(true);
    }
  }, 240_000);

  it('fails a search whose supernet is not trained, naming the job, and rejects a bad worker count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pool-untrained-'));
    const job = searchJob({ supernet: settings(dir), evaluation: EVALUATION, method: 'random', limit: undefined, budget: 3, seeds: [1] });
    await expect(runSupernetJobs(splits, [job], { workers: 1 })).rejects.toThrow(/^search random no limit: supernet [0-9a-f]{16} is not trained in the cache/);
    await expect(runSupernetJobs(splits, [job], { workers: -1 })).rejects.toThrow('workers must be an integer ≥ 0: got -1');
  }, 60_000);
});

describe('SubnetEvaluator cache file', () => {
  const supernetStub = { space } as never;
  const data = {} as never;

  it('reads whole lines only, leaving a line another thread is still writing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'evals-')), 'evaluations.jsonl');
    writeFileSync(file, '{"key":"a","valAccuracy":0.5}\n{"key":"b","valAccuracy":0.25}\n');
    appendFileSync(file, '{"key":"c","valAcc');
    expect(new SubnetEvaluator(supernetStub, data, file).known).toBe(2);
  });

  it('names the file and line of a corrupt entry', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'evals-')), 'evaluations.jsonl');
    writeFileSync(file, '{"key":"a","valAccuracy":0.5}\nnot json\n');
    expect(() => new SubnetEvaluator(supernetStub, data, file)).toThrow(`${file} line 2 is not JSON: "not json" (delete the file to evaluate again)`);
  });
});
