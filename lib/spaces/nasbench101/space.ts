// The whole NAS-Bench-101 space as a lookup table (index ⇄ hash ⇄ cell), cached on disk in a
// checked binary file. Enumeration itself lives in enumerate.ts; no sampling or benchmark data.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buf as crc32 } from 'crc-32';
import { CACHE_DIR_ENV, cacheRoot } from '../../project-folders';
import type { Cell } from './cell';
import { enumerateNasbench101, unpackCell, type PackedSpace } from './enumerate';

/** Unique cells in NAS-Bench-101 (Ying et al. 2019, §2.3: 423,624 unique graphs). */
export const NASBENCH101_SIZE = 423_624;

/** Cache file name inside the cache folder. */
export const SPACE_CACHE_FILE = 'nasbench101-space.bin';

export { CACHE_DIR_ENV };

/** The space, as other code uses it. Indices run over cells in ascending hash order. */
export interface Nasbench101Space {
  /** Number of unique cells (423,624). */
  readonly size: number;
  /** Hash of the cell at `index` (0-based, hash order). @throws RangeError outside [0, size). */
  hashAt(index: number): string;
  /** The pruned cell at `index`. @throws RangeError outside [0, size). */
  cellAt(index: number): Cell;
  /** Index of a cell hash (32 lowercase hex), −1 when absent or not a hash. O(log n). */
  indexOfHash(hash: string): number;
  /** True when `hash` is a cell of the space. */
  has(hash: string): boolean;
}

/** Options for `loadNasbench101Space`. */
export interface LoadSpaceOptions {
  /** Cache folder (default: $DNAS_CACHE_DIR, else `<project root>/.cache`). */
  cacheDir?: string;
  /** Ignore an existing cache and enumerate again (default false). */
  rebuild?: boolean;
  /** Enumeration progress, `done` of `total` cells hashed (only called when building). */
  onProgress?: (done: number, total: number) => void;
  /** No progress bar and no messages on stderr (default false). */
  quiet?: boolean;
}

/** Thrown by `readSpaceCache` for a cache file that is truncated, foreign or damaged. */
export class CorruptCacheError extends Error {
  override name = 'CorruptCacheError';
}

// File layout, little-endian: a 32-byte header, then the columns back to back, each
// starting naturally aligned: hashes [16n], edges u32 [n], ops u16 [n], vertices u8 [n].
const MAGIC = 'NB101SPC';
// Version 2: cells are stored in NAS-Bench-101's own vertex order (benchmarkLabelling in graph.ts).
const VERSION = 2;
const HEADER_BYTES = 32;
const BYTES_PER_CELL = 16 + 4 + 2 + 1;

/** Serialize a packed space into the cache format (header with magic, version, count, CRC-32). */
export function encodeSpace(space: PackedSpace): Buffer {
  const n = space.count;
  const body = Buffer.concat([
    Buffer.from(space.hashes.buffer, space.hashes.byteOffset, n * 16),
    Buffer.from(space.edges.buffer, space.edges.byteOffset, n * 4),
    Buffer.from(space.ops.buffer, space.ops.byteOffset, n * 2),
    Buffer.from(space.vertices.buffer, space.vertices.byteOffset, n),
  ]);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(n, 12);
  header.writeUInt32LE(body.length, 16);
  header.writeUInt32LE(crc32(body) >>> 0, 20);
  return Buffer.concat([header, body]);
}

/**
 * Parse and check a cache file's bytes.
 * @throws CorruptCacheError naming what is wrong: size, magic, version, count or checksum.
 */
export function decodeSpace(bytes: Uint8Array): PackedSpace {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (file.length < HEADER_BYTES) throw new CorruptCacheError(`file too short: got ${file.length} bytes (header alone is ${HEADER_BYTES})`);
  const magic = file.toString('latin1', 0, 8);
  if (magic !== MAGIC) throw new CorruptCacheError(`bad magic: got ${JSON.stringify(magic)} (expected ${MAGIC})`);
  const version = file.readUInt32LE(8);
  if (version !== VERSION) throw new CorruptCacheError(`unsupported version: got ${version} (expected ${VERSION})`);
  const n = file.readUInt32LE(12);
  const bodyBytes = file.readUInt32LE(16);
  if (bodyBytes !== n * BYTES_PER_CELL || file.length !== HEADER_BYTES + bodyBytes) {
    throw new CorruptCacheError(`size mismatch: got ${file.length} bytes (expected ${HEADER_BYTES + n * BYTES_PER_CELL} for ${n} cells)`);
  }
  const body = file.subarray(HEADER_BYTES);
  const crc = crc32(body) >>> 0;
  if (crc !== file.readUInt32LE(20)) throw new CorruptCacheError(`checksum mismatch: got ${crc.toString(16)} (header says ${file.readUInt32LE(20).toString(16)})`);
  return columnsOf(body, n);
}

/** Copy each column out of the body into its own (aligned) typed array. */
function columnsOf(body: Buffer, n: number): PackedSpace {
  const slice = (from: number, bytes: number): ArrayBuffer => body.buffer.slice(body.byteOffset + from, body.byteOffset + from + bytes) as ArrayBuffer;
  return {
    count: n,
    hashes: new Uint8Array(slice(0, n * 16)),
    edges: new Uint32Array(slice(n * 16, n * 4)),
    ops: new Uint16Array(slice(n * 20, n * 2)),
    vertices: new Uint8Array(slice(n * 22, n)),
  };
}

/**
 * Read and check a cache file.
 * @throws CorruptCacheError when it is damaged or not a space cache; fs errors when unreadable.
 */
export function readSpaceCache(path: string): PackedSpace {
  try {
    return decodeSpace(readFileSync(path));
  } catch (err) {
    if (err instanceof CorruptCacheError) err.message = `${path}: ${err.message}`;
    throw err;
  }
}

/** Write a cache file atomically (temp file + rename), so concurrent readers never see half. */
export function writeSpaceCache(path: string, space: PackedSpace): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, encodeSpace(space));
  renameSync(temp, path);
}

/** Cache file path: option, else $DNAS_CACHE_DIR, else `<project root>/.cache`. */
export function spaceCachePath(cacheDir?: string): string {
  return join(cacheRoot(cacheDir), SPACE_CACHE_FILE);
}

/** The cached space, or null (with a message unless quiet) when missing or corrupt. */
function tryCache(path: string, quiet: boolean): PackedSpace | null {
  if (!existsSync(path)) return null;
  try {
    const space = readSpaceCache(path);
    if (space.count === NASBENCH101_SIZE) return space;
    if (!quiet) process.stderr.write(`NAS-Bench-101 space cache ${path} holds ${space.count} cells (expected ${NASBENCH101_SIZE}); rebuilding\n`);
  } catch (err) {
    if (!(err instanceof CorruptCacheError)) throw err;
    if (!quiet) process.stderr.write(`NAS-Bench-101 space cache is corrupt (${err.message}); rebuilding\n`);
  }
  return null;
}

/**
 * Load the whole NAS-Bench-101 space: from the cache when it is present and intact (≈0.1 s),
 * else by enumerating it (≈10 s on 2 cores) and writing the cache.
 * @throws Error when enumeration does not give exactly 423,624 cells (a bug, never cached).
 */
export async function loadNasbench101Space(options: LoadSpaceOptions = {}): Promise<Nasbench101Space> {
  const path = spaceCachePath(options.cacheDir);
  const quiet = options.quiet ?? false;
  const cached = options.rebuild ? null : tryCache(path, quiet);
  if (cached) return new PackedNasbench101Space(cached);
  const built = await enumerateNasbench101({ onProgress: options.onProgress, quiet });
  if (built.count !== NASBENCH101_SIZE) throw new Error(`enumeration found ${built.count} unique cells (expected ${NASBENCH101_SIZE})`);
  writeSpaceCache(path, built);
  return new PackedNasbench101Space(built);
}

/** Parse 32 hex characters into 16 bytes, or null when `hash` is not such a string. */
function parseHash(hash: string): Uint8Array | null {
  return typeof hash === 'string' && /^[0-9a-f]{32}$/.test(hash) ? Buffer.from(hash, 'hex') : null;
}

/** Nasbench101Space over packed columns sorted by hash; lookups binary-search the digests. */
export class PackedNasbench101Space implements Nasbench101Space {
  readonly size: number;

  /** @param packed columns sorted by digest, as enumerateNasbench101 / readSpaceCache return. */
  constructor(private readonly packed: PackedSpace) {
    this.size = packed.count;
  }

  hashAt(index: number): string {
    this.checkIndex(index);
    const h = this.packed.hashes;
    return Buffer.from(h.buffer, h.byteOffset + index * 16, 16).toString('hex');
  }

  cellAt(index: number): Cell {
    this.checkIndex(index);
    const { vertices, edges, ops } = this.packed;
    return unpackCell({ vertices: vertices[index], edges: edges[index], ops: ops[index] });
  }

  indexOfHash(hash: string): number {
    const target = parseHash(hash);
    if (target === null) return -1;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = this.compareAt(mid, target);
      if (cmp === 0) return mid;
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  has(hash: string): boolean {
    return this.indexOfHash(hash) >= 0;
  }

  private compareAt(index: number, target: Uint8Array): number {
    const h = this.packed.hashes;
    for (let k = 0; k < 16; k++) {
      const d = h[index * 16 + k] - target[k];
      if (d !== 0) return d;
    }
    return 0;
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`cell index out of range: got ${index} (valid 0 to ${this.size - 1})`);
    }
  }
}
