// Resuming from a checkpoint of the search state (issue 19 case 9): a model-based search stopped
// midway goes on from its last round boundary instead of replaying every query, and ends with the
// result.json and query log (timing column aside) of an uninterrupted run. A checkpoint that cannot
// be used is named in the manifest and the run replays from the first query instead.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { createController } from '../../lib/controller/index';
import { loadProblem, probeSet } from '../../lib/experiments/problems';
import { runSeeds, SearchAbortedError, SEED_FILES, type RunSeedsOptions } from '../../lib/experiments/runner';
import { Rng } from '../../lib/random';
import { QUERY_LOG_COLUMNS } from '../../lib/report/query-log';
import { createAlgorithm } from '../../lib/search/algorithms';
import type { FlopsLimitedSearch } from '../../lib/search/flops-limit';
import { runSearch, SearchSession } from '../../lib/search/search';
import type { SearchCheckpoint } from '../../lib/search/search-checkpoint';
import { toyBenchmark, toySpace } from '../search/toy-problem';

const root = mkdtempSync(join(tmpdir(), 'dnas-checkpoint-'));
let latentModel: string;

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  // An untrained β-VAE controller over NAS-Bench-201: what is tested is the resume, not search quality.
  const problem = await loadProblem('nb201');
  latentModel = mkdtempSync(join(tmpdir(), 'dnas-checkpoint-latent-'));
  const controller = createController(problem.space, { hidden: 8, latentDim: 4, seed: 3 });
  controller.save(latentModel);
  controller.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Budget 40; BANANAS and dnas-acq: rounds of 10 after 10 initial cells, checkpoints at 10, 20 and 30 queried cells. */
/** The paper-faithful controller search: budget 40 is 14 initial cells and 2 iterations of 13 (checkpoints at 14 and 27 cells). */
const SHORT_CONTROLLER = { stepsLabelled: 30, warmStepsLabelled: 10, stepsCombined: 10, warmStepsCombined: 5, unlabelled: 100 };
const CASES: { algo: string; algoOptions: () => Record<string, unknown>; checkpointAt: number }[] = [
  { algo: 'bananas', algoOptions: () => ({ predictor: { members: 2, hidden: [16], epochs: 20 } }), checkpointAt: 20 },
  { algo: 'dnas-acq', algoOptions: () => ({ latentModel, starts: 3, regionDraws: 30, predictor: { members: 2, hidden: [8], epochs: 10 } }), checkpointAt: 20 },
  { algo: 'dnas', algoOptions: () => SHORT_CONTROLLER, checkpointAt: 14 },
  // Evolution checkpoints on a clock (here at every chance: every 256 proposals, the first once its population of 10 is queried).
  { algo: 're', algoOptions: () => ({ populationSize: 10, tournamentSize: 3 }), checkpointAt: 10 },
];

function options(experiment: string, c: (typeof CASES)[number], extra: Partial<RunSeedsOptions> = {}): RunSeedsOptions {
  return { experiment, space: 'nb201', algo: c.algo, budget: 40, algoOptions: c.algoOptions(), seeds: [2], resultsDir: root, workers: 0, quiet: true, checkpointEveryMs: 0, ...extra };
}
const seedDir = (experiment: string, algo: string): string => join(root, experiment, `${algo}-40`, 'seed-2');
const read = (experiment: string, algo: string, file: string): string => readFileSync(join(seedDir(experiment, algo), file), 'utf8');
function logWithoutTimes(experiment: string, algo: string): string[] {
  const time = QUERY_LOG_COLUMNS.indexOf('elapsedMs');
  return gunzipSync(readFileSync(join(seedDir(experiment, algo), SEED_FILES.finishedLog))).toString('utf8').trimEnd().split('\n').map((l) => l.split(',').filter((_, i) => i !== time).join(','));
}

describe.each(CASES)('$algo stopped midway', (c) => {
  it('resumes from its last round boundary and ends as the uninterrupted run', async () => {
    const whole = `${c.algo}-whole`;
    const killed = `${c.algo}-killed`;
    await runSeeds(options(whole, c));
    await expect(runSeeds(options(killed, c, { stopAfter: 25 }))).rejects.toThrow(SearchAbortedError);
    const checkpoint = JSON.parse(read(killed, c.algo, SEED_FILES.checkpoint)) as SearchCheckpoint;
    expect([checkpoint.algorithm, checkpoint.queried.length]).toEqual([c.algo, c.checkpointAt]);
    const loggedRows = read(killed, c.algo, SEED_FILES.log).trimEnd().split('\n').length - 1;
    const resumed = (await runSeeds(options(killed, c))).seeds[0];
    // The checkpoint's cells restored; only the logged rows after it were replayed.
    expect(resumed.resumedQueries).toBe(c.checkpointAt);
    expect(resumed.replayedRows).toBe(loggedRows - checkpoint.proposals);
    expect(resumed.replayedRows).toBeGreaterThanOrEqual(25 - c.checkpointAt);
    expect(read(killed, c.algo, SEED_FILES.result)).toBe(read(whole, c.algo, SEED_FILES.result));
    expect(logWithoutTimes(killed, c.algo)).toEqual(logWithoutTimes(whole, c.algo));
    expect(existsSync(join(seedDir(killed, c.algo), SEED_FILES.checkpoint))).toBe(false);
    expect(JSON.parse(read(killed, c.algo, SEED_FILES.manifest))).toMatchObject({ resumedQueries: c.checkpointAt, checkpointIgnored: null });
  }, 120_000);

  it('ignores a checkpoint it cannot use, says why in the manifest, and replays from the first query', async () => {
    const whole = `${c.algo}-whole`;
    for (const [name, damage, why] of [
      ['other-version', (text: string) => JSON.stringify({ ...JSON.parse(text), version: 99 }), 'version 99 (this code reads 1)'],
      ['cut', (text: string) => text.slice(0, text.length >> 1), 'checkpoint.json'],
    ] as const) {
      const killed = `${c.algo}-${name}`;
      await expect(runSeeds(options(killed, c, { stopAfter: 25 }))).rejects.toThrow(SearchAbortedError);
      const path = join(seedDir(killed, c.algo), SEED_FILES.checkpoint);
      writeFileSync(path, damage(readFileSync(path, 'utf8')));
      const resumed = (await runSeeds(options(killed, c))).seeds[0];
      expect(resumed.resumedQueries).toBe(0);
      expect(resumed.replayedRows).toBeGreaterThanOrEqual(25);
      expect(JSON.parse(read(killed, c.algo, SEED_FILES.manifest)).checkpointIgnored).toContain(why);
      expect(read(killed, c.algo, SEED_FILES.result)).toBe(read(whole, c.algo, SEED_FILES.result));
    }
  }, 120_000);
});

describe('resuming from each checkpoint an uninterrupted run saved', () => {
  // At the search level, with the counts a result.json does not hold (the FLOPs gate's) compared too.
  // Evolution has no rounds: it checkpoints on a clock, here at every chance (every 256 proposals).
  const EVOLUTION = { populationSize: 10, tournamentSize: 3 };
  it.each([
    ['bananas', 'nb201', 40, (): Record<string, unknown> => ({ predictor: { members: 2, hidden: [16], epochs: 20 } })],
    ['dnas-acq', 'nb201', 40, (): Record<string, unknown> => ({ latentModel, starts: 3, regionDraws: 30, predictor: { members: 2, hidden: [8], epochs: 10 } })],
    ['dnas', 'nb201', 40, (): Record<string, unknown> => ({ ...SHORT_CONTROLLER, flopsLimit: { limitM: 60 } })],
    ['nao', 'nb201', 40, (): Record<string, unknown> => SHORT_CONTROLLER],
    ['re', 'nb101-30k', 100, (): Record<string, unknown> => EVOLUTION],
    ['re', 'nb201', 400, (): Record<string, unknown> => ({ ...EVOLUTION, flopsLimit: { limitM: 60 } })],
  ] as const)('%s on %s (budget %i) gives the uninterrupted result from every one', async (algo, space, budget, algoOptions) => {
    const problem = await loadProblem(space);
    const run = async (resumeFrom: SearchCheckpoint | null, saved: SearchCheckpoint[] = []) => {
      const algorithm = createAlgorithm(algo, algoOptions());
      const checkpoints = { resumeFrom, everyMs: 0, save: (c: SearchCheckpoint) => saved.push(JSON.parse(JSON.stringify(c))), resumed: () => {} };
      const result = await runSearch(algorithm, { space: problem.space, benchmark: problem.makeBenchmark({ budget }), rng: new Rng(4), budget, probe: () => probeSet(problem), checkpoints });
      return { result, flops: (algorithm as Partial<FlopsLimitedSearch>).flopsStats?.() ?? null };
    };
    const saved: SearchCheckpoint[] = [];
    const whole = await run(null, saved);
    expect(saved.length).toBeGreaterThanOrEqual(2);
    if ('flopsLimit' in algoOptions()) expect(whole.flops?.discarded).not.toEqual({});
    for (const checkpoint of saved) expect(await run(checkpoint), `from ${checkpoint.queried.length} cells`).toEqual(whole);
  }, 120_000);
});

describe('SearchSession.resume', () => {
  const space = toySpace(50);
  const checkpoint = (queried: { tokens: number[]; key: string }[]): SearchCheckpoint => ({
    version: 1, algorithm: 'toy', proposals: queried.length, queried, outOfDomain: 0, repeats: 0, freeStreak: 0, byOrigin: { main: queried.length }, notes: {}, state: { round: 1 },
  });
  const session = (from: SearchCheckpoint) => new SearchSession({ space, benchmark: toyBenchmark(50), rng: new Rng(1), budget: 10, checkpoints: { resumeFrom: from, save: () => {}, resumed: () => {} } }, { source: 'toy' });

  it('puts the queried cells, the budget and the trajectory back, and returns the algorithm state', () => {
    const s = session(checkpoint([3, 7].map((c) => ({ tokens: space.encode(c), key: `c${c}` }))));
    expect(s.resume()).toEqual({ round: 1 });
    expect(s.history.map((e) => e.key)).toEqual(['c3', 'c7']);
    expect(s.remaining).toBe(8);
    // a recalled cell is charged: proposing it again is a free repeat
    expect(s.propose(7).outcome).toBe('repeat');
  });

  it('refuses a cell whose tokens decode to another key, and a resume after a proposal', () => {
    expect(() => session(checkpoint([{ tokens: space.encode(3), key: 'c4' }])).resume()).toThrow('checkpoint cell c4 decodes to c3');
    const s = session(checkpoint([]));
    s.propose(1);
    expect(() => s.resume()).toThrow('resume() must come before the first proposal (1 made)');
  });
});
