// A seed folder's files (results/<experiment>/<algo>-<budget>/seed-<k>/): their names, the config
// that claims the folder, the finished seed read back, and the lock check before finishing.
// runner.ts runs seeds into these folders; derived-seed.ts writes snapshot seeds into them.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeJsonAtomically } from '../atomic-file';
import { canonicalJson } from '../canonical-json';
import { holdsLock, readOwner } from '../folder-lock';
import { CorruptFileError, readJsonObject } from '../json-file';
import { COMPRESSED_LOG_SUFFIX } from '../report/query-log';
import type { SearchResult } from '../search/search';
import type { SeedSummary } from './runner';

/**
 * File names inside a seed folder. `log` is the plain CSV of a running or interrupted seed;
 * once the seed finishes it becomes `finishedLog` (gzipped, same rows: read it with readQueryLog).
 */
export const SEED_FILES = {
  config: 'config.json',
  manifest: 'manifest.json',
  log: 'query-log.csv',
  finishedLog: `query-log.csv${COMPRESSED_LOG_SUFFIX}`,
  result: 'result.json',
  /** The last round-boundary checkpoint of a running or interrupted seed (search-checkpoint.ts); removed when it finishes. */
  checkpoint: 'checkpoint.json',
} as const;

/**
 * Refuse to finish a seed whose folder lock passed to another run meanwhile (a takeover of a lock
 * this run could not refresh): that run owns the folder now, and its files are left to it.
 * @param lockToken the token of the lock taken for this run; undefined: the caller holds none (nothing to check).
 */
export function checkStillHeld(dir: string, lockToken: string | undefined): void {
  if (lockToken === undefined) return;
  if (!holdsLock(dir, lockToken)) {
    const owner = readOwner(dir);
    throw new Error(`${dir}: this run lost the folder's lock${owner === null ? '' : ` to pid ${owner.pid} on host ${owner.host} (${owner.purpose})`}; it stops without writing its result, which is left to that run`);
  }
}

/** Write config.json (atomically), or check that the one there is the same config (key order aside). */
export function claimFolder(path: string, config: Record<string, unknown>): void {
  if (!existsSync(path)) {
    writeJsonAtomically(path, config);
    return;
  }
  const old = readSeedFile(path);
  if (canonicalJson(old) !== canonicalJson(config)) {
    throw new Error(`${path} holds a different config: ${canonicalJson(old)} (now ${canonicalJson(config)}); use another experiment name or delete the folder`);
  }
}

/** A JSON state file of a seed folder; a corrupt one is an error naming it and the way out. */
export function readSeedFile(path: string): Record<string, unknown> {
  try {
    return readJsonObject(path);
  } catch (error) {
    if (!(error instanceof CorruptFileError)) throw error;
    throw new CorruptFileError({ file: path, reason: `${error.corrupt.reason}; the seed cannot be trusted: delete its folder ${dirname(path)} to run it again` });
  }
}

/** The finished seed's summary when result.json is present (config already checked), else null. */
export function readFinished(dir: string, seed: number): SeedSummary | null {
  const path = join(dir, SEED_FILES.result);
  if (!existsSync(path)) return null;
  const stored = readSeedFile(path) as unknown as SearchResult & { seed?: number; config?: unknown };
  // result.json is the search result plus the seed and config it was run with.
  const result: SearchResult = { ...stored };
  delete (result as { seed?: number }).seed;
  delete (result as { config?: unknown }).config;
  const manifest = readSeedFile(join(dir, SEED_FILES.manifest)) as { wallSeconds?: number | null; dataFile?: unknown; reportDataFile?: unknown; derivedFrom?: unknown };
  const dataFiles = [manifest.dataFile, manifest.reportDataFile].filter((f): f is string => typeof f === 'string');
  const derived = typeof manifest.derivedFrom === 'string' ? { derivedFrom: manifest.derivedFrom } : {};
  return { seed, dir, result, wallSeconds: manifest.wallSeconds ?? 0, skipped: true, replayedRows: 0, resumedQueries: 0, dataFiles, ...derived };
}
