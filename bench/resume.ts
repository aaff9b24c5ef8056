// Benchmark: what a search-state checkpoint saves when a killed seed is resumed. For the model-based
// searches of the NAS-Bench-201 Table 1 grid at 300 queries (default settings), one seed is run
// uninterrupted, and once stopped (as a kill) after each stop point; its folder is then resumed
// twice side by side — from its checkpoint, and with the checkpoint removed (replaying every logged
// query from the first, as before checkpoints) — and both must end with the uninterrupted result.
// Measures only. Usage: npm run bench -- resume
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSeeds, SearchAbortedError, SEED_FILES, type RunSeedsOptions } from '../lib/experiments/runner';
import { searchLatentModel } from '../lib/experiments/search-latent-model';

const SPACE = 'nb201';
const BUDGET = 300;

/** Seconds of the uninterrupted seed and of each resume, per algorithm and stop point. */
export async function benchResume(options: { stops?: readonly number[]; seed?: number } = {}): Promise<Record<string, unknown>> {
  // 150: mid-budget; 250: inside the controller search's last iteration (its checkpoints fall at 100 and 200 cells).
  const stops = options.stops ?? [150, 250];
  const seed = options.seed ?? 0;
  const latentModel = await searchLatentModel(SPACE);
  const cases: { algo: string; algoOptions: Record<string, unknown> }[] = [{ algo: 'bananas', algoOptions: {} }, { algo: 'dnas-acq', algoOptions: { latentModel } }, { algo: 'dnas', algoOptions: {} }];
  const rows: Record<string, unknown>[] = [];
  for (const { algo, algoOptions } of cases) {
    const root = mkdtempSync(join(tmpdir(), 'dnas-bench-resume-'));
    const opts = (experiment: string, extra: Partial<RunSeedsOptions> = {}): RunSeedsOptions => ({ experiment, space: SPACE, algo, budget: BUDGET, algoOptions, seeds: [seed], resultsDir: root, workers: 0, quiet: true, ...extra });
    const seedDir = (experiment: string) => join(root, experiment, `${algo}-${BUDGET}`, `seed-${seed}`);
    const result = (experiment: string) => readFileSync(join(seedDir(experiment), SEED_FILES.result), 'utf8');
    const whole = (await runSeeds(opts('whole'))).seeds[0];
    for (const stop of stops) {
      const killed = `killed-${stop}`;
      await runSeeds(opts(killed, { stopAfter: stop })).catch((error: unknown) => {
        if (!(error instanceof SearchAbortedError)) throw error;
      });
      cpSync(seedDir(killed), seedDir(`${killed}-replay`), { recursive: true });
      rmSync(join(seedDir(`${killed}-replay`), SEED_FILES.checkpoint), { force: true });
      // Alternate which resume goes first, so a drifting host does not favour one.
      const order = stop === stops[0] ? [killed, `${killed}-replay`] : [`${killed}-replay`, killed];
      const seconds: Record<string, number> = {};
      const restored: Record<string, number> = {};
      for (const experiment of order) {
        const summary = (await runSeeds(opts(experiment))).seeds[0];
        seconds[experiment] = summary.wallSeconds;
        restored[experiment] = summary.resumedQueries;
      }
      rows.push({
        algo, stopAfter: stop, uninterruptedSeconds: whole.wallSeconds,
        checkpointQueries: restored[killed], resumeFromCheckpointSeconds: seconds[killed], resumeByReplaySeconds: seconds[`${killed}-replay`],
        ratio: seconds[killed] / seconds[`${killed}-replay`], savedSeconds: seconds[`${killed}-replay`] - seconds[killed],
        identicalToUninterrupted: result(killed) === result('whole') && result(`${killed}-replay`) === result('whole'),
      });
    }
    rmSync(root, { recursive: true, force: true });
  }
  return { space: SPACE, budget: BUDGET, seed, workers: 0, rows };
}
