// The controller's latent space pretrained without labels on EVERY cell of a space (NAS-Bench-101:
// all 423,624; NAS-Bench-201: all 15,625) minus a fixed held-out split, cached under `.cache/latent/`
// by a hash of everything that determines it, resumable, and scored on the held-out cells.
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, resolveConfig, standardVaeObjective, type ControllerConfig, type ControllerOptions } from '../controller/index';
import { pretrainController, type CurvePoint, type PackedSequences, type PretrainSchedule } from '../controller/pretrain';
import type { Attributes } from '../analysis/traversal';
import { cacheRoot } from '../project-folders';
import { Rng } from '../random';
import { startProgress } from '../report/progress';
import { cellAttributes } from '../spaces/nasbench101/attributes';
import type { Cell } from '../spaces/nasbench101/cell';
import { nasbench101SearchSpace } from '../spaces/nasbench101/search-space';
import { loadNasbench101Space } from '../spaces/nasbench101/space';
import { nb201CellAttributes } from '../spaces/nasbench201/attributes';
import type { Nb201Cell } from '../spaces/nasbench201/cell';
import { NB201_SIZE, nasbench201SearchSpace } from '../spaces/nasbench201/search-space';
import { NB201_SEQUENCE_LENGTH, NB201_VOCAB_SIZE } from '../spaces/nasbench201/encoding';
import type { SearchSpace } from '../spaces/search-space';
import { saveControllerAtomically } from './controller-store';
import { lockFolder } from '../folder-lock';
import { readJsonObject } from '../json-file';
import { scoreLatentSpace, type LatentScoreOptions, type LatentScores } from './latent-scores';
import { canonicalJson } from '../canonical-json';

/** Spaces a latent space can be pretrained on. */
export const PRETRAIN_SPACES = ['nb101', 'nb201'] as const;
export type PretrainSpace = (typeof PRETRAIN_SPACES)[number];

/** Model, objective and schedule of the default pretraining per space and scale (see README for what they reach). */
export interface PretrainPreset {
  readonly controller: ControllerOptions;
  readonly steps: number;
  readonly batchSize: number;
  /** Held-out cells (a fixed split, the same for every seed and β). */
  readonly heldOut: number;
  /** Held-out cells scored (≤ heldOut). */
  readonly scoredCells: number;
  readonly priorDraws: number;
}

/**
 * The measured defaults. NAS-Bench-101: LSTM hidden 64, z of 26 units (the paper's latent size),
 * z fed to the decoder at every step, the encoder's mean output (NAO's), objective in textbook
 * units with β = 0.25, KL warm-up, cosine learning-rate decay. NAS-Bench-201: hidden 32, z of 16,
 * the encoder's last output, otherwise the same. Each choice was measured against its alternative (README, "Pretrained latent space").
 * smoke: the pipeline on a few hundred steps (CI); full: the run the targets are stated for.
 */
export const PRETRAIN_PRESETS: Record<PretrainSpace, Record<'full' | 'smoke', PretrainPreset>> = {
  nb101: {
    full: { controller: nb101Model(), steps: 11_000, batchSize: 128, heldOut: 21_181, scoredCells: 21_181, priorDraws: 10_000 },
    smoke: { controller: nb101Model(), steps: 60, batchSize: 64, heldOut: 21_181, scoredCells: 300, priorDraws: 300 },
  },
  nb201: {
    full: { controller: nb201Model(), steps: 6_000, batchSize: 128, heldOut: 1_562, scoredCells: 1_562, priorDraws: 5_000 },
    smoke: { controller: nb201Model(), steps: 60, batchSize: 64, heldOut: 1_562, scoredCells: 300, priorDraws: 300 },
  },
};

/**
 * Adam steps per model of a β sweep (`beta-disentanglement`): a sweep trains (β values × seeds)
 * models, so each gets a fraction of the default pretraining; the held-out scoring is the preset's.
 */
export const BETA_SWEEP_STEPS: Record<'full' | 'smoke', number> = { full: 1_000, smoke: 30 };

function nb101Model(): ControllerOptions {
  return { hidden: 64, latentDim: 26, latentEveryStep: true, encoderOutput: 'mean', learningRate: 0.003, klWarmupSteps: 1500, flopsPredictor: true, ...standardVaeObjective(0.25) };
}

function nb201Model(): ControllerOptions {
  // The encoder's last output, not the mean: on six tokens the mean reconstructed worse (README).
  return { hidden: 32, latentDim: 16, latentEveryStep: true, encoderOutput: 'last', learningRate: 0.003, klWarmupSteps: 500, flopsPredictor: true, ...standardVaeObjective(0.25) };
}

/** Options of `pretrainedLatentSpace`. */
export interface PretrainedLatentOptions {
  readonly space: PretrainSpace;
  /** Preset scale (default 'full'). */
  readonly scale?: 'full' | 'smoke';
  /** β in textbook units (summed KL); overrides the preset's. */
  readonly beta?: number;
  /** Controller options over the preset's (sizes, objective, KL schedule, seed of the weights). */
  readonly controller?: ControllerOptions;
  /** Adam steps / batch size over the preset's. */
  readonly steps?: number;
  readonly batchSize?: number;
  /** Seeds the weights (unless controller.seed is given) and the training draws (default 0). */
  readonly seed?: number;
  /** Cache root (default $DNAS_CACHE_DIR, else `<project root>/.cache`); models go to `<root>/latent/<key>/`. */
  readonly cacheDir?: string;
  /** A live progress bar while training (default true). */
  readonly progress?: boolean;
}

/** A pretrained (or cached) latent space with its scores. */
export interface PretrainedLatent<C = unknown> {
  readonly controller: Controller;
  readonly space: SearchSpace<C>;
  /** 16 hex digits of SHA-256 over `keyConfig`. */
  readonly key: string;
  readonly keyConfig: Record<string, unknown>;
  readonly dir: string;
  readonly cached: boolean;
  readonly config: ControllerConfig;
  readonly schedule: PretrainSchedule;
  readonly curve: readonly CurvePoint[];
  readonly scores: LatentScores;
  /** Wall seconds of the training (as recorded when it ran). */
  readonly seconds: number;
  /** Cells trained on. */
  readonly trainCells: number;
  /** The held-out cells (never trained on), in split order; the first `scores.heldOutCells` were scored. */
  readonly heldOut: readonly C[];
  /** Attributes of a cell (MIG's attributes). */
  readonly attributesOf: (cell: C) => Attributes;
}

const FORMAT = 'dnas-pretrained-latent';
const FORMAT_VERSION = 1;
const RECORD_FILE = 'pretrain.json';

/**
 * The latent space of `options.space`, pretrained on every cell but a fixed held-out split
 * (`Rng('held-out-split')`, the same for every seed and β), or loaded from
 * `<cache>/latent/<key>/` when it exists. A run killed mid-way resumes from its last checkpoint
 * in `<cache>/latent/<key>.partial/`. Scores come from `scoreLatentSpace` on the held-out cells.
 * @throws RangeError for an unknown space or bad options; Error for a corrupt cache (naming the file).
 */
export async function pretrainedLatentSpace<C = unknown>(options: PretrainedLatentOptions): Promise<PretrainedLatent<C>> {
  if (!(PRETRAIN_SPACES as readonly string[]).includes(options.space)) throw new RangeError(`space must be one of ${PRETRAIN_SPACES.join(', ')}: got ${JSON.stringify(options.space)}`);
  const preset = PRETRAIN_PRESETS[options.space][options.scale ?? 'full'];
  const seed = options.seed ?? 0;
  const { space, size, cellAt, attributesOf } = (await spaceCells(options.space)) as unknown as SpaceCells<C>;
  const controllerOptions: ControllerOptions = {
    ...preset.controller,
    seed,
    ...(options.beta !== undefined ? { lossWeights: { ...preset.controller.lossWeights, beta: options.beta } } : {}),
    ...options.controller,
  };
  const config = resolveConfig(space, controllerOptions);
  const schedule: PretrainSchedule = { steps: options.steps ?? preset.steps, batchSize: options.batchSize ?? preset.batchSize, seed, checkpointEvery: 500, logEvery: 100, learningRateDecay: 'cosine' };
  const split = heldOutSplit(size, preset.heldOut);
  const scoring: LatentScoreOptions & { cells: number } = { cells: Math.min(preset.scoredCells, split.heldOut.length), priorDraws: preset.priorDraws, seed: 0 };
  const keyConfig = { format: FORMAT, version: FORMAT_VERSION, space: options.space, cells: size, heldOut: preset.heldOut, controller: config, schedule, scoring };
  const key = createHash('sha256').update(canonicalJson(keyConfig)).digest('hex').slice(0, 16);
  const dir = join(cacheRoot(options.cacheDir), 'latent', key);
  const heldOut = split.heldOut.map(cellAt);
  const base = { space, key, keyConfig, dir, config, schedule, trainCells: split.train.length, heldOut, attributesOf };
  const recordFile = join(dir, RECORD_FILE);
  const cached = (): PretrainedLatent<C> => {
    const record = readJsonObject(recordFile) as { keyConfig: unknown; curve: CurvePoint[]; scores: LatentScores; seconds: number };
    if (canonicalJson(record.keyConfig) !== canonicalJson(keyConfig)) throw new Error(`${recordFile}: cached under key ${key} but holds a different config; delete ${dir}`);
    return { ...base, controller: Controller.load(dir, space), cached: true, curve: record.curve, scores: record.scores, seconds: record.seconds };
  };
  if (existsSync(recordFile)) return cached();
  const partial = `${dir}.partial`;
  // One trainer per cache entry: a second one (another process, machine or thread) is refused, naming this one.
  const lock = await lockFolder(partial, `pretrain ${options.space} ${key}`);
  if (existsSync(recordFile)) {
    // Another trainer finished it while this one waited for the lock.
    await lock.release();
    return cached();
  }
  const bar = options.progress === false ? null : startProgress(`pretrain ${options.space} ${key}`, schedule.steps);
  let run;
  try {
    run = await pretrainController({
      grammar: space,
      config,
      tokens: packTrainingTokens(space, cellAt, split.train),
      schedule,
      checkpointDir: partial,
      onStep: (step, curve) => {
        const last = curve[curve.length - 1];
        if (bar !== null && (step % 20 === 0 || step === schedule.steps)) bar.tick(step, last ? `rec ${last.rec.toFixed(2)} nats, KL ${last.kl.toFixed(1)} nats` : '');
      },
    });
    bar?.finish();
  } catch (err) {
    bar?.finish(`failed: ${(err as Error).message}`);
    await lock.release();
    throw err;
  }
  const seconds = run.curve.length > 0 ? run.curve[run.curve.length - 1].seconds : run.seconds;
  const scores = scoreLatentSpace(run.controller, space, heldOut.slice(0, scoring.cells), attributesOf, scoring);
  if (!lock.isHeld()) throw new Error(`${partial}: this pretraining lost the entry's lock to another trainer; it stops without saving, which is left to that one`);
  saveControllerAtomically(dir, run.controller, { format: FORMAT, version: FORMAT_VERSION, keyConfig, curve: run.curve, scores, seconds, resumedFrom: run.resumedFrom }, RECORD_FILE);
  // The checkpoints go with their lock: a trainer that takes it later finds the saved entry first.
  rmSync(partial, { recursive: true, force: true });
  await lock.release();
  return { ...base, controller: run.controller, cached: false, curve: run.curve, scores, seconds };
}

/** Indices of the held-out cells (a fixed draw) and of the rest, each increasing. */
export function heldOutSplit(size: number, heldOut: number): { train: number[]; heldOut: number[] } {
  if (!Number.isInteger(heldOut) || heldOut < 1 || heldOut >= size) throw new RangeError(`heldOut must be an integer in 1..${size - 1}: got ${heldOut}`);
  const chosen = new Rng('held-out-split').sampleIndices(size, heldOut);
  const mark = new Uint8Array(size);
  for (const i of chosen) mark[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < size; i++) if (mark[i] === 0) train.push(i);
  return { train, heldOut: chosen };
}

/** The training cells' token sequences, packed (no cell objects are kept: see `PackedSequences`). */
function packTrainingTokens<C>(space: SearchSpace<C>, cellAt: (i: number) => C, indices: readonly number[]): PackedSequences {
  const length = space.sequenceLength;
  const data = new Uint8Array(indices.length * length);
  indices.forEach((index, k) => data.set(space.encode(cellAt(index)), k * length));
  return { count: indices.length, length, data };
}

interface SpaceCells<C> {
  readonly space: SearchSpace<C>;
  readonly size: number;
  /** Cell `i` of the space's canonical order (NAS-Bench-101: hash order; NAS-Bench-201: token order). */
  readonly cellAt: (i: number) => C;
  readonly attributesOf: (cell: C) => Attributes;
}

/** A space's cells by index, without materialising all of them. */
async function spaceCells(name: PretrainSpace): Promise<SpaceCells<Cell> | SpaceCells<Nb201Cell>> {
  if (name === 'nb101') {
    const packed = await loadNasbench101Space({ quiet: true });
    return { space: nasbench101SearchSpace(packed), size: packed.size, cellAt: (i: number) => packed.cellAt(i), attributesOf: (cell: Cell) => cellAttributes(cell) };
  }
  const space = nasbench201SearchSpace('cifar10');
  const cellAt = (i: number): Nb201Cell => space.decode(Array.from({ length: NB201_SEQUENCE_LENGTH }, (_, p) => Math.floor(i / NB201_VOCAB_SIZE ** (NB201_SEQUENCE_LENGTH - 1 - p)) % NB201_VOCAB_SIZE))!;
  return { space, size: NB201_SIZE, cellAt, attributesOf: (cell: Nb201Cell) => nb201CellAttributes(cell) };
}

