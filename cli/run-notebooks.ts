// Executes notebooks/*.ipynb headless (tslab kernel via nbconvert) and writes offline HTML reports.
// It must not edit the source notebooks: each is copied with its parameters injected (checked before
// any kernel starts), executed and rendered in <out>/.running/, and only a run that succeeded replaces
// <out>/<name>.ipynb and <out>/<name>.html; a failed one leaves them and its partial copy goes to
// <out>/failed/. It stops at the first failing cell.
// Last, <out>/index.html lists every report in <out> (cli/report-index.ts), also after a failure.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SCALES, Scale, RUN_ENV } from '../lib/report/run-context';
import { NotebookJson, cellSource, injectParameters } from './notebook-params';
import { writeReportIndex } from './report-index';

/** The project root (this file lives in <root>/cli/). */
const ROOT = path.resolve(__dirname, '..');
/** Kernel spec found through JUPYTER_PATH=<root> at <root>/kernels/tslab/kernel.json. */
const KERNEL_NAME = 'tslab';
/** Debian's Jupyter; the first python3 on PATH may lack it (STACK-NOTES). Override: DNAS_JUPYTER. */
const JUPYTER = process.env.DNAS_JUPYTER || '/usr/bin/jupyter';
/** Seconds a cell may run unless its metadata says {"timeout": s}; nbclient's usual limit. */
const DEFAULT_CELL_TIMEOUT_S = 600;
/** Print a "still running" line when one cell has been silent this long. */
const HEARTBEAT_S = 30;
/** Subfolders of --out: where a notebook runs (hidden, so the index never lists it), and where a failed run's partial copy is kept. */
const RUNNING_DIR = '.running';
const FAILED_DIR = 'failed';

const USAGE = `Usage: npx tsx cli/run-notebooks.ts [names…] [options]   (npm run notebooks -- …)
  names                  notebooks/<name>.ipynb to run (default: all), with or without .ipynb
  --scale smoke|full     passed to every notebook's parameters cell as \`scale\` (default smoke)
  --param key=value      override another declared parameter (repeatable; JSON or a plain string),
                         checked against its type and [domain] before any kernel starts; not scale
A failed notebook leaves the previous <out>/<name>.ipynb and .html as they were; its partial copy
goes to <out>/failed/<name>.ipynb.
  --out DIR              executed notebooks and HTML reports (default reports/)
  --results DIR          DNAS_RESULTS_DIR for the kernel (default results/)
  --dir DIR              folder to take notebooks from (default notebooks/)
  --timeout SECONDS      per-cell limit unless a cell's metadata says {"timeout": s} (default 600)
Ends by writing <out>/index.html, which lists every report in --out and links each back to it.
Prints a JSON summary on stdout; exit 1 when a notebook fails, 2 on bad arguments.`;

/** Parsed command line. */
export interface RunOptions {
  names: string[];
  scale: Scale;
  params: Record<string, string>;
  outDir: string;
  notebooksDir: string;
  resultsDir: string;
  cellTimeoutS: number;
}

/** One executed notebook in the summary. */
export interface NotebookResult {
  name: string;
  /** Wall seconds of `nbconvert --execute` (kernel start + cells + shutdown). */
  executeSeconds: number;
  /** Wall seconds of the HTML conversion. */
  htmlSeconds: number;
  notebook: string;
  report: string;
}

/**
 * Parse the command line.
 * @throws Error for an unknown flag, a flag without its value, a scale other than smoke|full,
 *   a --param without '=', or a timeout that is not a positive number.
 */
export function parseArgs(argv: string[]): RunOptions {
  const options: RunOptions = {
    names: [], scale: 'smoke', params: {}, outDir: path.join(ROOT, 'reports'),
    notebooksDir: path.join(ROOT, 'notebooks'), resultsDir: path.join(ROOT, 'results'), cellTimeoutS: DEFAULT_CELL_TIMEOUT_S,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { options.names.push(arg.replace(/\.ipynb$/, '')); continue; }
    // `--flag value` or `--flag=value` (split at the first '=', so `--param=k=v` works).
    const eq = arg.indexOf('=');
    const [flag, inline] = eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--scale') options.scale = checkScale(value());
    else if (flag === '--param') addParam(options.params, value());
    else if (flag === '--out') options.outDir = path.resolve(value());
    else if (flag === '--dir') options.notebooksDir = path.resolve(value());
    else if (flag === '--results') options.resultsDir = path.resolve(value());
    else if (flag === '--timeout') options.cellTimeoutS = checkTimeout(value());
    else throw new Error(`unknown option ${flag} (known: --scale, --param, --out, --dir, --results, --timeout)`);
  }
  return options;
}

function checkScale(value: string): Scale {
  if (!SCALES.includes(value as Scale)) throw new Error(`--scale must be one of ${SCALES.join(', ')}: got '${value}'`);
  return value as Scale;
}

function checkTimeout(value: string): number {
  const seconds = Number(value);
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new Error(`--timeout must be a positive number of seconds: got '${value}'`);
  return seconds;
}

function addParam(params: Record<string, string>, pair: string): void {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new Error(`--param needs key=value: got '${pair}'`);
  // The scale also names the run (manifest, results folder, index): one way to set it, checked once.
  if (pair.slice(0, eq) === 'scale') throw new Error(`scale is set only with --scale ${SCALES.join('|')}: got --param ${pair}`);
  params[pair.slice(0, eq)] = pair.slice(eq + 1);
}

/**
 * The notebooks to run, sorted by name: all `*.ipynb` of the folder, or the named ones.
 * @throws Error naming an unknown notebook and listing the available ones.
 */
export function discoverNotebooks(dir: string, names: string[]): string[] {
  const available = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ipynb')).map((f) => f.slice(0, -6)).sort() : [];
  if (names.length === 0) return available;
  for (const name of names) {
    if (!available.includes(name)) throw new Error(`unknown notebook '${name}' in ${dir} (available: ${available.join(', ') || 'none'})`);
  }
  return names;
}

/** Run nbconvert, streaming its progress; resolves with its exit code and the stderr it did not parse. */
function runJupyter(args: string[], env: NodeJS.ProcessEnv, onEvent: (e: { event: string; index: number }) => void): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Its stdout (and the kernel's) goes to our stderr: stdout carries only the JSON summary.
    const child = spawn(JUPYTER, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(process.stderr);
    let stderr = '';
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('@@dnas ')) onEvent(JSON.parse(line.slice(7)));
        else stderr += line + '\n';
      }
    });
    child.on('error', (err) => reject(new Error(`cannot start ${JUPYTER} (set DNAS_JUPYTER): ${err.message}`)));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr: stderr + pending }));
  });
}

/** The kernel's environment: kernelspec path and what lib/report/run-context.ts reads. */
function kernelEnv(options: RunOptions, name: string, failureFile: string, target: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    JUPYTER_PATH: [ROOT, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    [RUN_ENV.scale]: options.scale,
    [RUN_ENV.resultsDir]: options.resultsDir,
    [RUN_ENV.notebook]: name,
    // Where a notebook puts pages of its own beside its report (the latent explorers).
    [RUN_ENV.reportsDir]: options.outDir,
    DNAS_CELL_TIMEOUT_S: String(options.cellTimeoutS),
    DNAS_FAILURE_FILE: failureFile,
    DNAS_PARTIAL_NOTEBOOK: target,
  };
}

/** A notebook with its parameters injected, and where its executed copy goes. */
interface Prepared {
  name: string;
  target: string;
  notebook: NotebookJson;
}

/**
 * Read a notebook and inject its parameters (nothing is written yet).
 * @throws Error naming the notebook when its parameters cell is missing or lacks an overridden parameter.
 */
function prepare(options: RunOptions, name: string): Prepared {
  const source = path.join(options.notebooksDir, `${name}.ipynb`);
  const original = JSON.parse(readFileSync(source, 'utf8')) as NotebookJson;
  let notebook: NotebookJson;
  try {
    notebook = injectParameters(original, { scale: options.scale, ...options.params });
  } catch (err) {
    throw new Error(`notebook '${name}': ${(err as Error).message}`);
  }
  return { name, target: path.join(options.outDir, `${name}.ipynb`), notebook };
}

/**
 * Execute one notebook and render its HTML report.
 * @throws Error naming the notebook and the failing cell (its number, first line and stderr).
 */
async function runNotebook(options: RunOptions, prepared: Prepared, position: string): Promise<NotebookResult> {
  const { name, target, notebook } = prepared;
  const work = path.join(options.outDir, RUNNING_DIR, `${name}.ipynb`);
  const failedCopy = path.join(options.outDir, FAILED_DIR, `${name}.ipynb`);
  mkdirSync(path.dirname(work), { recursive: true });
  mkdirSync(path.dirname(failedCopy), { recursive: true });
  rmSync(failedCopy, { force: true });
  writeFileSync(work, JSON.stringify(notebook, null, 1) + '\n');
  const scratch = mkdtempSync(path.join(tmpdir(), 'dnas-nb-'));
  const failureFile = path.join(scratch, 'failure.json');
  const start = Date.now();
  const elapsed = (): string => ((Date.now() - start) / 1000).toFixed(1);
  let running = -1;
  let lastEvent = Date.now();
  const codeCells = notebook.cells.flatMap((c, i) => (c.cell_type === 'code' && cellSource(c).trim() ? [i] : []));
  log(`${position} ${name}: starting kernel (scale=${options.scale})`);
  const heartbeat = setInterval(() => {
    if (running >= 0 && Date.now() - lastEvent > HEARTBEAT_S * 1000) log(`${position} ${name}: cell ${running + 1} still running (${elapsed()} s)`);
  }, HEARTBEAT_S * 1000);
  try {
    const { code, stderr } = await runJupyter(executeArgs(options, work), kernelEnv(options, name, failureFile, failedCopy), (e) => {
      lastEvent = Date.now();
      if (e.event !== 'cell-start') return;
      running = e.index;
      log(`${position} ${name}: cell ${e.index + 1}/${notebook.cells.length} (code ${codeCells.indexOf(e.index) + 1}/${codeCells.length}) at ${elapsed()} s`);
    });
    if (code !== 0) throw new Error(failureMessage({ ...prepared, target: failedCopy }, { running, failureFile, stderr, timeoutS: options.cellTimeoutS }));
  } catch (error) {
    // The hook wrote the executed part to failedCopy; when the kernel died before it could, keep the input.
    if (!existsSync(failedCopy) && existsSync(work)) renameSync(work, failedCopy);
    rmSync(work, { force: true });
    throw error;
  } finally {
    clearInterval(heartbeat);
    rmSync(scratch, { recursive: true, force: true });
  }
  const executeSeconds = (Date.now() - start) / 1000;
  log(`${position} ${name}: executed in ${executeSeconds.toFixed(1)} s; writing HTML report`);
  const htmlSeconds = await renderHtml(work);
  // Only now, with both files complete, do they replace the previous run's (a rename each).
  const report = target.replace(/\.ipynb$/, '.html');
  renameSync(work.replace(/\.ipynb$/, '.html'), report);
  renameSync(work, target);
  return { name, executeSeconds, htmlSeconds, notebook: target, report };
}

/** nbconvert arguments that execute a notebook in place with the project's tslab kernel. */
function executeArgs(options: RunOptions, target: string): string[] {
  return [
    'nbconvert', '--to', 'notebook', '--execute', '--inplace',
    `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
    `--ExecutePreprocessor.timeout=${options.cellTimeoutS}`,
    // Kill the kernel once the last cell replied: a graceful stop waits ~2.6 s for SIGTERM because
    // the PNG renderer's Chromium keeps the kernel's event loop alive (Chromium exits with its pipe).
    '--ExecutePreprocessor.shutdown_kernel=immediate',
    '--config', path.join(__dirname, 'nbconvert-config.py'),
    target,
  ];
}

/** `nbconvert --to html` with cli/nbconvert-templates/offline (lab without require.js/MathJax links). */
async function renderHtml(executed: string): Promise<number> {
  const start = Date.now();
  const args = ['nbconvert', '--to', 'html', `--TemplateExporter.extra_template_basedirs=${path.join(__dirname, 'nbconvert-templates')}`,
    '--template', 'offline', executed];
  const { code, stderr } = await runJupyter(args, process.env, () => undefined);
  if (code !== 0) throw new Error(`HTML report of ${executed} failed (nbconvert exit ${code}):\n${stderr.trim()}`);
  return (Date.now() - start) / 1000;
}

/** Say which cell failed and why, from the hook's report, or from nbconvert's stderr (timeouts, dead kernels). */
function failureMessage(
  { name, notebook, target }: Prepared,
  { running, failureFile, stderr, timeoutS }: { running: number; failureFile: string; stderr: string; timeoutS: number },
): string {
  const report = existsSync(failureFile) ? (JSON.parse(readFileSync(failureFile, 'utf8')) as { index: number; stderr: string; ename?: string; evalue?: string }) : null;
  const index = report?.index ?? running;
  const where = index >= 0 ? describeCell(notebook, index) : 'before the first cell (kernel start?)';
  let why: string;
  if (report !== null) why = report.stderr.trim() || `${report.ename ?? 'error'}: ${report.evalue ?? ''}`;
  else if (/CellTimeoutError|timed out/.test(stderr)) why = `timed out after ${cellTimeout(notebook, index, timeoutS)} s (raise it with the cell's metadata "timeout" or --timeout)`;
  else if (/DeadKernelError|Kernel died/.test(stderr)) why = `the kernel died\n${lastLines(stderr, 10)}`;
  else why = lastLines(stderr, 20);
  const partial = report !== null ? `\n(partially executed notebook: ${target})` : '';
  return `notebook '${name}' failed in ${where}:\n${why}${partial}`;
}

/** The limit nbconvert-config.py applied to a cell: its metadata "timeout", else the runner's default. */
function cellTimeout(notebook: NotebookJson, index: number, defaultS: number): number {
  const own = index >= 0 ? notebook.cells[index].metadata.timeout : undefined;
  return typeof own === 'number' ? own : defaultS;
}

function describeCell(notebook: NotebookJson, index: number): string {
  const cell = notebook.cells[index];
  const firstLine = cellSource(cell).split('\n').find((l) => l.trim()) ?? '';
  const id = cell.id ? `, id ${cell.id}` : '';
  return `cell ${index + 1} of ${notebook.cells.length}${id} ("${firstLine.trim().slice(0, 80)}")`;
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

function log(message: string): void {
  process.stderr.write(`[notebooks] ${message}\n`);
}

/** Run the notebooks named on the command line (or all), then print a JSON summary on stdout. */
async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const options = parseArgs(argv);
  const names = discoverNotebooks(options.notebooksDir, options.names);
  if (names.length === 0) {
    log(`no notebooks in ${options.notebooksDir}: nothing to run`);
  }
  mkdirSync(options.outDir, { recursive: true });
  // Check every notebook's parameters before running any, so a typo fails in seconds, not after hours.
  const prepared = names.map((name) => prepare(options, name));
  const start = Date.now();
  const results: NotebookResult[] = [];
  let failed: { name: string; message: string } | null = null;
  for (const [i, item] of prepared.entries()) {
    try {
      results.push(await runNotebook(options, item, `[${i + 1}/${names.length}]`));
    } catch (err) {
      failed = { name: item.name, message: (err as Error).message };
      log((err as Error).message);
      break;
    }
  }
  // Also after a failure: the index lists what exists, the failed notebook marked as such.
  const index = buildIndex(options, failed);
  const summary = { scale: options.scale, params: options.params, outDir: options.outDir, totalSeconds: (Date.now() - start) / 1000, notebooks: results, failed, index };
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  return failed === null && index.error === null ? 0 : 1;
}

/** Write <out>/index.html (cli/report-index.ts); an error is logged and returned, never thrown past the summary. */
function buildIndex(options: RunOptions, failed: { name: string; message: string } | null): { file: string | null; error: string | null } {
  try {
    const failures = failed === null ? {} : { [failed.name]: failed.message };
    const { file, entries } = writeReportIndex({ outDir: options.outDir, resultsDir: options.resultsDir, failures });
    const missing = entries.filter((e) => e.run === null).map((e) => e.name);
    log(`index of ${entries.length} notebooks: ${file}${missing.length > 0 ? ` (no run folder found for ${missing.join(', ')})` : ''}`);
    return { file, error: null };
  } catch (err) {
    log(`writing the report index failed: ${(err as Error).message}`);
    return { file: null, error: (err as Error).message };
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      log(err.message);
      process.exit(2);
    },
  );
}
