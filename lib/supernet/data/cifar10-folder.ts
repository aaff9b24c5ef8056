// Loads CIFAR-10 from a .tar.gz of JPEGs in image-folder layout (cifar10/{train,test}/<class>/<n>.jpg)
// and caches each decoded split as raw bytes under the cache folder. Never downloads anything.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as jpeg from 'jpeg-js';
import { resolveDataFile } from '../../benchmarks/data-folder';
import { DataFileError } from '../../benchmarks/errors';
import { cacheRoot } from '../../project-folders';
import { checkLimit, type ImageDataset } from './image-dataset';
import { readTarGzBuffer, type TarEntry } from './tar';

/** The archive, relative to the data folder (see lib/benchmarks/data-folder.ts). */
export const CIFAR10_TAR = 'cifar10/cifar10-jpeg.tar.gz';

/** Image side in pixels (RGB, three channels). */
export const CIFAR10_SIDE = 32;

/** Class folders a split must hold; sorted, they are CIFAR-10's official label order (airplane … truck). */
export const CIFAR10_CLASS_COUNT = 10;

const CHANNELS = 3;
const PIXELS_PER_IMAGE = CIFAR10_SIDE * CIFAR10_SIDE * CHANNELS;
const CACHE_FORMAT = 'dnas-image-cache/1';
const ENTRY = /^(?:\.\/)?cifar10\/(train|test)\/([^/]+)\/([^/]+\.jpe?g)$/i;

/** What `loadCifar10` reads and where it caches. */
export interface Cifar10Options {
  /** Data folder holding `cifar10/cifar10-jpeg.tar.gz` (default: DNAS_DATA_DIR, datasets/, ../shared/datasets). */
  dataDir?: string;
  /** `train` (50,000 images) or `test` (10,000; for final reports only). */
  split: 'train' | 'test';
  /** Keep only the first `limit` images of the class-interleaved order (see `loadCifar10`). */
  limit?: number;
  /** Cache folder (default: `cacheRoot()`, i.e. $DNAS_CACHE_DIR or <project>/.cache). */
  cacheDir?: string;
}

/** The JSON header written next to a cached split; the .bin holds labels uint8[count], then pixels uint8[count, 32, 32, 3]. */
interface CacheHeader {
  format: string;
  name: string;
  sha256: string;
  count: number;
  height: number;
  width: number;
  channels: number;
  classes: string[];
}

/**
 * Load one split of CIFAR-10 from the JPEG archive.
 * Order: within each class the files sort by name; the classes are then interleaved round-robin
 * (image i is of class i mod 10 while every class has files left), so the order is fixed
 * without any seed and the first `limit` images cover all classes almost evenly. Labels are the
 * indices of the sorted class folder names.
 * Cache: the full decoded split is stored under `<cacheRoot>/images/cifar10-<split>-<sha16>.bin`
 * (+ `.json`), keyed by the SHA-256 of the archive, written atomically and reused when present.
 * A load with `limit` reads only the first `limit` images from the cache; without a cache it
 * decodes only those images and writes no cache.
 * @returns name `cifar10/<split>`, images `[n, 32, 32, 3]` as pixel/255 (RGB), labels 0..9.
 * @throws DataFileError when the archive is missing (naming every place looked), corrupt, holds
 *   other than 10 class folders for the split, or an image is not a 32×32 JPEG (naming it).
 * @throws RangeError when `limit` is not an integer in 1..count.
 */
export function loadCifar10(options: Cifar10Options): ImageDataset {
  const tarPath = resolveDataFile(CIFAR10_TAR, { dataDir: options.dataDir });
  const gz = readFileSync(tarPath);
  const sha256 = createHash('sha256').update(gz).digest('hex');
  const name = `cifar10/${options.split}`;
  const paths = cifar10CachePaths(options.split, sha256, options.cacheDir);
  const header = readCacheHeader(paths, sha256);
  if (header !== undefined) return readCache(paths.bin, header, checkLimit(options.limit, header.count, name));

  const { classes, ordered } = splitEntries(readTarGzBuffer(gz, tarPath), options.split, tarPath);
  const n = checkLimit(options.limit, ordered.length, name);
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * PIXELS_PER_IMAGE);
  for (let i = 0; i < n; i++) {
    labels[i] = ordered[i].label;
    pixels.set(decodeImage(ordered[i].entry, tarPath), i * PIXELS_PER_IMAGE);
  }
  if (n === ordered.length) {
    const full: CacheHeader = { format: CACHE_FORMAT, name, sha256, count: n, height: CIFAR10_SIDE, width: CIFAR10_SIDE, channels: CHANNELS, classes };
    writeCache(paths, full, labels, pixels);
  }
  return toDataset(name, classes, labels, pixels);
}

/**
 * Where a decoded split is cached: `<cacheRoot(cacheDir)>/images/cifar10-<split>-<first 16 hex of sha256>.{bin,json}`.
 * @param sha256 hex SHA-256 of the archive.
 */
export function cifar10CachePaths(split: 'train' | 'test', sha256: string, cacheDir?: string): { bin: string; json: string } {
  const base = join(cacheRoot(cacheDir), 'images', `cifar10-${split}-${sha256.slice(0, 16)}`);
  return { bin: `${base}.bin`, json: `${base}.json` };
}

/** The split's JPEG entries, labelled by sorted class folder, in the round-robin class order. */
function splitEntries(entries: TarEntry[], split: string, tarPath: string): { classes: string[]; ordered: { entry: TarEntry; label: number }[] } {
  const byClass = new Map<string, { file: string; entry: TarEntry }[]>();
  for (const entry of entries) {
    const match = ENTRY.exec(entry.name);
    if (match === null || match[1] !== split) continue;
    const list = byClass.get(match[2]) ?? [];
    list.push({ file: match[3], entry });
    byClass.set(match[2], list);
  }
  const classes = [...byClass.keys()].sort(byCodePoint);
  if (classes.length !== CIFAR10_CLASS_COUNT) {
    throw new DataFileError(
      tarPath,
      `${tarPath}: cifar10/${split}/ holds ${classes.length} class folders with JPEGs (${classes.join(', ') || 'none'}), expected ${CIFAR10_CLASS_COUNT}`,
    );
  }
  const lists = classes.map((c) => byClass.get(c)!.sort((a, b) => byCodePoint(a.file, b.file)));
  const ordered: { entry: TarEntry; label: number }[] = [];
  const rounds = Math.max(...lists.map((l) => l.length));
  for (let r = 0; r < rounds; r++) {
    lists.forEach((list, label) => {
      if (r < list.length) ordered.push({ entry: list[r].entry, label });
    });
  }
  return { classes, ordered };
}

/** RGB bytes of one 32×32 JPEG, `[32, 32, 3]`. */
function decodeImage(entry: TarEntry, tarPath: string): Uint8Array {
  let image: { width: number; height: number; data: Uint8Array };
  try {
    // formatAsRGBA: false makes jpeg-js return 3 bytes per pixel, grayscale expanded to RGB.
    image = jpeg.decode(entry.data, { useTArray: true, formatAsRGBA: false });
  } catch (err) {
    throw new DataFileError(tarPath, `${tarPath}: ${entry.name} is not a readable JPEG: ${(err as Error).message}`);
  }
  if (image.width !== CIFAR10_SIDE || image.height !== CIFAR10_SIDE || image.data.length !== PIXELS_PER_IMAGE) {
    throw new DataFileError(
      tarPath,
      `${tarPath}: ${entry.name} is ${image.width}×${image.height} (${image.data.length} bytes), expected ${CIFAR10_SIDE}×${CIFAR10_SIDE} RGB`,
    );
  }
  return image.data;
}

/** The cache header when both files exist, match this archive and have the right size; else undefined (rebuild). */
function readCacheHeader(paths: { bin: string; json: string }, sha256: string): CacheHeader | undefined {
  if (!existsSync(paths.json) || !existsSync(paths.bin)) return undefined;
  let header: CacheHeader;
  try {
    header = JSON.parse(readFileSync(paths.json, 'utf8')) as CacheHeader;
  } catch {
    return undefined;
  }
  const ok =
    header.format === CACHE_FORMAT &&
    header.sha256 === sha256 &&
    header.classes?.length === CIFAR10_CLASS_COUNT &&
    Number.isInteger(header.count) &&
    statSync(paths.bin).size === header.count * (1 + PIXELS_PER_IMAGE);
  return ok ? header : undefined;
}

/** The first `n` images of a cached split: reads n label bytes and n images' pixels, not the whole file. */
function readCache(bin: string, header: CacheHeader, n: number): ImageDataset {
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * PIXELS_PER_IMAGE);
  const fd = openSync(bin, 'r');
  try {
    readExactly(fd, labels, 0, bin);
    readExactly(fd, pixels, header.count, bin);
  } finally {
    closeSync(fd);
  }
  const bad = labels.findIndex((label) => label >= header.classes.length);
  if (bad !== -1) throw new DataFileError(bin, `cache ${bin}: label ${labels[bad]} at index ${bad} out of range (0..${header.classes.length - 1}); delete the file`);
  return toDataset(header.name, header.classes, labels, pixels);
}

function readExactly(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.length) {
    const got = readSync(fd, into, done, into.length - done, position + done);
    if (got === 0) throw new DataFileError(path, `cache ${path} ended early: needed ${into.length} bytes at offset ${position}, got ${done}`);
    done += got;
  }
}

/** Write .bin then .json, each via a temp file and rename, so a reader never sees a partial cache. */
function writeCache(paths: { bin: string; json: string }, header: CacheHeader, labels: Uint8Array, pixels: Uint8Array): void {
  mkdirSync(dirname(paths.bin), { recursive: true });
  const write = (path: string, parts: Uint8Array[] | string): void => {
    const tmp = `${path}.${process.pid}.tmp`;
    if (typeof parts === 'string') writeFileSync(tmp, parts);
    else {
      const fd = openSync(tmp, 'w');
      try {
        for (const part of parts) writeFileSync(fd, part);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, path);
  };
  write(paths.bin, [labels, pixels]);
  write(paths.json, `${JSON.stringify(header, null, 2)}\n`);
}

function toDataset(name: string, classes: readonly string[], labels: Uint8Array, pixels: Uint8Array): ImageDataset {
  const images = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) images[i] = pixels[i] / 255;
  return { name, images, labels: Int32Array.from(labels), count: labels.length, height: CIFAR10_SIDE, width: CIFAR10_SIDE, channels: CHANNELS, classes };
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
