// The contract every architecture sampler offers (uniform, VAE, mixture Γ), a lazy stream over one,
// a wrapper that redraws excluded cells, and distinct sampling with every redraw counted.
// No model and no search space is named here; samplers never query a benchmark themselves.
import type { Rng } from '../random';

/** What one `draw` call produced: valid cells (repeats possible) and why draws were redrawn. */
export interface SamplerDraws<C> {
  /** `n` valid cells, independent draws from the sampler's distribution. */
  readonly cells: C[];
  /** The component each cell came from, index-aligned (`'uniform'`, `'vae'`). */
  readonly sources: string[];
  /** Draws thrown away and redrawn inside the sampler, by reason (`invalid`: a decode that is no valid cell; `excluded`). */
  readonly redraws: Readonly<Record<string, number>>;
}

/** A distribution over a search space's cells Γ(α) (VAENAS Eq 5 and its components). */
export interface CellSampler<C> {
  /** Short name for manifests and tables (`uniform`, `vae`, `mixture`). */
  readonly name: string;
  /**
   * `n` independent valid cells; the only randomness is `rng`, so the same generator state gives
   * the same cells.
   * @throws RangeError when n is not an integer ≥ 0; a sampler-specific Error when it cannot
   *   produce valid cells (it names the limit it hit).
   */
  draw(n: number, rng: Rng): SamplerDraws<C>;
}

/** One cell from a stream, with the component it came from. */
export interface StreamDraw<C> {
  readonly cell: C;
  readonly source: string;
}

/** A lazy, batched stream over a sampler and the redraws it has counted so far. */
export interface SamplerStream<C> {
  /** The next draw (fetches a batch of `batchSize` when the buffer is empty). */
  next(): StreamDraw<C>;
  /** Redraws inside the sampler for the batches fetched so far, by reason. */
  readonly redraws: Readonly<Record<string, number>>;
}

/** Draws fetched at once by `samplerStream` (one decoder call per batch for learned samplers). */
export const STREAM_BATCH = 256;

/**
 * A stream of single draws that asks `sampler` for `batchSize` cells at a time. Cells come out
 * in the sampler's order, so a sampler whose draws are sequential in `rng` (uniform) yields the
 * same cells as calling it one at a time; draws left in the buffer when the caller stops are
 * never seen and never counted.
 * @throws RangeError when batchSize is not an integer ≥ 1.
 */
export function samplerStream<C>(sampler: CellSampler<C>, rng: Rng, batchSize: number = STREAM_BATCH): SamplerStream<C> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer ≥ 1: got ${batchSize}`);
  let buffer: SamplerDraws<C> | null = null;
  let position = 0;
  const redraws: Record<string, number> = {};
  return {
    next() {
      if (buffer === null || position >= buffer.cells.length) {
        buffer = sampler.draw(batchSize, rng);
        position = 0;
        addCounts(redraws, buffer.redraws);
      }
      const i = position++;
      return { cell: buffer.cells[i], source: buffer.sources[i] };
    },
    redraws,
  };
}

/**
 * `sampler` with the cells whose key is in `keys` redrawn (counted as `excluded`), e.g. the
 * cells already evaluated to train a VAE (VAENAS §5.3: they were paid for, so samples must be new).
 * Redraws come from the same sampler, so a mixture keeps its component weights per kept draw
 * only when both components hit excluded cells equally often (the counts say how often they did).
 * @throws Error from `draw` after `maxRounds` rounds that still left excluded cells (names the count).
 */
export function excludingKeys<C>(sampler: CellSampler<C>, keys: ReadonlySet<string>, keyOf: (cell: C) => string, maxRounds = 1000): CellSampler<C> {
  return {
    name: sampler.name,
    draw(n, rng) {
      checkCount(n);
      const cells: C[] = [];
      const sources: string[] = [];
      const redraws: Record<string, number> = {};
      for (let round = 0; cells.length < n; round++) {
        if (round >= maxRounds) throw new Error(`excludingKeys: ${n - cells.length} of ${n} draws still excluded after ${maxRounds} rounds (${keys.size} excluded keys)`);
        const batch = sampler.draw(n - cells.length, rng);
        addCounts(redraws, batch.redraws);
        batch.cells.forEach((cell, i) => {
          if (keys.has(keyOf(cell))) redraws.excluded = (redraws.excluded ?? 0) + 1;
          else {
            cells.push(cell);
            sources.push(batch.sources[i]);
          }
        });
      }
      return { cells, sources, redraws };
    },
  };
}

/** Options of `sampleDistinct`. */
export interface SampleDistinctOptions<C> {
  readonly rng: Rng;
  /** Identity of a cell (the space's `key`). */
  readonly key: (cell: C) => string;
  /** Which cells count (e.g. those in the benchmark table); the others are drawn, counted as `rejected`, and skipped. */
  readonly accept?: (cell: C) => boolean;
  /** Give up after this many draws (default 1,000,000): a sampler stuck on a few cells then says so. */
  readonly maxDraws?: number;
  /** Draws per sampler call (default STREAM_BATCH). */
  readonly batchSize?: number;
}

/** `n` distinct accepted cells and the cost of getting them. */
export interface DistinctSample<C> {
  /** Accepted cells in draw order (distinct keys). */
  readonly cells: C[];
  readonly keys: string[];
  /** Component of each accepted cell, index-aligned. */
  readonly sources: string[];
  /** Valid draws looked at: accepted + duplicates + rejected. */
  readonly draws: number;
  /** Draws of a cell already accepted in this call (redrawn). */
  readonly duplicates: number;
  /** Draws that `accept` refused (e.g. outside the table). */
  readonly rejected: number;
  /** Redraws inside the sampler (invalid decodes, excluded cells), by reason. */
  readonly redraws: Readonly<Record<string, number>>;
}

/**
 * Draw from `sampler` until `n` distinct cells are accepted; every other draw is counted by why it
 * was skipped, nothing is dropped silently. With the uniform sampler and `accept` = "in the table"
 * this is uniform sampling without replacement from the table.
 * @throws RangeError when n is not an integer ≥ 0 or maxDraws < 1; Error when `maxDraws` draws
 *   gave fewer than n cells (names both numbers and the duplicate and rejected counts).
 */
export function sampleDistinct<C>(sampler: CellSampler<C>, n: number, options: SampleDistinctOptions<C>): DistinctSample<C> {
  checkCount(n);
  const maxDraws = options.maxDraws ?? 1_000_000;
  if (!Number.isInteger(maxDraws) || maxDraws < 1) throw new RangeError(`maxDraws must be an integer ≥ 1: got ${maxDraws}`);
  const stream = samplerStream(sampler, options.rng, options.batchSize ?? STREAM_BATCH);
  const seen = new Set<string>();
  const out = { cells: [] as C[], keys: [] as string[], sources: [] as string[] };
  let draws = 0;
  let duplicates = 0;
  let rejected = 0;
  while (out.cells.length < n) {
    if (draws >= maxDraws) {
      throw new Error(`${sampler.name}: ${maxDraws} draws gave ${out.cells.length} of ${n} distinct accepted cells (${duplicates} duplicates, ${rejected} rejected)`);
    }
    const { cell, source } = stream.next();
    draws++;
    const key = options.key(cell);
    if (seen.has(key)) duplicates++;
    else if (options.accept !== undefined && !options.accept(cell)) rejected++;
    else {
      seen.add(key);
      out.cells.push(cell);
      out.keys.push(key);
      out.sources.push(source);
    }
  }
  return { ...out, draws, duplicates, rejected, redraws: { ...stream.redraws } };
}

/** @throws RangeError when n is not an integer ≥ 0. */
export function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of samples must be an integer ≥ 0: got ${n}`);
}

/** Add the counts of `more` into `into`. */
export function addCounts(into: Record<string, number>, more: Readonly<Record<string, number>>): void {
  for (const [reason, count] of Object.entries(more)) into[reason] = (into[reason] ?? 0) + count;
}
