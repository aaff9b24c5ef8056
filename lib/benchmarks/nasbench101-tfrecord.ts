// Reads and writes NAS-Bench-101's official TFRecord format (nasbench_only108 / nasbench_full):
// JSON records with base64 protobuf metrics. Decoding and per-cell aggregation only; no querying.
import { createHash } from 'node:crypto';
import * as protobuf from 'protobufjs';
import type { Rng } from '../random';
import { OPS, type Cell, type Op } from '../spaces/nasbench101/cell';
import { hashCell } from '../spaces/nasbench101/graph';
import { resolveDataFile, type DataFolderOptions } from './data-folder';
import { DataFileError } from './errors';
import type { BenchmarkRecord } from './tabular';
import { readTfRecords, writeTfRecords } from './tfrecord';

/** Path of the official 108-epoch file inside the data folder (nasbench README). */
export const NASBENCH101_TFRECORD = 'nasbench101/nasbench_only108.tfrecord';

/** evaluation_data[2] is the end of training ([0] start, [1] halfway; nasbench/api.py). */
const FINAL_EVAL = 2;

/** One `EvaluationData` message (nasbench/lib/model_metrics.proto). */
export interface EvaluationData {
  currentEpoch?: number;
  trainingTime?: number;
  trainAccuracy?: number;
  validationAccuracy?: number;
  testAccuracy?: number;
  checkpointPath?: string;
}

/** One `ModelMetrics` message: the evaluations of one training run. */
export interface ModelMetrics {
  evaluationData: EvaluationData[];
  trainableParameters?: number;
  totalTime?: number;
}

// The schema, built with protobufjs reflection (proto2). Field names are local: only the
// numbers and types reach the wire, and they match model_metrics.proto exactly.
const EVALUATION_DATA = new protobuf.Type('EvaluationData')
  .add(new protobuf.Field('currentEpoch', 1, 'double', 'optional'))
  .add(new protobuf.Field('trainingTime', 2, 'double', 'optional'))
  .add(new protobuf.Field('trainAccuracy', 3, 'double', 'optional'))
  .add(new protobuf.Field('validationAccuracy', 4, 'double', 'optional'))
  .add(new protobuf.Field('testAccuracy', 5, 'double', 'optional'))
  .add(new protobuf.Field('checkpointPath', 6, 'string', 'optional'));
const MODEL_METRICS = new protobuf.Type('ModelMetrics')
  .add(new protobuf.Field('evaluationData', 1, 'EvaluationData', 'repeated'))
  .add(new protobuf.Field('trainableParameters', 2, 'int32', 'optional'))
  .add(new protobuf.Field('totalTime', 3, 'double', 'optional'));
new protobuf.Root().define('nasbench').add(EVALUATION_DATA).add(MODEL_METRICS).resolveAll();

/** The end-of-training numbers of one run. Accuracies are fractions of 1. */
export interface Nasbench101Run {
  readonly trainAccuracy: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
  readonly trainingTimeS: number;
}

/**
 * One cell of the official data: every run kept, plus the values a query returns. Searches see
 * validation accuracy (`searchAccuracy`), reports give test accuracy (`reportAccuracy`).
 */
export interface Nasbench101TfRecord extends BenchmarkRecord {
  readonly reportAccuracy: number;
  readonly hash: string;
  /** The pruned cell as stored in the file. */
  readonly cell: Cell;
  /** Validation accuracy at the largest budget present (108 epochs): mean or one random run. */
  readonly valAccuracy: number;
  readonly testAccuracy: number;
  readonly valAccuracyByEpochs: Readonly<Record<number, number>>;
  readonly testAccuracyByEpochs: Readonly<Record<number, number>>;
  readonly params: number;
  readonly trainingTimeS: number;
  /** All runs per budget in epochs (three at 108 epochs in the official data). */
  readonly runsByEpochs: Readonly<Record<number, readonly Nasbench101Run[]>>;
}

/** How a cell's several runs become one value: their mean, or one run drawn per cell. */
export type RunsMode = 'mean' | 'random';

/** Options of `readNasbench101TfRecord`. */
export interface Nasbench101TfRecordOptions extends DataFolderOptions {
  /** An explicit file (skips the data-folder search for `nasbench101/nasbench_only108.tfrecord`). */
  readonly file?: string;
  /** Default 'mean' (the usual reading of "mean accuracy over three runs", NAS-Bench-101 §4). */
  readonly runs?: RunsMode;
  /** Required for runs: 'random'; each cell draws from `rng.fork(hash)`, so file order does not matter. */
  readonly rng?: Rng;
}

/** A loaded file: records by hash plus its identity for run manifests. */
export interface Nasbench101TfRecordData {
  /** Absolute path read. */
  readonly path: string;
  /** sha256 of the file bytes, hex (computed while streaming). */
  readonly sha256: string;
  readonly records: ReadonlyMap<string, Nasbench101TfRecord>;
  /** TFRecord records read (cells × budgets × runs). */
  readonly recordCount: number;
}

/** One record for the writer: a run of `cell` trained for `epochs`. */
export interface Nasbench101TfEntry {
  /** Default: hashCell(cell). */
  readonly hash?: string;
  readonly epochs: number;
  /** A pruned cell (the official file stores pruned cells). */
  readonly cell: Cell;
  readonly metrics: ModelMetrics;
}

/**
 * Write entries in the official format: TFRecord framing around UTF-8 JSON
 * `[module_hash, epochs, raw_adjacency, raw_operations, base64(ModelMetrics)]`.
 * Used by tests and for small fixtures; the official file itself comes from NAS-Bench-101.
 * @returns the number of records written.
 */
export function writeNasbench101TfRecord(path: string, entries: Iterable<Nasbench101TfEntry>): number {
  function* payloads(): Generator<Buffer> {
    for (const e of entries) {
      const adjacency = e.cell.matrix.map((row) => row.join('')).join('');
      const metrics = Buffer.from(MODEL_METRICS.encode(MODEL_METRICS.fromObject(e.metrics)).finish()).toString('base64');
      yield Buffer.from(JSON.stringify([e.hash ?? hashCell(e.cell), e.epochs, adjacency, e.cell.ops.join(','), metrics]), 'utf8');
    }
  }
  return writeTfRecords(path, payloads());
}

/** Numbers kept per run, flat in one array: epochs, then the end-of-training values. */
const RUN_FIELDS = 5;
const [F_EPOCHS, F_TRAIN, F_VAL, F_TEST, F_TIME] = [0, 1, 2, 3, 4];

/** One decoded record. */
interface RawEntry {
  hash: string;
  adjacency: string;
  ops: string;
  params: number;
  /** RUN_FIELDS numbers: epochs, train/validation/test accuracy, training time (s). */
  run: number[];
}

/** Everything read so far about one cell. */
interface CellAccumulator {
  hash: string;
  adjacency: string;
  ops: string;
  params: number;
  /** RUN_FIELDS numbers per run, in file order. */
  runs: number[];
}

/**
 * Stream the official file and aggregate the runs of each cell. With `runs: 'mean'` a query
 * value is the mean over runs; with 'random' one run per (cell, budget), drawn from
 * `rng.fork(hash)` (NAS-Bench-101's API also samples one of the three runs per query).
 * Memory: ~0.5 kB per cell (runs kept flat; `cell`, `…ByEpochs`, `runsByEpochs` are built on access).
 * @throws DataFileError naming file, record index and byte offset on a framing/CRC error, bad
 *   JSON, a bad field, or a cell whose records disagree on its graph; and when the file is missing.
 * @throws RangeError for runs: 'random' without an rng.
 */
export function readNasbench101TfRecord(options: Nasbench101TfRecordOptions = {}): Nasbench101TfRecordData {
  const mode = options.runs ?? 'mean';
  if (mode === 'random' && options.rng === undefined) throw new RangeError("runs: 'random' needs an rng (a seeded Rng)");
  const file = options.file ?? resolveDataFile(NASBENCH101_TFRECORD, options);
  const sha = createHash('sha256');
  const groups = new Map<string, CellAccumulator>();
  let recordCount = 0;
  for (const { index, offset, data } of readTfRecords(file, { hash: sha })) {
    const where = `${file}: record ${index} at byte ${offset}`;
    const entry = decodeEntry(data, where, file);
    const group = groups.get(entry.hash);
    if (group === undefined) {
      groups.set(entry.hash, { hash: entry.hash, adjacency: entry.adjacency, ops: entry.ops, params: entry.params, runs: entry.run });
    } else {
      if (group.adjacency !== entry.adjacency || group.ops !== entry.ops) {
        throw new DataFileError(file, `${where}: cell ${entry.hash} has graph ${entry.adjacency}/${entry.ops} (earlier records: ${group.adjacency}/${group.ops})`);
      }
      group.runs.push(...entry.run);
    }
    recordCount++;
  }
  const records = new Map<string, Nasbench101TfRecord>();
  for (const [hash, group] of groups) records.set(hash, new StoredCell(group, mode, options.rng?.fork(hash)));
  return { path: file, sha256: sha.digest('hex'), records, recordCount };
}

/** Parse one record's JSON and metrics; `where` prefixes every error. */
function decodeEntry(data: Buffer, where: string, file: string): RawEntry {
  const fail = (what: string): DataFileError => new DataFileError(file, `${where}: ${what}`);
  let fields: unknown;
  try {
    fields = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw fail(`not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(fields) || fields.length !== 5) throw fail(`expected a JSON array of 5 fields [hash, epochs, adjacency, ops, metrics]: got ${data.toString('utf8').slice(0, 80)}`);
  const [hash, epochs, adjacency, ops, metrics] = fields as unknown[];
  if (typeof hash !== 'string' || !/^[0-9a-f]{32}$/.test(hash)) throw fail(`module_hash ${JSON.stringify(hash)} (expected 32 lowercase hex)`);
  if (!Number.isInteger(epochs) || (epochs as number) <= 0) throw fail(`epochs ${JSON.stringify(epochs)} (expected a positive integer)`);
  checkGraph(fail, adjacency, ops);
  if (typeof metrics !== 'string') throw fail(`raw_metrics ${JSON.stringify(metrics)} (expected a base64 string)`);
  const { run, params } = decodeMetrics(fail, metrics);
  return { hash, adjacency: adjacency as string, ops: ops as string, params, run: [epochs as number, ...run] };
}

function checkGraph(fail: (what: string) => DataFileError, adjacency: unknown, ops: unknown): void {
  if (typeof adjacency !== 'string' || !/^[01]+$/.test(adjacency)) throw fail(`raw_adjacency ${JSON.stringify(adjacency)} (expected a string of 0/1 digits)`);
  const n = Math.round(Math.sqrt(adjacency.length));
  if (n * n !== adjacency.length) throw fail(`raw_adjacency has ${adjacency.length} digits (expected a square number)`);
  if (typeof ops !== 'string') throw fail(`raw_operations ${JSON.stringify(ops)} (expected comma-separated op names)`);
  const names = ops.split(',');
  if (names.length !== n) throw fail(`raw_operations has ${names.length} ops (expected ${n}, one per vertex)`);
  const unknown = names.find((op) => !(OPS as readonly string[]).includes(op));
  if (unknown !== undefined) throw fail(`unknown op ${JSON.stringify(unknown)} (allowed: ${OPS.join(', ')})`);
}

/** The end-of-training numbers [train, validation, test accuracy, training time] and the params. */
function decodeMetrics(fail: (what: string) => DataFileError, base64: string): { run: number[]; params: number } {
  let m: protobuf.Message & ModelMetrics;
  try {
    m = MODEL_METRICS.decode(Buffer.from(base64, 'base64')) as protobuf.Message & ModelMetrics;
  } catch (e) {
    throw fail(`raw_metrics is not a ModelMetrics protobuf: ${(e as Error).message}`);
  }
  const evals = m.evaluationData;
  if (evals.length <= FINAL_EVAL) throw fail(`evaluation_data has ${evals.length} entries (expected ${FINAL_EVAL + 1}: start, halfway, end)`);
  const end = evals[FINAL_EVAL];
  // Decoded messages carry only the fields on the wire as own properties (defaults sit on the
  // prototype), so a missing proto2 field reads as undefined here rather than as a silent 0.
  const field = (message: object, name: string): unknown => (Object.prototype.hasOwnProperty.call(message, name) ? (message as Record<string, unknown>)[name] : undefined);
  const accuracy = (name: keyof EvaluationData): number => {
    const x = field(end, name);
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) throw fail(`evaluation_data[${FINAL_EVAL}].${name} is ${JSON.stringify(x)} (expected an accuracy in [0, 1])`);
    return x;
  };
  const params = field(m, 'trainableParameters');
  if (typeof params !== 'number' || params <= 0) throw fail(`trainable_parameters is ${JSON.stringify(params)} (expected a positive integer)`);
  const time = field(end, 'trainingTime');
  if (typeof time !== 'number' || !(time >= 0)) throw fail(`evaluation_data[${FINAL_EVAL}].training_time is ${JSON.stringify(time)} (expected seconds ≥ 0)`);
  return { run: [accuracy('trainAccuracy'), accuracy('validationAccuracy'), accuracy('testAccuracy'), time], params };
}

/**
 * One cell's record, kept lean for the 423k-cell file: runs in one flat number array, the
 * derived views (`cell`, `…ByEpochs`, `runsByEpochs`) built on access; `toJSON` shows them all.
 */
class StoredCell implements Nasbench101TfRecord {
  readonly hash: string;
  readonly params: number;
  readonly valAccuracy: number;
  readonly testAccuracy: number;
  readonly trainingTimeS: number;
  private readonly adjacency: string;
  private readonly opsCsv: string;
  private readonly runs: number[];
  /** RUN_FIELDS numbers per budget, ascending: the value a query returns (mean or the drawn run). */
  private readonly chosen: number[];

  /** @param rng the cell's own generator for runs: 'random' (undefined for 'mean'). */
  constructor(acc: CellAccumulator, mode: RunsMode, rng: Rng | undefined) {
    this.hash = acc.hash;
    this.params = acc.params;
    this.adjacency = acc.adjacency;
    this.opsCsv = acc.ops;
    this.runs = acc.runs;
    this.chosen = [];
    for (const epochs of this.budgets()) {
      const runs = this.runIndices(epochs);
      const values = mode === 'random' ? this.run(runs[rng!.int(runs.length)]) : this.meanOf(runs);
      this.chosen.push(...values);
    }
    const top = this.chosen.length - RUN_FIELDS;
    this.valAccuracy = this.chosen[top + F_VAL];
    this.testAccuracy = this.chosen[top + F_TEST];
    this.trainingTimeS = this.chosen[top + F_TIME];
  }

  get cell(): Cell {
    const n = Math.round(Math.sqrt(this.adjacency.length));
    const matrix: number[][] = [];
    for (let i = 0; i < n; i++) matrix.push(Array.from(this.adjacency.slice(i * n, (i + 1) * n), Number));
    return { matrix, ops: this.opsCsv.split(',') as Op[] };
  }

  get valAccuracyByEpochs(): Record<number, number> {
    return this.chosenField(F_VAL);
  }

  get testAccuracyByEpochs(): Record<number, number> {
    return this.chosenField(F_TEST);
  }

  get runsByEpochs(): Record<number, Nasbench101Run[]> {
    const out: Record<number, Nasbench101Run[]> = {};
    for (const epochs of this.budgets()) out[epochs] = this.runIndices(epochs).map((i) => toRun(this.run(i)));
    return out;
  }

  /** A plain object with every field, for JSON output (the CLI prints query results). */
  toJSON(): Nasbench101TfRecord {
    const { hash, cell, searchAccuracy, reportAccuracy, valAccuracy, testAccuracy, valAccuracyByEpochs, testAccuracyByEpochs, params, trainingTimeS, runsByEpochs } = this;
    return { hash, cell, searchAccuracy, reportAccuracy, valAccuracy, testAccuracy, valAccuracyByEpochs, testAccuracyByEpochs, params, trainingTimeS, runsByEpochs };
  }

  /** Searches see validation accuracy (the official protocol). */
  get searchAccuracy(): number {
    return this.valAccuracy;
  }

  /** Reports give test accuracy. */
  get reportAccuracy(): number {
    return this.testAccuracy;
  }

  private budgets(): number[] {
    const set = new Set<number>();
    for (let i = 0; i < this.runs.length; i += RUN_FIELDS) set.add(this.runs[i + F_EPOCHS]);
    return [...set].sort((a, b) => a - b);
  }

  private runIndices(epochs: number): number[] {
    const out: number[] = [];
    for (let i = 0; i * RUN_FIELDS < this.runs.length; i++) if (this.runs[i * RUN_FIELDS + F_EPOCHS] === epochs) out.push(i);
    return out;
  }

  private run(i: number): number[] {
    return this.runs.slice(i * RUN_FIELDS, (i + 1) * RUN_FIELDS);
  }

  private meanOf(indices: number[]): number[] {
    const sum = new Array<number>(RUN_FIELDS).fill(0);
    for (const i of indices) for (let f = 0; f < RUN_FIELDS; f++) sum[f] += this.runs[i * RUN_FIELDS + f];
    return sum.map((x) => x / indices.length);
  }

  private chosenField(field: number): Record<number, number> {
    const out: Record<number, number> = {};
    for (let i = 0; i < this.chosen.length; i += RUN_FIELDS) out[this.chosen[i + F_EPOCHS]] = this.chosen[i + field];
    return out;
  }
}

function toRun(values: number[]): Nasbench101Run {
  return { trainAccuracy: values[F_TRAIN], validationAccuracy: values[F_VAL], testAccuracy: values[F_TEST], trainingTimeS: values[F_TIME] };
}
