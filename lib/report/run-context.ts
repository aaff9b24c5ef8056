// One notebook run's results folder, `results/<notebook>/<runId>/`, with its config and manifest.
// It must not compute anything: callers write their own files through `path()`; the manifest only
// records provenance (seed, scale, git commit, versions, times, the TF.js backend the caller reports).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Seed } from '../random';
import { checkFolderName, RESULTS_DIR_ENV, resultsRoot } from '../project-folders';
import { canonicalJson } from '../canonical-json';
import { writeJsonAtomically } from '../atomic-file';
import { readJsonObject } from '../json-file';

/** Run sizes every notebook accepts: a quick CI-sized check, or the paper-sized run. */
export const SCALES = ['smoke', 'full'] as const;
/** A run size; see SCALES. */
export type Scale = (typeof SCALES)[number];

/** Environment variables the notebook runner (cli/run-notebooks.ts) sets for the kernel. */
export const RUN_ENV = { scale: 'DNAS_SCALE', resultsDir: RESULTS_DIR_ENV, notebook: 'DNAS_NOTEBOOK', reportsDir: 'DNAS_REPORTS_DIR' } as const;

/** Packages whose versions go into every manifest (null when not installed). */
export const RECORDED_PACKAGES: readonly string[] = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  'arquero',
  'danfojs',
  'plotly.js-dist-min',
  'tslab',
  'typescript',
];

/** What `manifest.json` holds; `finishedAt`/`wallSeconds` stay null until `finish()`. */
export interface RunManifest {
  notebook: string;
  runId: string;
  scale: Scale;
  seed: Seed;
  config: Record<string, unknown>;
  /** 8 hex digits of SHA-256 over the config with sorted keys; also the runId's suffix. */
  configHash: string;
  /** `git rev-parse HEAD` of the project, null outside a repository. */
  gitCommit: string | null;
  /** Whether tracked files differed from that commit when the run started; null outside git. */
  gitDirty: boolean | null;
  node: string;
  packages: Record<string, string | null>;
  /** TF.js backend name as lib/backend.ts reports it; the caller fills it in, null if unused. */
  backend: string | null;
  startedAt: string;
  finishedAt: string | null;
  wallSeconds: number | null;
}

/** Arguments of `startRun`. */
export interface StartRunOptions {
  /** Notebook name without `.ipynb`; default `$DNAS_NOTEBOOK` (set by the runner). */
  notebook?: string;
  /** Default `$DNAS_SCALE` (set by the runner). */
  scale?: string;
  seed: Seed;
  /** JSON-serialisable settings of this run (what the notebook's parameters cell decided). */
  config?: Record<string, unknown>;
  /** Reuse an existing run folder (e.g. to resume); its config must match. */
  runId?: string;
  /** Default `$DNAS_RESULTS_DIR`, else `<project root>/results` (resultsRoot, as search runs use). */
  resultsDir?: string;
  /** Injectable clock for tests; default `() => new Date()`. */
  clock?: () => Date;
}

let current: RunContext | null = null;

/** A started run: its folder, its manifest, and a way to name files inside it. */
export class RunContext {
  /** TF.js backend used by this run; set it (e.g. from lib/backend.ts) before `finish()`. */
  backend: string | null = null;
  private finished = false;

  /** Use `startRun`, which creates the folder and writes config.json and manifest.json. */
  constructor(
    /** Absolute path of `results/<notebook>/<runId>/`. */
    readonly dir: string,
    readonly manifest: RunManifest,
    private readonly clock: () => Date,
  ) {}

  get runId(): string {
    return this.manifest.runId;
  }

  /**
   * Absolute path of a file inside the run folder; creates its parent folders.
   * @param file Relative path such as `figures/fig-1.json`.
   * @throws Error when the path is absolute or leaves the run folder.
   */
  path(file: string): string {
    const full = path.resolve(this.dir, file);
    if (path.isAbsolute(file) || !full.startsWith(this.dir + path.sep)) {
      throw new Error(`file must be a relative path inside the run folder: got '${file}'`);
    }
    mkdirSync(path.dirname(full), { recursive: true });
    return full;
  }

  /**
   * Record the end time, wall time and backend in manifest.json.
   * @throws Error when the run was already finished.
   */
  finish(): RunManifest {
    if (this.finished) throw new Error(`run ${this.runId} is already finished`);
    this.finished = true;
    const end = this.clock();
    this.manifest.backend = this.backend;
    this.manifest.finishedAt = end.toISOString();
    this.manifest.wallSeconds = (end.getTime() - Date.parse(this.manifest.startedAt)) / 1000;
    writeJsonAtomically(path.join(this.dir, 'manifest.json'), this.manifest);
    return this.manifest;
  }
}

/**
 * Start a run: create `results/<notebook>/<runId>/`, write config.json and manifest.json, and make
 * it the process's current run (so figures shown afterwards are saved into it).
 * runId = UTC timestamp + config hash (`20250101T120000Z-1a2b3c4d`) unless `runId` is given.
 * @throws Error when the notebook name or scale is missing or invalid, the config is not JSON,
 *   or a reused run folder holds a different config.
 */
export function startRun(options: StartRunOptions): RunContext {
  const notebook = checkNotebook(options.notebook ?? process.env[RUN_ENV.notebook]);
  const scale = checkScale(options.scale ?? process.env[RUN_ENV.scale]);
  const config = options.config ?? {};
  const hash = configHash(config);
  const clock = options.clock ?? (() => new Date());
  const start = clock();
  const runId = options.runId ?? makeRunId(start, hash);
  const resultsDir = resultsRoot(options.resultsDir);
  const dir = path.join(resultsDir, notebook, checkRunId(runId));
  mkdirSync(dir, { recursive: true });
  writeConfig(path.join(dir, 'config.json'), config, runId);
  const manifest: RunManifest = {
    notebook, runId, scale, seed: options.seed, config, configHash: hash,
    ...gitState(), node: process.version, packages: packageVersions(),
    backend: null, startedAt: start.toISOString(), finishedAt: null, wallSeconds: null,
  };
  writeJsonAtomically(path.join(dir, 'manifest.json'), manifest);
  current = new RunContext(dir, manifest, clock);
  return current;
}

/** The run most recently started in this process, or null (e.g. outside a notebook run). */
export function currentRun(): RunContext | null {
  return current;
}

/** Forget the current run (tests; a notebook starting a second run just calls startRun again). */
export function clearCurrentRun(): void {
  current = null;
}

/**
 * 8 hex digits of SHA-256 over the config serialised with sorted keys, so key order does not matter.
 * @throws Error when the config holds a value JSON cannot represent (function, NaN, Infinity, bigint).
 */
export function configHash(config: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 8);
}

/** `YYYYMMDDTHHMMSSZ-<hash>` from a start time (UTC) and a config hash. */
export function makeRunId(start: Date, hash: string): string {
  const stamp = start.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${stamp}-${hash}`;
}

function checkNotebook(name: string | undefined): string {
  if (!name) throw new Error(`notebook name missing: pass { notebook } or set ${RUN_ENV.notebook}`);
  if (!/^[A-Za-z0-9][\w.-]*$/.test(name) || name.endsWith('.ipynb')) {
    throw new Error(`notebook name must be a plain file name without .ipynb: got '${name}'`);
  }
  return name;
}

function checkScale(scale: string | undefined): Scale {
  if (!SCALES.includes(scale as Scale)) {
    throw new Error(`scale must be one of ${SCALES.join(', ')}: got '${scale}' (pass { scale } or set ${RUN_ENV.scale})`);
  }
  return scale as Scale;
}

function checkRunId(runId: string): string {
  return checkFolderName('runId', runId);
}

function writeConfig(file: string, config: Record<string, unknown>, runId: string): void {
  if (existsSync(file)) {
    const old = readJsonObject(file);
    if (canonicalJson(old) !== canonicalJson(config)) {
      throw new Error(`run ${runId} exists with a different config (hash ${configHash(old)}, now ${configHash(config)})`);
    }
  }
  writeJsonAtomically(file, config);
}

/** The project root (lib/report → ../../), where node_modules and .git live. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The project's git commit and whether tracked files differ from it (nulls outside a git checkout). */
export function gitState(): { gitCommit: string | null; gitDirty: boolean | null } {
  const gitCommit = git(['rev-parse', 'HEAD']);
  if (gitCommit === null) return { gitCommit, gitDirty: null };
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { gitCommit, gitDirty: status === null ? null : status.length > 0 };
}

/** Installed versions of RECORDED_PACKAGES, read from the project's node_modules (null when absent). */
export function packageVersions(): Record<string, string | null> {
  const root = PROJECT_ROOT;
  const versions: Record<string, string | null> = {};
  for (const name of RECORDED_PACKAGES) {
    const file = path.join(root, 'node_modules', name, 'package.json');
    versions[name] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : null;
  }
  return versions;
}
