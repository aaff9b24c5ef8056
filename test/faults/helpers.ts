// Shared by the fault-injection suite (test/faults/): the real `dnas` command run as a child
// process, temp folders, and a data folder assembled from the real files with one file damaged.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REAL_DATASETS } from '../real-data';

export const ROOT = join(__dirname, '..', '..');
const DNAS = join(ROOT, 'cli', 'dnas.cjs');

/** A fresh temp folder. */
export function tempFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dnas-fault-${prefix}-`));
}

/** What a finished `dnas` call left. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `dnas …` to the end with extra environment variables. */
export function dnasSync(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const run = spawnSync(process.execPath, [DNAS, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Start `dnas …` in the background. */
export function dnasChild(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [DNAS, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Wait for a child to exit; resolves with its exit code (null when killed) and output. */
export function finished(child: ChildProcess): Promise<CliRun & { readonly signal: NodeJS.Signals | null }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}

/**
 * A data folder holding every real data file (symlinked), with `relativePath` replaced by
 * `content` (a real file damaged by the caller).
 */
export function dataFolderWith(relativePath: string, content: string | Buffer): string {
  const dir = tempFolder('data');
  for (const sub of readdirSync(REAL_DATASETS, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    mkdirSync(join(dir, sub.name));
    for (const file of readdirSync(join(REAL_DATASETS, sub.name))) symlinkSync(join(REAL_DATASETS, sub.name, file), join(dir, sub.name, file));
  }
  const target = join(dir, relativePath);
  rmSync(target, { force: true });
  writeFileSync(target, content);
  return dir;
}

/** A real data file's text. */
export function realDataText(relativePath: string): string {
  return readFileSync(join(REAL_DATASETS, relativePath), 'utf8');
}

/** A copy of a real data file (for tests that must not follow a symlink). */
export function copyRealData(relativePath: string, to: string): void {
  copyFileSync(join(REAL_DATASETS, relativePath), to);
}

/** A finished seed's query log rows (gzipped CSV) without the timing column. */
export function logRows(seedDir: string): string[] {
  const text = gunzipSync(readFileSync(join(seedDir, 'query-log.csv.gz'))).toString('utf8');
  const lines = text.trimEnd().split('\n');
  const time = lines[0].split(',').indexOf('elapsedMs');
  return lines.map((line) => line.split(',').filter((_, i) => i !== time).join(','));
}
