// Benchmark: what a search-state checkpoint saves when a killed seed is resumed. For the model-based
// searches of the NAS-Bench-201 Table 1 grid at 300 queries (default settings), and regularized
// evolution at 2,000 queries on the 30k sample, one seed is run uninterrupted (evolution's also
// without checkpoints, for their cost), and once stopped (as a kill) after each stop point; its folder is then resumed
// twice side by side — from its checkpoint, and with the checkpoint removed (replaying every logged
// query from the first, as before checkpoints) — and both must end with the uninterrupted result.
// Measures only. Usage: npm run bench -- resume
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSeeds, SearchAbortedError, SEED_FILES, type RunSeedsOptions } from '../lib/experiments/runner';
import { loadProblem } from '../lib/experiments/problems';
import { searchLatentModel } from '../lib/experiments/search-latent-model';

const SPACE = 'nb201';
const BUDGET = 300;

/** Seconds of the uninterrupted seed and of each resume, per algorithm and stop point. */
export async function benchResume(options: { stops?: readonly number[]; seed?: number } = {}): Promise<Record<string, unknown>> {
  // 150: mid-budget; 250: inside the controller search's last iteration (its checkpoints fall at 100 and 200 cells).
  const stops = options.stops ?? [150, 250];
  const seed = options.seed ?? 0;
  const latentModel = await searchLatentModel(SPACE);
  // The model-based searches checkpoint every round; evolution (regularized evolution at 2,000 queries on the 30k
  // sample, the search issue 19 timed) on a clock, every CHECKPOINT_EVERY_MS.
  const cases: { algo: string; space: string; budget: number; algoOptions: Record<string, unknown>; stops: readonly number[] }[] = [
    { algo: 'bananas', space: SPACE, budget: BUDGET, algoOptions: {}, stops },
    { algo: 'dnas-acq', space: SPACE, budget: BUDGET, algoOptions: { latentModel }, stops },
    { algo: 'dnas', space: SPACE, budget: BUDGET, algoOptions: {}, stops },
    { algo: 're', space: 'nb101-30k', budget: 2000, algoOptions: {}, stops: [1000, 1800] },
  ];
  const rows: Record<string, unknown>[] = [];
  for (const { algo, space, budget, algoOptions, stops: points } of cases) {
    await loadProblem(space); // loaded once per process: no run below pays for it
    const root = mkdtempSync(join(tmpdir(), 'dnas-bench-resume-'));
    const opts = (experiment: string, extra: Partial<RunSeedsOptions> = {}): RunSeedsOptions => ({ experiment, space, algo, budget, algoOptions, seeds: [seed], resultsDir: root, workers: 0, quiet: true, ...extra });
    const seedDir = (experiment: string) => join(root, experiment, `${algo}-${budget}`, `seed-${seed}`);
    const result = (experiment: string) => readFileSync(join(seedDir(experiment), SEED_FILES.result), 'utf8');
    const manifest = (experiment: string) => JSON.parse(readFileSync(join(seedDir(experiment), SEED_FILES.manifest), 'utf8')) as { checkpointsWritten: number; checkpointWriteSeconds: number };
    const whole = (await runSeeds(opts('whole'))).seeds[0];
    const overhead = { checkpointsWritten: manifest('whole').checkpointsWritten, checkpointWriteSeconds: manifest('whole').checkpointWriteSeconds, ...(algo === 're' ? await evolutionOverhead(opts) : {}) };
    for (const stop of points) {
      const killed = `killed-${stop}`;
      await runSeeds(opts(killed, { stopAfter: stop })).catch((error: unknown) => {
        if (!(error instanceof SearchAbortedError)) throw error;
      });
      cpSync(seedDir(killed), seedDir(`${killed}-replay`), { recursive: true });
      rmSync(join(seedDir(`${killed}-replay`), SEED_FILES.checkpoint), { force: true });
      // Alternate which resume goes first, so a drifting host does not favour one.
      const order = stop === points[0] ? [killed, `${killed}-replay`] : [`${killed}-replay`, killed];
      const seconds: Record<string, number> = {};
      const restored: Record<string, number> = {};
      for (const experiment of order) {
        const summary = (await runSeeds(opts(experiment))).seeds[0];
        seconds[experiment] = summary.wallSeconds;
        restored[experiment] = summary.resumedQueries;
      }
      rows.push({
        algo, space, budget, stopAfter: stop, uninterruptedSeconds: whole.wallSeconds, ...overhead,
        checkpointQueries: restored[killed], resumeFromCheckpointSeconds: seconds[killed], resumeByReplaySeconds: seconds[`${killed}-replay`],
        ratio: seconds[killed] / seconds[`${killed}-replay`], savedSeconds: seconds[`${killed}-replay`] - seconds[killed],
        identicalToUninterrupted: result(killed) === result('whole') && result(`${killed}-replay`) === result('whole'),
      });
    }
    rmSync(root, { recursive: true, force: true });
  }
  return { seed, workers: 0, rows };
}

/**
 * What clock-driven checkpoints cost an uninterrupted evolution seed: the same seed with them and
 * without (a clock that never comes due), in the order without, with, with, without, after the
 * timed runs above warmed the space's hash memo (which favours whichever runs later).
 */
async function evolutionOverhead(opts: (experiment: string, extra?: Partial<RunSeedsOptions>) => RunSeedsOptions): Promise<Record<string, number>> {
  const sums = { with: 0, without: 0 };
  for (const [i, setting] of (['without', 'with', 'with', 'without'] as const).entries()) {
    const summary = (await runSeeds(opts(`overhead-${i}`, setting === 'with' ? {} : { checkpointEveryMs: Infinity }))).seeds[0];
    sums[setting] += summary.wallSeconds / 2;
  }
  return { uninterruptedWithCheckpointsSeconds: sums.with, uninterruptedWithoutCheckpointsSeconds: sums.without, checkpointOverheadRatio: sums.with / sums.without };
}
