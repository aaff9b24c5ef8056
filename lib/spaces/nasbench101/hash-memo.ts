// A bounded memo of graph hashes keyed by a cell's literal form, for searches that meet the same
// cells again and again (evolution's repeated children, growing-step decodes). Pure caching:
// it returns exactly what hashCell returns, never a different labelling's hash.
import type { Cell } from './cell';
import { hashCell } from './graph';

/** Entries kept before the memo starts afresh (~100 bytes each: ~50 MB at the limit). */
export const HASH_MEMO_LIMIT = 500_000;

/** hashCell with a memo, and how often the memo answered. */
export interface HashMemo {
  /** The graph hash of a pruned cell (= hashCell(cell)). */
  (cell: Cell): string;
  readonly hits: () => number;
  readonly misses: () => number;
}

/**
 * A memoised `hashCell`. The key is the literal cell (ops and upper-triangle bits), so two
 * labellings of one graph are hashed once each; the hash itself is labelling-invariant.
 * When `limit` entries are stored the memo is cleared (bounded memory over million-proposal runs).
 * @throws RangeError when limit is not a positive integer.
 */
export function createHashMemo(limit = HASH_MEMO_LIMIT): HashMemo {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`hash memo limit must be a positive integer: got ${limit}`);
  const memo = new Map<string, string>();
  let hits = 0;
  let misses = 0;
  const hash = (cell: Cell): string => {
    const key = literalKey(cell);
    const known = memo.get(key);
    if (known !== undefined) {
      hits++;
      return known;
    }
    misses++;
    const value = hashCell(cell);
    if (memo.size >= limit) memo.clear();
    memo.set(key, value);
    return value;
  };
  return Object.assign(hash, { hits: () => hits, misses: () => misses });
}

/** The cell written out literally: op initials, then the upper triangle's bits row by row. */
function literalKey(cell: Cell): string {
  let key = '';
  for (const op of cell.ops) key += op[0] + op[4];
  for (let i = 0; i < cell.matrix.length; i++) for (let j = i + 1; j < cell.matrix.length; j++) key += cell.matrix[i][j];
  return key;
}
