// A seed of an anytime search at a smaller budget, written from a snapshot of the same seed's run
// at a larger budget (budget-snapshot.ts) instead of being run again: its result is the snapshot,
// its query log the first rows of the larger run's log, its manifest says where it came from.
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeJsonAtomically } from '../atomic-file';
import { writeQueryLogPrefix } from '../report/query-log';
import type { BudgetSnapshot } from '../search/budget-snapshot';
import type { SeedSummary } from './runner';
import { checkStillHeld, claimFolder, readFinished, SEED_FILES } from './seed-folder';

/** A smaller-budget seed folder a run also fills from its snapshots. */
export interface DerivedSeed {
  readonly budget: number;
  /** The seed folder (results/<experiment>/<algo>-<budget>/seed-<k>/). */
  readonly dir: string;
  /** The token of the folder's lock taken for this job (folder-lock.ts); absent: the caller holds none. */
  readonly lockToken?: string;
}

/** A snapshot with the seconds the larger run had taken when it was taken. */
export interface TakenSnapshot extends BudgetSnapshot {
  readonly seconds: number;
}

/** The finished larger run a derived seed is cut from. */
export interface SnapshotSource {
  readonly dir: string;
  /** Its finished (gzipped) query log. */
  readonly log: string;
  /** Its final manifest (provenance, data files, start time). */
  readonly manifest: Readonly<Record<string, unknown>>;
}

/**
 * Write `target` from `snapshot` of the run in `from`: config.json (`stored`, the config a run at
 * the smaller budget stores), the first `snapshot.rows` rows of its log, a manifest naming the
 * source (`derivedFrom`, `derivedRows`; `wallSeconds`: the larger run's seconds up to the snapshot)
 * and result.json last. A folder already finished with the same config is left as it is.
 * @throws Error when the folder holds another config or its lock passed to another run.
 */
export function writeDerivedSeed(target: DerivedSeed, seed: number, stored: Record<string, unknown>, snapshot: TakenSnapshot, from: SnapshotSource): SeedSummary {
  mkdirSync(target.dir, { recursive: true });
  claimFolder(join(target.dir, SEED_FILES.config), stored);
  const finished = readFinished(target.dir, seed);
  if (finished !== null) return finished;
  checkStillHeld(target.dir, target.lockToken);
  // An interrupted attempt at running this budget on its own may have left a plain log and a checkpoint.
  rmSync(join(target.dir, SEED_FILES.log), { force: true });
  rmSync(join(target.dir, SEED_FILES.checkpoint), { force: true });
  writeQueryLogPrefix(from.log, join(target.dir, SEED_FILES.finishedLog), snapshot.rows);
  const derivedFrom = relative(target.dir, from.dir);
  writeJsonAtomically(join(target.dir, SEED_FILES.manifest), {
    ...from.manifest, config: stored, replayedRows: 0, resumedQueries: 0, checkpointIgnored: null, checkpointsWritten: 0, checkpointWriteSeconds: 0,
    finishedAt: new Date().toISOString(), wallSeconds: snapshot.seconds, derivedFrom, derivedRows: snapshot.rows,
  });
  writeJsonAtomically(join(target.dir, SEED_FILES.result), { seed, config: stored, ...snapshot.result });
  const dataFiles = [from.manifest.dataFile, from.manifest.reportDataFile].filter((f): f is string => typeof f === 'string');
  return { seed, dir: target.dir, result: snapshot.result, wallSeconds: snapshot.seconds, skipped: false, replayedRows: 0, resumedQueries: 0, dataFiles, derivedFrom };
}
