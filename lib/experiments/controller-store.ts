// Writing a controller and its record into a cache folder atomically, shared by the trained-controller
// and pretrained-latent caches. No training, no keys: those are the callers' business.
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Controller } from '../controller/index';

/** The training record saved beside a cached controller's weights. */
export const TRAINING_FILE = 'training.json';

/**
 * Save a controller and its training record into a temporary sibling folder, then rename it into
 * place (readers never see half a controller; a concurrent writer of the same key wins, its copy is kept).
 */
export function saveControllerAtomically(dir: string, controller: Controller, training: Record<string, unknown>, recordFile: string = TRAINING_FILE): void {
  mkdirSync(dirname(dir), { recursive: true });
  const temp = `${dir}.${process.pid}.${Date.now()}.tmp`;
  controller.save(temp);
  writeFileSync(join(temp, recordFile), `${JSON.stringify(training, null, 2)}\n`);
  try {
    renameSync(temp, dir);
  } catch (err) {
    // Another process saved the same key first: its controller is the same one, keep it.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(join(dir, recordFile))) throw err;
  }
}

