// Writing a file so that a kill, a full disk or a concurrent reader never sees half of it (temp
// file + rename). It never decides where files go: callers pass full paths.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';

/** Write `value` as JSON (2-space indent, trailing newline) through a temp file and a rename; creates the folder. */
export function writeJsonAtomically(path: string, value: unknown): void {
  writeFileAtomically(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Write `data` to `path` through a temp file beside it and a rename, so `path` holds either its old
 * content or all of the new one. A failed write (e.g. ENOSPC) removes the temp file and rethrows,
 * leaving the old file as it was. The temp name carries the process and thread id, so writers in
 * two threads never share one.
 */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}-${threadId}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
