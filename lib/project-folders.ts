// The project's own folders: its root (where package.json is), the cache folder every cached
// artefact (enumerated space, trained controllers, VAE samplers) lives under, and the results folder. Paths only: no I/O beyond existsSync.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Environment variable naming the cache folder (overrides the default, not an explicit option). */
export const CACHE_DIR_ENV = 'DNAS_CACHE_DIR';

/**
 * The project root: the nearest folder at or above `startDir` holding package.json.
 * Found from this file's location, not process.cwd(), so notebooks and tests agree.
 * @throws Error when no package.json exists above `startDir`.
 */
export function projectRoot(startDir: string = __dirname): string {
  let dir = resolve(startDir);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json found in ${startDir} or any folder above it`);
    dir = parent;
  }
}

/** The cache folder: `cacheDir` when given, else $DNAS_CACHE_DIR, else `<project root>/.cache`. */
export function cacheRoot(cacheDir?: string): string {
  return cacheDir ?? process.env[CACHE_DIR_ENV] ?? join(projectRoot(), '.cache');
}

/** Environment variable naming the results folder (the notebook runner's --results sets it). */
export const RESULTS_DIR_ENV = 'DNAS_RESULTS_DIR';

/** The results folder: `resultsDir` when given, else $DNAS_RESULTS_DIR, else `<project root>/results`. */
export function resultsRoot(resultsDir?: string): string {
  return resolve(resultsDir ?? process.env[RESULTS_DIR_ENV] ?? join(projectRoot(), 'results'));
}

/** What a folder name under the results or cache folder may be: see checkFolderName. */
const FOLDER_NAME = /^[A-Za-z0-9_][\w.-]*$/;

/**
 * Check a name that becomes one folder under the results or cache folder (an experiment, a
 * notebook, a run id): letters, digits, '.', '_' and '-', not starting with '.', so it is never a
 * path, `.`, `..` or a hidden folder, and a result can only land inside the folder it belongs to.
 * @returns the name.
 * @throws Error naming the kind, the value and the rule.
 */
export function checkFolderName(kind: string, name: string): string {
  if (typeof name !== 'string' || !FOLDER_NAME.test(name)) {
    throw new Error(`${kind} must be letters, digits, '.', '_' or '-', not starting with '.' (one folder name, never a path, '.' or '..'): got ${JSON.stringify(name)}`);
  }
  return name;
}
