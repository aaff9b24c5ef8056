// A controller's training state shared between searches that train it identically. NAO and SemiNAS
// (and the ablation's pairs of DNAS variants) start each run with the same training: the same seed,
// the same initial cells, the same controller and steps; they differ only after it. A grid that runs
// such searches side by side offers them a memo: the first run to reach that training stores the
// state it ends in, keyed by a hash of every input of the training (the initial weights included),
// and the other restores it instead of training again. Its results are the same either way (tested);
// the key makes a wrong reuse impossible rather than unlikely.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { ControllerTrainingState, Normalisation } from '../controller/index';
import { floatsFromBase64, floatsToBase64 } from './search-checkpoint';

/** Where shared training states are kept (the runner gives a folder-backed one: experiments/training-memo-folder.ts). */
export interface TrainingMemo {
  /** The state stored under `key`, removed from the memo (each is written by one run and read by one other); null when none. */
  take(key: string): ControllerTrainingState | null;
  put(key: string, state: ControllerTrainingState): void;
}

/**
 * The memo key of a training: sha256 over `inputs` (canonical JSON: config, data, steps, the random
 * stream's state) and the controller's weights before it.
 */
export function trainingKey(inputs: unknown, initialWeights: ReadonlyMap<string, Float32Array>): string {
  const hash = createHash('sha256').update(canonicalJson(inputs));
  for (const [name, values] of [...initialWeights].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(name).update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}

/** A training state as JSON (float32 values as base64): what checkpoints and memo entries hold. */
export interface EncodedTrainingState {
  readonly weights: Record<string, string>;
  readonly optimizer: { name: string; shape: number[]; values: string }[];
  readonly steps: number;
  readonly normalisation?: { readonly accuracy: Normalisation; readonly flops: Normalisation | null };
}

export function encodeTrainingState(state: ControllerTrainingState): EncodedTrainingState {
  return {
    weights: Object.fromEntries([...state.weights].map(([name, values]) => [name, floatsToBase64(values)])),
    optimizer: state.optimizer.map((t) => ({ name: t.name, shape: t.shape, values: floatsToBase64(t.values) })),
    steps: state.steps,
    ...(state.normalisation === undefined ? {} : { normalisation: state.normalisation }),
  };
}

export function decodeTrainingState(state: EncodedTrainingState): ControllerTrainingState {
  return {
    weights: new Map(Object.entries(state.weights).map(([name, text]) => [name, floatsFromBase64(text)])),
    optimizer: state.optimizer.map((t) => ({ name: t.name, shape: t.shape, values: floatsFromBase64(t.values) })),
    steps: state.steps,
    ...(state.normalisation === undefined ? {} : { normalisation: state.normalisation }),
  };
}
