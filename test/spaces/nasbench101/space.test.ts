// Tests of the NAS-Bench-101 space table and its disk cache: lookups against real data,
// cache round-trip, and detection (then rebuild) of damaged cache files.
import { NB101_DATA } from '../../real-data';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cell } from '../../../lib/spaces/nasbench101/cell';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashCell } from '../../../lib/spaces/nasbench101/graph';
import { isValidCell, countEdges, MAX_EDGES } from '../../../lib/spaces/nasbench101/cell';
import {
  CACHE_DIR_ENV,
  CorruptCacheError,
  decodeSpace,
  encodeSpace,
  loadNasbench101Space,
  readSpaceCache,
  spaceCachePath,
  type Nasbench101Space,
} from '../../../lib/spaces/nasbench101/space';

const DATA = NB101_DATA;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dnas-space-'));
}

function subsetHashes(): string[] {
  const lines = readFileSync(join(DATA, 'val-subset-30k.csv'), 'utf8').trim().split(/\r?\n/);
  expect(lines).toHaveLength(30_002);
  return lines.slice(1).map((line) => line.slice(0, line.indexOf(',')));
}

// The default cache (<root>/.cache or $DNAS_CACHE_DIR): built once on a fresh checkout, then reused.
let space: Nasbench101Space;
beforeAll(async () => {
  space = await loadNasbench101Space({ quiet: true });
}, 180_000);

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('loadNasbench101Space', () => {
  it('holds the 423,624 cells of NAS-Bench-101', () => {
    expect(space.size).toBe(423_624);
  });

  it('finds every hash of the real 30k subset', () => {
    expect(subsetHashes().filter((h) => !space.has(h))).toEqual([]);
  });

  it('returns for each real cell-1k hash a cell that hashes back to it', () => {
    const cells = readFileSync(join(DATA, 'cells-1k.jsonl'), 'utf8').trim().split(/\r?\n/).map((l) => JSON.parse(l) as { hash: string });
    expect(cells.filter((c) => hashCell(space.cellAt(space.indexOfHash(c.hash))) === c.hash)).toHaveLength(1000);
  });

  it('stores each real cell-1k in exactly the vertex order NAS-Bench-101 stores it', () => {
    // Parameter counts depend on vertex order (channel splitting), so the order must be the
    // benchmark's, not just any isomorphic one: compare matrix and ops literally.
    const cells = readFileSync(join(DATA, 'cells-1k.jsonl'), 'utf8').trim().split(/\r?\n/).map((l) => JSON.parse(l) as Cell & { hash: string });
    const differing = cells.filter((c) => JSON.stringify(space.cellAt(space.indexOfHash(c.hash))) !== JSON.stringify({ matrix: c.matrix, ops: c.ops }));
    expect(differing.map((c) => c.hash)).toEqual([]);
  });

  it('keeps indices in ascending hash order, and hashAt and indexOfHash invert each other', () => {
    for (const i of [0, 1, 211_811, 423_622, 423_623]) {
      expect(space.indexOfHash(space.hashAt(i))).toBe(i);
      if (i > 0) expect(space.hashAt(i - 1) < space.hashAt(i)).toBe(true);
    }
  });

  it('stores valid, pruned cells whose hash is the one at their index', () => {
    for (let i = 0; i < space.size; i += 997) {
      const cell = space.cellAt(i);
      expect(isValidCell(cell)).toBe(true);
      expect(countEdges(cell.matrix)).toBeLessThanOrEqual(MAX_EDGES);
      expect(hashCell(cell)).toBe(space.hashAt(i));
    }
  });

  it('answers -1 / false for an absent hash and for a string that is no hash', () => {
    // All-zero digest: a valid-looking hash that no cell has.
    expect(space.indexOfHash('0'.repeat(32))).toBe(-1);
    expect(space.has('f'.repeat(32))).toBe(false);
    expect(space.indexOfHash('not-a-hash')).toBe(-1);
    expect(space.has(space.hashAt(5).toUpperCase())).toBe(false);
  });

  it('throws RangeError for an index outside [0, size)', () => {
    expect(() => space.hashAt(423_624)).toThrow(RangeError);
    expect(() => space.cellAt(-1)).toThrow(/cell index out of range: got -1/);
    expect(() => space.cellAt(1.5)).toThrow(RangeError);
  });

  it('loads the same space again from a copy of the cache in another folder', async () => {
    const dir = tempDir();
    copyFileSync(spaceCachePath(), spaceCachePath(dir));
    const again = await loadNasbench101Space({ cacheDir: dir, quiet: true });
    expect([0, 4242, 423_623].map((i) => again.hashAt(i))).toEqual([0, 4242, 423_623].map((i) => space.hashAt(i)));
    expect(again.cellAt(4242)).toEqual(space.cellAt(4242));
  });
});

describe('spaceCachePath', () => {
  it('prefers the option, then $DNAS_CACHE_DIR, then <project root>/.cache', () => {
    vi.stubEnv(CACHE_DIR_ENV, '/tmp/from-env');
    expect(spaceCachePath('/tmp/from-option')).toBe('/tmp/from-option/nasbench101-space.bin');
    expect(spaceCachePath()).toBe('/tmp/from-env/nasbench101-space.bin');
    vi.stubEnv(CACHE_DIR_ENV, undefined);
    expect(spaceCachePath()).toBe(join(__dirname, '..', '..', '..', '.cache', 'nasbench101-space.bin'));
  });
});

describe('cache file checks', () => {
  const good = (): Buffer => readFileSync(spaceCachePath());

  it('round-trips a space through encodeSpace / decodeSpace', () => {
    const decoded = decodeSpace(good());
    expect(encodeSpace(decoded).equals(good())).toBe(true);
  });

  it('rejects a truncated file', () => {
    const dir = tempDir();
    writeFileSync(spaceCachePath(dir), good().subarray(0, 1_000_000));
    expect(() => readSpaceCache(spaceCachePath(dir))).toThrow(CorruptCacheError);
    expect(() => readSpaceCache(spaceCachePath(dir))).toThrow(/size mismatch: got 1000000 bytes/);
  });

  it('rejects a file shorter than the header', () => {
    expect(() => decodeSpace(good().subarray(0, 10))).toThrow(/file too short: got 10 bytes/);
  });

  it('rejects a file with another magic', () => {
    const bytes = Buffer.from(good());
    bytes.write('XXXXXXXX', 0, 'latin1');
    expect(() => decodeSpace(bytes)).toThrow(/bad magic/);
  });

  it('rejects a file of another version', () => {
    const bytes = Buffer.from(good());
    bytes.writeUInt32LE(99, 8);
    expect(() => decodeSpace(bytes)).toThrow(/unsupported version: got 99/);
  });

  it('rejects a file with one flipped byte in the body', () => {
    const bytes = Buffer.from(good());
    bytes[5_000_000] ^= 0x01;
    expect(() => decodeSpace(bytes)).toThrow(/checksum mismatch/);
  });

  it('rebuilds a truncated cache with a message and writes a good one', async () => {
    const dir = tempDir();
    writeFileSync(spaceCachePath(dir), good().subarray(0, 1_000_000));
    const messages: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      messages.push(String(chunk));
      return true;
    });
    const rebuilt = await loadNasbench101Space({ cacheDir: dir });
    expect(messages.join('')).toMatch(/cache is corrupt .*size mismatch.*; rebuilding/);
    expect(rebuilt.size).toBe(423_624);
    expect(readFileSync(spaceCachePath(dir)).equals(good())).toBe(true);
  }, 180_000);
});
