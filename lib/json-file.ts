// Reading the JSON state files the workbook writes (configs, manifests, results): a file that is
// not what it must be is an error that names it and says why. Reads only; writing is atomic-file.ts.
import { readFileSync } from 'node:fs';

/** A file that cannot be read as what it must be, named with the reason. */
export interface CorruptFile {
  readonly file: string;
  readonly reason: string;
}

/** Thrown for a state file that is not what it must be; `corrupt` names it and says why. */
export class CorruptFileError extends Error {
  override name = 'CorruptFileError';
  constructor(readonly corrupt: CorruptFile) {
    super(`${corrupt.file}: ${corrupt.reason}`);
  }
}

/**
 * The JSON object in `file`.
 * @throws CorruptFileError naming the file when it is empty, truncated, not JSON or not an object;
 *   the read error (ENOENT, EACCES, …) as it is when the file cannot be read at all.
 */
export function readJsonObject(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const what = text.length === 0 ? 'empty file' : `malformed JSON (${error instanceof Error ? error.message : String(error)})`;
    throw new CorruptFileError({ file, reason: what });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CorruptFileError({ file, reason: `malformed JSON: expected an object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}` });
  }
  return value as Record<string, unknown>;
}
