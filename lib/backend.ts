// Chooses and initialises the TF.js backend once per process, and says which one it chose.
// It must not build models or touch data: callers get `tf` back and do their own work.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';

/** Backends in order of preference (fastest first). */
export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
/** A backend name as the workbook reports it (`tensorflow-gpu` = tfjs-node-gpu on a GPU). */
export type BackendName = (typeof BACKENDS)[number];

/** The environment variable that forces a backend, e.g. `DNAS_BACKEND=cpu`. */
export const BACKEND_ENV = 'DNAS_BACKEND';

/** What `initBackend` chose and why the faster ones were passed over. */
export interface BackendChoice {
  readonly name: BackendName;
  /** One line per backend tried before the chosen one, with the reason it was skipped. */
  readonly skipped: readonly string[];
}

let chosen: Promise<BackendChoice> | null = null;

/**
 * Initialise TF.js on the best available backend: tfjs-node-gpu when it loads and a GPU
 * is visible, else tfjs-node, else wasm, else cpu. `DNAS_BACKEND` (or `options.force`)
 * forces one. The choice is made once per process, printed once, and returned on later calls.
 * @throws Error when a forced backend is unknown or fails to load (the message says why).
 */
export function initBackend(options: { force?: string; quiet?: boolean } = {}): Promise<BackendChoice> {
  if (chosen === null) chosen = choose(options.force ?? process.env[BACKEND_ENV], options.quiet ?? false);
  return chosen;
}

/** The backend chosen so far, or null before `initBackend` resolved. */
export function currentBackend(): BackendName | null {
  const name = tf.getBackend();
  if (name === 'tensorflow') return gpuVisible() && loaded.has('tensorflow-gpu') ? 'tensorflow-gpu' : 'tensorflow';
  return name === 'wasm' || name === 'cpu' ? name : null;
}

const loaded = new Set<BackendName>();

async function choose(force: string | undefined, quiet: boolean): Promise<BackendChoice> {
  if (force !== undefined && force !== '' && !(BACKENDS as readonly string[]).includes(force)) {
    throw new Error(`unknown TF.js backend ${JSON.stringify(force)} in ${BACKEND_ENV} (allowed: ${BACKENDS.join(', ')})`);
  }
  const candidates = force ? [force as BackendName] : BACKENDS;
  const skipped: string[] = [];
  for (const name of candidates) {
    const reason = await tryBackend(name);
    if (reason === null) {
      const choice = { name, skipped };
      if (!quiet) console.error(`[dnas] TF.js backend: ${name}${force ? ` (forced by ${BACKEND_ENV})` : ''}`);
      return choice;
    }
    if (force) throw new Error(`TF.js backend '${name}' forced by ${BACKEND_ENV} is not usable: ${reason}`);
    skipped.push(`${name}: ${reason}`);
  }
  throw new Error(`no TF.js backend could be initialised:\n  ${skipped.join('\n  ')}`);
}

/** Try one backend; null on success, else the reason it is unusable. */
async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      if (name === 'tensorflow-gpu' && !gpuVisible()) return 'no NVIDIA GPU visible (/proc/driver/nvidia/version missing)';
      // Guarded require: these are optionalDependencies whose native install fails offline.
      require(name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      loaded.add(name);
      return (await tf.setBackend('tensorflow')) ? null : 'tf.setBackend("tensorflow") returned false';
    }
    if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend(name))) return `tf.setBackend("${name}") returned false`;
    await tf.ready();
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return message;
  }
}

function gpuVisible(): boolean {
  return existsSync('/proc/driver/nvidia/version');
}
