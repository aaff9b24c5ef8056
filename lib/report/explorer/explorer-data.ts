// What a latent explorer page embeds (JSON), and how the page reads its table back: the models (a
// saved controller each, with its factors in slider order), the base cells, and the space's whole
// accuracy table in a compact form. Pure (shared by the Node side that writes it and the page).
import { countAtMost } from '../../analysis/order-statistics';
import type { SavedManifest } from '../../controller/controller';
import type { Nb201Dataset } from '../../spaces/nasbench201/cost';
import type { ExplorerSpaceName } from './explorer-space';

/** Bumped when the layout changes. */
export const EXPLORER_DATA_VERSION = 1;

/** File-name prefix of explorer pages (`latent-explorer-<space>-<label>.html`; the report index lists them apart). */
export const EXPLORER_PAGE_PREFIX = 'latent-explorer-';

/** Title of the cell the page draws (red marks what differs from the base cell's decode). */
export const EXPLORER_FIGURE_TITLE = 'decoded cell (red: changed)';

/** One latent factor as a slider shows it. */
export interface ExplorerFactor {
  /** Index in z (0-based). */
  readonly index: number;
  /** What it controls (its concept from the traversals), or '' when none was measured. */
  readonly concept: string;
  /** The ordering score named by ExplorerModel.order (e.g. KL in nats, or |Spearman ρ| with accuracy). */
  readonly score: number;
  /** Spread of the factor over the space's cells (std of the aggregate posterior): the slider moves ±3 of these. */
  readonly spread: number;
}

/** One embedded model (e.g. one β of a sweep). */
export interface ExplorerModel {
  readonly label: string;
  /** controller.json as `Controller.save` writes it. */
  readonly manifest: SavedManifest;
  /** weights.bin, base64. */
  readonly weights: string;
  /** What `score` is, for the page's legend. */
  readonly order: string;
  /** False when the predictors were never trained (a latent space pretrained without labels): the page shows no prediction. */
  readonly predictors: boolean;
  /** Every factor, in slider order (highest score first). */
  readonly factors: readonly ExplorerFactor[];
}

/**
 * Accuracies, exact: the table's distinct float32 values (base64, little-endian) and, per cell, the
 * index of its value as uint16 (NAS-Bench-101's 423,624 test accuracies take 2,904 distinct values).
 */
export interface EncodedAccuracies {
  readonly distinct: string;
  readonly index: string;
}

/** The table, compact: NAS-Bench-201 by token index; NAS-Bench-101 by sorted hash prefixes. */
export type ExplorerTable =
  | {
    /** accuracy of cell i: the cell whose tokens are the base-`vocab` digits of i (token 0 least significant). */
    readonly encoding: 'token-index';
    readonly vocab: number;
    readonly accuracy: EncodedAccuracies;
  }
  | {
    /**
     * The table's hashes sorted, each cut to its first `prefixBytes` bytes (unique among the table's
     * hashes: checked when written) and stored as the gaps between consecutive prefixes, LEB128
     * varints (base64); the accuracies in the same order. A valid cell of a complete table is always
     * in it, so its hash's prefix finds its own row.
     */
    readonly encoding: 'hash-prefix';
    readonly prefixBytes: number;
    readonly prefixGaps: string;
    readonly accuracy: EncodedAccuracies;
  };

/** Everything one explorer embeds. */
export interface ExplorerData {
  readonly version: number;
  readonly space: ExplorerSpaceName;
  readonly dataset?: Nb201Dataset;
  /** What the table's accuracy is, e.g. 'CIFAR-10 test accuracy after 108 epochs'. */
  readonly metric: string;
  readonly models: readonly ExplorerModel[];
  /** Cells to start from, with a label each (e.g. 'top 1', 'held-out 17'). */
  readonly bases: readonly { readonly label: string; readonly tokens: readonly number[] }[];
  readonly table: ExplorerTable;
}

/** Bytes of base64 text (atob: in pages and in Node). */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** A table read back: the accuracy of a cell by its tokens and key, and its percentile in the space. */
export interface TableReader {
  readonly size: number;
  /** The cell's accuracy, or null when the table does not hold it. */
  accuracy(tokens: readonly number[], key: string): number | null;
  /** Share of the table's cells with accuracy ≤ `value`, in percent. */
  percentile(value: number): number;
}

/** Read an embedded table. @throws Error for an unknown encoding. */
export function readTable(table: ExplorerTable): TableReader {
  const accuracy = decodeAccuracies(table.accuracy);
  const sorted = Float32Array.from(accuracy).sort();
  const percentile = (value: number): number => (100 * countAtMost(sorted, value)) / sorted.length;
  if (table.encoding === 'token-index') {
    return {
      size: accuracy.length,
      accuracy: (tokens) => {
        const index = tokens.reduceRight((acc, t) => acc * table.vocab + t, 0);
        return index < accuracy.length ? accuracy[index] : null;
      },
      percentile,
    };
  }
  if (table.encoding !== 'hash-prefix') throw new Error(`unknown table encoding ${JSON.stringify((table as { encoding: unknown }).encoding)}`);
  const prefixes = decodeGaps(table.prefixGaps, accuracy.length);
  const chars = 2 * table.prefixBytes;
  return {
    size: accuracy.length,
    accuracy: (_tokens, key) => {
      const target = parseInt(key.slice(0, chars), 16);
      let lo = 0;
      let hi = prefixes.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (prefixes[mid] === target) return accuracy[mid];
        if (prefixes[mid] < target) lo = mid + 1;
        else hi = mid - 1;
      }
      return null;
    },
    percentile,
  };
}

/** Encode accuracies as EncodedAccuracies. @throws RangeError for more than 65,536 distinct float32 values. */
export function encodeAccuracies(values: ArrayLike<number>): EncodedAccuracies {
  const f32 = Float32Array.from(values);
  const distinct = Float32Array.from(new Set(f32)).sort();
  if (distinct.length > 65_536) throw new RangeError(`${distinct.length} distinct accuracies: the explorer's table holds at most 65,536`);
  const position = new Map(Array.from(distinct, (v, i) => [v, i]));
  const index = Uint16Array.from(f32, (v) => position.get(v)!);
  return { distinct: toBase64(new Uint8Array(distinct.buffer)), index: toBase64(new Uint8Array(index.buffer)) };
}

function decodeAccuracies(encoded: EncodedAccuracies): Float32Array {
  const distinct = new Float32Array(copy(fromBase64(encoded.distinct)));
  const index = new Uint16Array(copy(fromBase64(encoded.index)));
  return Float32Array.from(index, (i) => distinct[i]);
}

/** Sorted non-negative integers below 2^53 as LEB128 varints of their gaps, base64. */
export function encodeGaps(sorted: readonly number[]): string {
  const bytes: number[] = [];
  let previous = 0;
  for (const value of sorted) {
    let gap = value - previous;
    if (!(gap >= 0) || !Number.isSafeInteger(value)) throw new RangeError(`gaps need sorted safe integers: got ${value} after ${previous}`);
    previous = value;
    do {
      const low = gap % 128;
      gap = Math.floor(gap / 128);
      bytes.push(gap > 0 ? low + 128 : low);
    } while (gap > 0);
  }
  return toBase64(Uint8Array.from(bytes));
}

function decodeGaps(text: string, count: number): Float64Array {
  const bytes = fromBase64(text);
  const out = new Float64Array(count);
  let at = 0;
  let value = 0;
  for (let i = 0; i < count; i++) {
    let gap = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[at++];
      gap += (b & 127) * scale;
      scale *= 128;
      if (b < 128) break;
    }
    value += gap;
    out[i] = value;
  }
  return out;
}

/** An ArrayBuffer holding exactly these bytes (typed-array views need their own aligned buffer). */
function copy(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Base64 of bytes (the encoders run in Node only: the page decodes). */
function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
