// A search's state at a round boundary, saved so that a killed run resumes there instead of
// replaying every query from the first. The session saves its own accounting; the algorithm adds
// what it carries between rounds (JSON), including the position of any random stream it goes on
// drawing from (Rng.state). Algorithms that do not checkpoint (random, local search: seconds a
// seed) are replayed from the first query instead.

/** Bumped when the layout changes: a checkpoint of another version is ignored (the run replays). */
export const SEARCH_CHECKPOINT_VERSION = 1;

/**
 * How often a search without rounds saves a checkpoint. A checkpoint re-encodes every queried cell,
 * so a seed that ends in seconds never writes one (replaying it is as cheap), while a long one loses
 * at most this much work to a kill.
 */
export const CHECKPOINT_EVERY_MS = 5_000;

/** One distinct queried cell, as the session keeps it in a checkpoint. */
export interface CheckpointCell {
  /** The cell's token sequence (space.encode); space.decode gives the cell back. */
  readonly tokens: readonly number[];
  /** Its key, checked against the decoded cell on resume. */
  readonly key: string;
}

/** Everything a session and its algorithm need to go on from a round boundary. */
export interface SearchCheckpoint {
  readonly version: number;
  /** The algorithm's name (a checkpoint of another algorithm is refused). */
  readonly algorithm: string;
  /** Proposals made before it: the query log rows it stands for (one row per proposal). */
  readonly proposals: number;
  /** The distinct cells queried, in query order. */
  readonly queried: readonly CheckpointCell[];
  readonly outOfDomain: number;
  readonly repeats: number;
  readonly freeStreak: number;
  readonly byOrigin: Readonly<Record<string, number>>;
  readonly notes: Readonly<Record<string, unknown>>;
  /** What the algorithm saved (its round, the cells it proposed, caches it cannot recompute exactly). */
  readonly state: unknown;
}

/** Where a session's checkpoints go and where a resumed one comes from (the runner gives it). */
export interface SearchCheckpoints {
  /** The checkpoint to resume from; null for a fresh run. */
  readonly resumeFrom: SearchCheckpoint | null;
  /**
   * For searches without rounds (regularized evolution): milliseconds between checkpoints (see
   * SearchSession.checkpointDue). Searches with rounds save one every round. Default CHECKPOINT_EVERY_MS.
   */
  readonly everyMs?: number;
  /** Keep a checkpoint (the runner writes it atomically in the seed folder, replacing the last). */
  save(checkpoint: SearchCheckpoint): void;
  /** Told when the algorithm resumed from `resumeFrom` (the log's first `proposals` rows are then not replayed). */
  resumed(checkpoint: SearchCheckpoint): void;
}

/**
 * Why `value` (read from a checkpoint file) cannot be resumed from, or null when it can.
 * A checkpoint that cannot be used is not an error: the run replays from the first query.
 */
export function unusableCheckpoint(value: unknown, algorithm: string, logRows: number): string | null {
  const c = value as Partial<SearchCheckpoint>;
  if (c === null || typeof c !== 'object') return 'not a JSON object';
  if (c.version !== SEARCH_CHECKPOINT_VERSION) return `version ${String(c.version)} (this code reads ${SEARCH_CHECKPOINT_VERSION})`;
  if (c.algorithm !== algorithm) return `saved by '${String(c.algorithm)}', not '${algorithm}'`;
  if (!Number.isInteger(c.proposals) || !Array.isArray(c.queried)) return 'no proposals count or queried cells';
  if (c.proposals! > logRows) return `it stands for ${c.proposals} log rows but the log holds ${logRows}`;
  return null;
}

/**
 * Float32 values as base64 of their bytes (a model's weights in a checkpoint: exact and 3× smaller
 * than JSON numbers). Little-endian, as every machine Node runs the workbook on.
 */
export function floatsToBase64(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** The inverse of floatsToBase64. @throws RangeError when the text is not a whole number of float32s. */
export function floatsFromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new RangeError(`base64 float32 data must be a multiple of 4 bytes: got ${bytes.length}`);
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
