// The training memo of a grid (search/training-memo.ts) as a folder of JSON files, one per key,
// shared by the grid's worker threads and Slurm tasks: written atomically, removed when taken. Two
// runs that miss the same key at once both train and write identical files; nothing needs a lock.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomically } from '../atomic-file';
import type { ControllerTrainingState } from '../controller/index';
import { decodeTrainingState, encodeTrainingState, type EncodedTrainingState, type TrainingMemo } from '../search/training-memo';

/** A memo kept in `dir` (made on the first write). An entry that cannot be read is a miss, and is removed. */
export function folderTrainingMemo(dir: string): TrainingMemo {
  const file = (key: string): string => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new RangeError(`a training memo key is a sha256 in hex: got ${JSON.stringify(key)}`);
    return join(dir, `${key}.json`);
  };
  return {
    take(key: string): ControllerTrainingState | null {
      const path = file(key);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      rmSync(path, { force: true });
      try {
        return decodeTrainingState(JSON.parse(text) as EncodedTrainingState);
      } catch {
        return null;
      }
    },
    put(key: string, state: ControllerTrainingState): void {
      mkdirSync(dir, { recursive: true });
      writeJsonAtomically(file(key), encodeTrainingState(state));
    },
  };
}
