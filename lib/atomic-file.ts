// Writing a file so that a kill or a concurrent reader never sees half of it (temp file + rename).
// It never decides where files go: callers pass full paths.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Write `value` as JSON (2-space indent, trailing newline) through a temp file and a rename; creates the folder. */
export function writeJsonAtomically(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(value, null, 2) + '\n');
  renameSync(temp, path);
}
