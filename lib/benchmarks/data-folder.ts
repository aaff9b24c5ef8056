// Finds the folder holding the benchmark data files (env var, project datasets/, shared datasets/).
// It only resolves paths: it never reads, copies or downloads data.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../project-folders';
import { DataFileError } from './errors';

export { projectRoot };

/** Environment variable that names the data folder; when set, it is the only place looked (as an explicit dataDir). */
export const DATA_DIR_ENV = 'DNAS_DATA_DIR';

/** Where to look and what to consult; every field defaults to the real environment. */
export interface DataFolderOptions {
  /** A folder the caller names explicitly; when given it is the ONLY place looked. */
  dataDir?: string;
  /** Environment to read `DNAS_DATA_DIR` from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Project root (default: the folder holding package.json above this file). */
  root?: string;
}

/** One place a data file may live, with why it is on the list (for error messages). */
export interface DataCandidate {
  readonly dir: string;
  readonly source: string;
}

/**
 * The folders to search, in order: an explicit `dataDir` alone; otherwise `$DNAS_DATA_DIR` alone
 * when set (a folder the user named must not be silently replaced by another: a misspelt or
 * half-filled one is an error); otherwise `<root>/datasets`, then `<root>/../shared/datasets`.
 */
export function dataCandidates(options: DataFolderOptions = {}): DataCandidate[] {
  if (options.dataDir !== undefined) return [{ dir: resolve(options.dataDir), source: 'dataDir option' }];
  const env = options.env ?? process.env;
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return [{ dir: resolve(fromEnv), source: DATA_DIR_ENV }];
  const root = options.root ?? projectRoot();
  return [
    { dir: join(root, 'datasets'), source: 'project datasets/' },
    { dir: resolve(root, '..', 'shared', 'datasets'), source: 'shared datasets/' },
  ];
}

/**
 * Absolute path of a data file: the first candidate folder (see `dataCandidates`) that holds
 * `relativePath` as a regular file. Only the two default folders fall through to each other.
 * @param relativePath e.g. `nasbench101/val-subset-30k.csv`.
 * @throws DataFileError listing every place looked and the file expected.
 */
export function resolveDataFile(relativePath: string, options: DataFolderOptions = {}): string {
  const candidates = dataCandidates(options);
  for (const { dir } of candidates) {
    const path = join(dir, relativePath);
    if (isFile(path)) return path;
  }
  const looked = candidates.map((c) => `${join(c.dir, relativePath)} (${c.source})`).join('; ');
  const named = candidates[0].source === DATA_DIR_ENV ? `; ${DATA_DIR_ENV} is the only place looked when set: fix or unset it` : '';
  throw new DataFileError(
    relativePath,
    `${relativePath} not found; looked in: ${looked}${named}. ${named === '' ? `Set ${DATA_DIR_ENV} or see` : 'See'} environment.md`,
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
