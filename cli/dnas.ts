// The `dnas` command line: thin wrappers over lib/ that print JSON, for scripts and quick checks.
// No logic of its own beyond argument parsing: every computation is a lib/ function.
import { parseArgs } from 'node:util';
import { describeCell, spaceStats } from '../lib/analysis/space-stats';
import { loadNasbench101Complete } from '../lib/benchmarks/nasbench101-complete';
import { loadNasbench101Csv } from '../lib/benchmarks/nasbench101-csv';
import { loadNasbench101TfRecordBenchmark, nasbench101Key } from '../lib/benchmarks/nasbench101';
import { validateCell } from '../lib/spaces/nasbench101/cell';
import { networkFlopsM, networkParams } from '../lib/spaces/nasbench101/cost';
import { loadNasbench101Space } from '../lib/spaces/nasbench101/space';

const USAGE = `usage:
  dnas cell hash|params|flops|encode|describe --cell '{"matrix": [[...]], "ops": [...]}'
  dnas space stats [--data-dir DIR]   the space, the complete test table (coverage 1.0) and the 30k validation sample
  dnas search --space nb101|nb101-30k|nb201|nb201-cifar100|nb201-imagenet16-120 --algo dnas|dnas-acq|semi|nao|re|random|ls|bananas --budget N --seeds A-B [--experiment NAME] [--workers W] [--latent-model DIR] [--options JSON]
    runs seeds A..B (resumable: finished seeds are skipped) under results/<experiment>/<algo>-<budget>/seed-<k>/
    dnas-acq (the improved DNAS) runs on a pretrained latent space: --latent-model DIR, else the space's default
    one from .cache/latent/ (pretrained first if missing, as \`dnas controller pretrain\` does)
    --options: the algorithm's settings as JSON, e.g. '{"acquisition": "ei", "dense": false}' (a new experiment name keeps them apart)
    nb101: every NAS-Bench-101 cell, searched and reported on test accuracy (108 epochs, first run; the only complete metric)
    nb101-30k: the 30,001-cell sample, searched on validation accuracy, reported on the test accuracy of the cell picked
    nb201*: NAS-Bench-201 on CIFAR-10 / CIFAR-100 / ImageNet16-120, searched on 200-epoch validation, reported on 200-epoch test accuracy
  dnas controller pretrain --space nb101|nb201 [--beta B] [--steps N] [--seed S] [--scale full|smoke] [--capacity NATS] [--free-bits NATS]
    trains (or loads from .cache/latent/) the encoder/decoder on every cell of the space but a fixed held-out split,
    without labels; β in textbook units (summed KL); resumes a killed run from its last checkpoint; prints the
    held-out scores (heldOutExactReconstruction, validDecodeRate, klNats, activeFactors, mig, ...), seconds and cached
  dnas bench controller [--quick]      controller training step, side by side with PyTorch (needs python3-torch)
  dnas query --hash HASH | --cell JSON [--source tables|tfrecord] [--data-dir DIR]
    tables (default): test accuracy from nasbench101/test-108-all.csv, and validation accuracy, params and
    training time from nasbench101/val-subset-30k.csv when the cell is in that sample;
    tfrecord: the official nasbench_only108.tfrecord (mean of 3 runs)
  dnas grid submit --slurm --name NAME --space S --algo A[,B...] --budget N[,M...] --seeds K [--tasks T] [--options JSON] [SLURM]
  dnas grid submit --slurm --notebook table1-nasbench101|table1-nasbench201|table3-ablation --scale smoke|full [--seeds K]
      [--datasets cifar10,cifar100,imagenet16-120] [--sample-table true|false] [--name NAME] [--tasks T] [SLURM]
    SLURM: [--partition P] [--time T] [--cpus-per-task C] [--mem M] [--at-once N] [--sbatch-line '#SBATCH ...']... [--dry-run]
    every (algorithm, budget) config × seeds 0..K−1 as one Slurm job array of T tasks (default: one per config that runs, at most 1,000;
    an anytime search's smaller budgets are snapshots of its largest: docs/results.md);
    each task runs its slice through the same runner into results/<NAME>/<algo>-<budget>/seed-<k>/ (a notebook grid: into the
    notebook's own folders, so the notebook run afterwards reuses every seed; K defaults to the notebook's 20, 2 at smoke scale);
    --dry-run prints the script
  dnas grid run-task --grid DIR --task K   what array task K runs (sbatch calls it)
  dnas grid status --grid DIR | --name NAME   per config: done, running, failed, missing seeds; queued tasks; failed tasks' errors
  dnas grid cancel --grid DIR | --name NAME   scancel the grid's arrays (finished seeds stay; resubmit to go on)
  dnas results ls [--results DIR]      experiments (configs, finished/unfinished/corrupt seeds), notebooks (run counts), unreadable files
  dnas results show EXPERIMENT [--results DIR]        best accuracy per config: seeds, mean, std, min, max
  dnas results compare EXP1 EXP2 ... [--results DIR]  the same summaries of several experiments side by side
    DIR defaults to $DNAS_RESULTS_DIR, else <project>/results (layout: docs/results.md)
Every command prints one JSON object on stdout. Errors go to stderr with exit code 1 (2 for usage).`;

/** Thrown for a command line that does not parse; printed with the usage text. */
class UsageError extends Error {}

/** Run the CLI with `argv` (without node and script); resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const output = await dispatch(argv);
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`dnas: ${message}\n`);
    if (error instanceof UsageError) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    return 1;
  }
}

async function dispatch(argv: string[]): Promise<unknown> {
  const { values, positionals } = parseOptions(argv);
  const [command, sub] = positionals;
  if (command === 'cell') return cellCommand(sub, values.cell);
  if (command === 'space' && sub === 'stats') return spaceStats(await loadNasbench101Space(), dataOptions(values));
  if (command === 'query') return queryCommand(values);
  if (command === 'search') return searchCommand(values);
  if (command === 'results') return resultsCommand(sub, positionals.slice(2), values.results);
  if (command === 'grid') return gridCommand(sub, values);
  if (command === 'controller' && sub === 'pretrain') return pretrainCommand(values);
  if (command === 'bench' && sub === 'controller') {
    // Loaded on demand: TF.js start-up should not slow every other command.
    const { benchController } = require('../bench/controller') as typeof import('../bench/controller');
    return benchController({ quick: values.quick === true });
  }
  if (command === undefined || command === 'help') throw new UsageError('no command given');
  throw new UsageError(`unknown command: ${positionals.join(' ')}`);
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      options: { cell: { type: 'string' }, hash: { type: 'string' }, source: { type: 'string' }, 'data-dir': { type: 'string' }, quick: { type: 'boolean' },
        space: { type: 'string' }, algo: { type: 'string' }, budget: { type: 'string' }, seeds: { type: 'string' },
        experiment: { type: 'string' }, workers: { type: 'string' }, results: { type: 'string' }, 'latent-model': { type: 'string' }, options: { type: 'string' },
        beta: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' }, scale: { type: 'string' }, capacity: { type: 'string' }, 'free-bits': { type: 'string' },
        name: { type: 'string' }, tasks: { type: 'string' }, slurm: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, partition: { type: 'string' }, time: { type: 'string' },
        'cpus-per-task': { type: 'string' }, mem: { type: 'string' }, 'at-once': { type: 'string' }, 'sbatch-line': { type: 'string', multiple: true }, grid: { type: 'string' }, task: { type: 'string' },
        notebook: { type: 'string' }, datasets: { type: 'string' }, 'sample-table': { type: 'string' } },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * `--flag -5` as `--flag=-5`: parseArgs reads a value starting with '-' as a missing value (an
 * "ambiguous" error); joined, the flag's own check names the value and its limit.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (/^--[a-z-]+$/.test(argv[i]) && next !== undefined && /^-[\d.]/.test(next)) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

function dataOptions(values: { 'data-dir'?: string }): { dataDir?: string } {
  return values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] };
}

function parseCellJson(text: string | undefined): unknown {
  if (text === undefined) throw new UsageError('--cell is required');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--cell is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function cellCommand(sub: string | undefined, cellJson: string | undefined): unknown {
  const fields = ['hash', 'params', 'flops', 'encode', 'describe'] as const;
  if (!(fields as readonly (string | undefined)[]).includes(sub)) {
    throw new UsageError(`dnas cell needs one of ${fields.join('|')}: got ${sub ?? 'nothing'}`);
  }
  const description = describeCell(validateCell(parseCellJson(cellJson)));
  if (sub === 'describe') return description;
  const pick = { hash: ['hash'], params: ['hash', 'params'], flops: ['hash', 'flopsM', 'naslibFlopsM'], encode: ['hash', 'tokens'] }[
    sub as 'hash' | 'params' | 'flops' | 'encode'
  ];
  return Object.fromEntries(pick.map((key) => [key, description[key as keyof typeof description]]));
}

/**
 * An integer flag: undefined when absent; a UsageError naming the flag, the value and the limit
 * for anything but plain digits (no `0x10`, `1e3`, `2.0`, signs) or a value below `min`.
 */
function integerFlag(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min}: got ${JSON.stringify(text)}`);
  return value;
}

/** A number flag: undefined when absent; a UsageError naming the flag for anything not a finite number. */
function numberFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number: got ${JSON.stringify(text)}`);
  return value;
}

async function pretrainCommand(values: { space?: string; beta?: string; steps?: string; seed?: string; scale?: string; capacity?: string; 'free-bits'?: string }): Promise<unknown> {
  // Loaded on demand: TF.js start-up should not slow every other command.
  const { PRETRAIN_PRESETS, PRETRAIN_SPACES, pretrainedLatentSpace } = require('../lib/experiments/pretrained-latent') as typeof import('../lib/experiments/pretrained-latent');
  const { initBackend } = require('../lib/backend') as typeof import('../lib/backend');
  const { textbookBeta } = require('../lib/controller/config') as typeof import('../lib/controller/config');
  if (values.space === undefined || !(PRETRAIN_SPACES as readonly string[]).includes(values.space)) throw new UsageError(`dnas controller pretrain needs --space ${PRETRAIN_SPACES.join('|')}: got ${values.space ?? 'nothing'}`);
  if (values.scale !== undefined && values.scale !== 'full' && values.scale !== 'smoke') throw new UsageError(`--scale must be full or smoke: got ${values.scale}`);
  const capacity = numberFlag('capacity', values.capacity);
  const freeBits = numberFlag('free-bits', values['free-bits']);
  const steps = numberFlag('steps', values.steps);
  const scale = (values.scale ?? 'full') as 'full' | 'smoke';
  // Capacity annealing: C rises over the first half of the run.
  const capacitySteps = Math.max(1, Math.round((steps ?? PRETRAIN_PRESETS[values.space as 'nb101' | 'nb201'][scale].steps) / 2));
  await initBackend({ quiet: true });
  const started = Date.now();
  const latent = await pretrainedLatentSpace({
    space: values.space as 'nb101' | 'nb201',
    scale,
    beta: numberFlag('beta', values.beta),
    steps,
    seed: numberFlag('seed', values.seed),
    controller: {
      ...(capacity !== undefined ? { capacity: { targetNats: capacity, steps: capacitySteps } } : {}),
      ...(freeBits !== undefined ? { freeBitsNats: freeBits } : {}),
    },
  });
  const { attributeGaps, klPerUnit, ...scores } = latent.scores;
  return {
    space: latent.keyConfig.space,
    key: latent.key,
    dir: latent.dir,
    cached: latent.cached,
    seconds: latent.seconds,
    wallSeconds: (Date.now() - started) / 1000,
    beta: latent.config.lossWeights.beta,
    textbookBeta: textbookBeta(latent.config),
    trainCells: latent.trainCells,
    ...scores,
    klPerUnit: klPerUnit.map((v) => Number(v.toFixed(4))),
    attributeGaps,
    finalCurvePoint: latent.curve[latent.curve.length - 1] ?? null,
  };
}

async function queryCommand(values: { hash?: string; cell?: string; source?: string; 'data-dir'?: string }): Promise<unknown> {
  if ((values.hash === undefined) === (values.cell === undefined)) throw new UsageError('dnas query needs exactly one of --hash or --cell');
  const source = values.source ?? 'tables';
  if (source !== 'tables' && source !== 'tfrecord') throw new UsageError(`--source must be tables or tfrecord: got ${source}`);
  const target = values.hash !== undefined ? { hash: values.hash } : validateCell(parseCellJson(values.cell)).pruned;
  const hash = nasbench101Key(target);
  const space = await loadNasbench101Space();
  const index = space.indexOfHash(hash);
  if (index < 0) throw new Error(`${hash} is not a cell of NAS-Bench-101 (${space.size} cells): no table holds it`);
  // Neither data file stores FLOPs: add them from the cost model of the cell the hash names.
  const flopsM = networkFlopsM(space.cellAt(index));
  if (source === 'tfrecord') {
    const record = loadNasbench101TfRecordBenchmark(dataOptions(values)).query(target, { source: 'cli' });
    return { hash, ...JSON.parse(JSON.stringify(record)), flopsM };
  }
  const complete = loadNasbench101Complete(space, dataOptions(values));
  const sample = loadNasbench101Csv(dataOptions(values));
  const inSample = sample.records.get(hash);
  return {
    hash,
    testAccuracy: complete.testAccuracy[index],
    valAccuracy: inSample?.valAccuracy ?? null,
    valAccuracyByEpochs: inSample?.valAccuracyByEpochs ?? null,
    params: inSample?.params ?? networkParams(space.cellAt(index)),
    trainingTimeS: inSample?.trainingTimeS ?? null,
    flopsM,
    files: { testAccuracy: complete.path, valAccuracy: sample.path, inSample: inSample !== undefined },
  };
}

async function searchCommand(values: { space?: string; algo?: string; budget?: string; seeds?: string; experiment?: string; workers?: string; 'latent-model'?: string; options?: string }): Promise<unknown> {
  for (const flag of ['space', 'algo', 'budget', 'seeds'] as const) {
    if (values[flag] === undefined) throw new UsageError(`dnas search needs --${flag}`);
  }
  const budget = integerFlag('budget', values.budget, 1)!;
  const workers = integerFlag('workers', values.workers, 0);
  // Loaded on demand: TF.js and worker threads are only needed here.
  const { parseSeedRange, runSearchCli } = require('../lib/experiments/cli') as typeof import('../lib/experiments/cli');
  const { LATENT_MODEL_ALGOS } = require('../lib/experiments/grid') as typeof import('../lib/experiments/grid');
  let seeds: [number, number];
  try {
    seeds = parseSeedRange(values.seeds!);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  let algoOptions: Record<string, unknown> | undefined = values.options === undefined ? undefined : parseOptionsJson(values.options);
  if (LATENT_MODEL_ALGOS.has(values.algo!)) {
    const { searchLatentModel } = require('../lib/experiments/search-latent-model') as typeof import('../lib/experiments/search-latent-model');
    algoOptions = { ...algoOptions, latentModel: values['latent-model'] ?? (await searchLatentModel(values.space!)) };
  } else if (values['latent-model'] !== undefined) {
    throw new UsageError(`--latent-model is for ${[...LATENT_MODEL_ALGOS].join(', ')}: got --algo ${values.algo}`);
  }
  return runSearchCli({ space: values.space!, algo: values.algo!, budget, seeds, experiment: values.experiment, workers, ...(algoOptions ? { algoOptions } : {}) });
}

type GridFlags = {
  space?: string; algo?: string; budget?: string; seeds?: string; options?: string; name?: string; tasks?: string; slurm?: boolean; 'dry-run'?: boolean; partition?: string; time?: string;
  'cpus-per-task'?: string; mem?: string; 'at-once'?: string; 'sbatch-line'?: string[]; grid?: string; task?: string; notebook?: string; scale?: string; datasets?: string; 'sample-table'?: string;
};

async function gridCommand(sub: string | undefined, values: GridFlags): Promise<unknown> {
  // Loaded on demand: the runner and its worker threads are only needed here.
  const grids = require('../lib/experiments/slurm-grid') as typeof import('../lib/experiments/slurm-grid');
  const folder = (): string => {
    if (values.grid !== undefined) return values.grid;
    if (values.name !== undefined) return grids.gridFolder(values.name);
    throw new UsageError(`dnas grid ${sub} needs --grid DIR or --name NAME`);
  };
  if (sub === 'run-task') {
    if (values.grid === undefined || values.task === undefined) throw new UsageError('dnas grid run-task needs --grid DIR and --task K');
    return grids.runArrayTask(values.grid, integerFlag('task', values.task, 0)!);
  }
  if (sub === 'status') return grids.gridStatus(folder());
  if (sub === 'cancel') return { cancelled: grids.cancelGrid(folder()) };
  if (sub !== 'submit') throw new UsageError(`unknown grid command: ${sub ?? '(none)'} (submit, run-task, status, cancel)`);
  if (values.slurm !== true) throw new UsageError('dnas grid submit needs --slurm (the one executor it hands grids to)');
  const { parts, seeds, name } = await gridToSubmit(values);
  const tasks = integerFlag('tasks', values.tasks, 1) ?? grids.defaultTasks(parts);
  const slurm = {
    partition: values.partition, time: values.time, cpusPerTask: integerFlag('cpus-per-task', values['cpus-per-task'], 1), memory: values.mem,
    atOnce: integerFlag('at-once', values['at-once'], 1), extra: values['sbatch-line'],
  };
  let prepared;
  try {
    prepared = grids.prepareGrid({ name, parts, seeds, tasks }, slurm);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  // Seed jobs the array runs (a seed filled from a larger budget's snapshots is not one).
  const jobs = prepared.jobs.order.length;
  if (values['dry-run'] === true) return { dir: prepared.dir, jobs, tasks, script: prepared.script, submitted: null };
  return { dir: prepared.dir, jobs, tasks, submitted: grids.submitGrid(prepared.dir) };
}

/** The grid `dnas grid submit` was given: a notebook's by name, or (algorithms × budgets) from the search flags. */
async function gridToSubmit(values: GridFlags): Promise<{ parts: import('../lib/experiments/grid').GridPart[]; seeds: number; name: string }> {
  if (values.notebook !== undefined) {
    const { notebookGrid, notebookSeeds, NOTEBOOK_GRIDS } = require('../lib/experiments/notebook-grids') as typeof import('../lib/experiments/notebook-grids');
    if (!(NOTEBOOK_GRIDS as readonly string[]).includes(values.notebook)) throw new UsageError(`--notebook must be one of ${NOTEBOOK_GRIDS.join(', ')}: got ${JSON.stringify(values.notebook)}`);
    if (values.scale !== 'smoke' && values.scale !== 'full') throw new UsageError(`--scale must be smoke or full: got ${JSON.stringify(values.scale)}`);
    for (const flag of ['space', 'algo', 'budget', 'options'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is for a grid of search flags, not --notebook ${values.notebook}`);
    }
    const datasets = values.datasets?.split(',').map((d) => d.trim()) as import('../lib/spaces/nasbench201/cost').Nb201Dataset[] | undefined;
    const sample = values['sample-table'];
    if (sample !== undefined && sample !== 'true' && sample !== 'false') throw new UsageError(`--sample-table must be true or false: got ${JSON.stringify(sample)}`);
    const seeds = notebookSeeds(values.scale, integerFlag('seeds', values.seeds, 1) ?? 20);
    let made;
    try {
      made = await notebookGrid(values.notebook, values.scale, { datasets, ...(sample === undefined ? {} : { sampleTable: sample === 'true' }) });
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    return { parts: made.parts, seeds, name: values.name ?? made.gridName };
  }
  for (const flag of ['name', 'space', 'algo', 'budget', 'seeds'] as const) {
    if (values[flag] === undefined) throw new UsageError(`dnas grid submit needs --${flag} (or --notebook NAME --scale S)`);
  }
  const budgets = values.budget!.split(',').map((b) => integerFlag('budget', b, 1)!);
  const algoOptions = values.options === undefined ? undefined : parseOptionsJson(values.options);
  const grid = values.algo!.split(',').flatMap((algo) => budgets.map((budget) => ({ label: algo, algo, budget, ...(algoOptions ? { algoOptions } : {}) })));
  return { parts: [{ grid, space: values.space, experiment: values.name! }], seeds: integerFlag('seeds', values.seeds, 1)!, name: values.name! };
}

/** `--options`: a JSON object of algorithm settings. */
function parseOptionsJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--options is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--options must be a JSON object of algorithm settings: got ${text}`);
  return value as Record<string, unknown>;
}

function resultsCommand(sub: string | undefined, names: string[], resultsDir: string | undefined): unknown {
  const subs = ['ls', 'show', 'compare'];
  if (sub === undefined || !subs.includes(sub)) throw new UsageError(`dnas results needs one of ${subs.join('|')}: got ${sub ?? 'nothing'}`);
  // Loaded on demand, like the other heavier commands: Arquero is only needed here.
  const store = require('../lib/report/results-store') as typeof import('../lib/report/results-store');
  if (sub === 'ls') {
    if (names.length > 0) throw new UsageError(`dnas results ls takes no names: got ${names.join(' ')}`);
    const listing = store.listResults(resultsDir);
    return {
      resultsDir: listing.resultsDir,
      experiments: listing.experiments.map((e) => ({
        name: e.name,
        configs: e.configs.map((c) => ({ algo: c.algo, budget: c.budget, space: c.space, seeds: c.finishedSeeds.length, unfinished: c.unfinishedSeeds.length, corrupt: c.corruptSeeds.length })),
      })),
      notebooks: listing.notebooks.map((n) => ({ name: n.name, runs: n.runs })),
      unrecognised: listing.unrecognised,
      corrupt: listing.corrupt,
    };
  }
  if (sub === 'show') {
    if (names.length !== 1) throw new UsageError(`dnas results show needs exactly one experiment name: got ${names.length}`);
    const runs = store.loadSearchRuns(names[0], { resultsDir });
    const unfinished = runs.unfinished.map(({ algo, budget, seed, reason }) => ({ algo, budget, seed, reason }));
    return { experiment: names[0], summary: store.summarizeRuns(runs).objects(), unfinished, corrupt: runs.corrupt };
  }
  if (names.length < 2) throw new UsageError(`dnas results compare needs at least two experiment names: got ${names.length}`);
  return { experiments: names, summary: store.compareExperiments(names, { resultsDir }).objects() };
}
