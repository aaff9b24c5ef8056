// Tests for the supernet's data readers: small IDX, tar and JPEG files written here in the real
// formats, the validation split, and one check each on the real Fashion-MNIST and CIFAR-10 test splits.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../../lib/benchmarks/errors';
import {
  CIFAR10_TAR,
  FASHION_MNIST_CLASSES,
  channelStats,
  cifar10CachePaths,
  classCounts,
  downsample,
  firstN,
  loadCifar10,
  loadFashionMnist,
  readIdx,
  readTarEntries,
  splitValidation,
  subset,
  type ImageDataset,
} from '../../lib/supernet/data';
import { REAL_DATASETS } from '../real-data';

const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dnas-data-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** IDX bytes: 0x00 0x00, type, rank, big-endian dims, then the data. */
function idx(dims: number[], data: Uint8Array, type = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** Three 28×28 images with distinct known pixels (0..255 all occur) and their labels. */
const SIDE = 28;
const PIXELS = Uint8Array.from({ length: 3 * SIDE * SIDE }, (_, i) => (i * 7 + Math.floor(i / 784) * 50) % 256);
const LABELS = Uint8Array.from([9, 0, 3]);

function fashionFolder(images: Buffer, labels: Buffer, prefix = 't10k'): string {
  const dir = tempDir();
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte.gz`), gzipSync(images));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`), gzipSync(labels));
  return dir;
}

/** One ustar header block; `prefix` goes into the ustar prefix field (345..500). */
function tarHeader(name: string, size: number, type: string, prefix = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

interface TarItem {
  name: string;
  data?: Buffer; // absent: a directory entry
  prefix?: string;
}

/** A tar archive: headers, data padded to 512, two zero blocks at the end. */
function tar(items: TarItem[]): Buffer {
  const parts: Buffer[] = [];
  for (const item of items) {
    const data = item.data ?? Buffer.alloc(0);
    parts.push(tarHeader(item.name, data.length, item.data ? '0' : '5', item.prefix));
    parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A flat-colour RGB JPEG of side×side (jpeg-js encodes from RGBA). */
function flatJpeg(rgb: [number, number, number], side = 32): Buffer {
  const data = Buffer.alloc(side * side * 4);
  for (let p = 0; p < side * side; p++) data.set([...rgb, 255], p * 4);
  return jpeg.encode({ data, width: side, height: side }, 100).data;
}

const CIFAR_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The colour of image k of class c: distinct per class and per image. */
function colour(c: number, k: number): [number, number, number] {
  return [10 + 20 * c, 250 - 20 * c, 60 + 40 * k];
}

/** Writes `<dir>/cifar10/cifar10-jpeg.tar.gz` with `perClass[split]` images per class; returns dir. */
function cifarFolder(perClass: { train: number; test: number }, classes = CIFAR_CLASSES, extra: TarItem[] = []): string {
  const items: TarItem[] = [{ name: 'cifar10/' }];
  for (const split of ['test', 'train'] as const) {
    // Classes and files are written in reverse order so the loader's sorting is exercised.
    [...classes].reverse().forEach((cls) => {
      items.push({ name: `cifar10/${split}/${cls}/` });
      for (let k = perClass[split] - 1; k >= 0; k--) {
        const c = classes.indexOf(cls);
        items.push({ name: `cifar10/${split}/${cls}/${String(k).padStart(4, '0')}.jpg`, data: flatJpeg(colour(c, k)) });
      }
    });
  }
  const dir = tempDir();
  mkdirSync(join(dir, 'cifar10'));
  writeFileSync(join(dir, CIFAR10_TAR), gzipSync(tar([...items, ...extra])));
  return dir;
}

/** Largest |Δ| between each image's pixels and its expected flat colour (0..1 scale). */
function maxColourError(ds: ImageDataset, expected: (i: number) => [number, number, number]): number {
  let worst = 0;
  const size = ds.height * ds.width * ds.channels;
  for (let i = 0; i < ds.count; i++) {
    const rgb = expected(i);
    for (let p = 0; p < size; p++) worst = Math.max(worst, Math.abs(ds.images[i * size + p] - rgb[p % 3] / 255));
  }
  return worst;
}

/** A synthetic data set whose pixel 0 of image i is i/1000, so any subset's indices can be read back. */
function indexed(count: number): ImageDataset {
  const images = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) images[i * 4] = i / 1000;
  const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
  return { name: 'toy/train', images, labels, count, height: 2, width: 2, channels: 1, classes: ['a', 'b', 'c'] };
}
const indicesOf = (ds: ImageDataset): number[] => Array.from({ length: ds.count }, (_, i) => Math.round(ds.images[i * 4] * 1000));

describe('readIdx', () => {
  it('reads dims and data of a raw (not gzipped) file exactly', () => {
    const path = join(tempDir(), 'raw-idx3');
    writeFileSync(path, idx([3, SIDE, SIDE], PIXELS));
    const { dims, data } = readIdx(path);
    expect(dims).toEqual([3, 28, 28]);
    expect(Array.from(data)).toEqual(Array.from(PIXELS));
  });

  it('reads a gzipped label file', () => {
    const path = join(tempDir(), 'labels.gz');
    writeFileSync(path, gzipSync(idx([3], LABELS)));
    expect(readIdx(path)).toEqual({ dims: [3], data: LABELS });
  });

  it('rejects a type byte other than 0x08 (here 0x0d, float) and says what it got', () => {
    const path = join(tempDir(), 'float-idx');
    writeFileSync(path, gzipSync(idx([3], LABELS, 0x0d)));
    expect(() => readIdx(path)).toThrow(DataFileError);
    expect(() => readIdx(path)).toThrow(/type byte 0x0d is not supported \(expected 0x08/);
  });

  it('rejects truncated data, naming the file and the expected vs got bytes', () => {
    const path = join(tempDir(), 'short-idx3.gz');
    writeFileSync(path, gzipSync(idx([3, SIDE, SIDE], PIXELS.subarray(0, 2000))));
    expect(() => readIdx(path)).toThrow(/short-idx3\.gz: dims \[3, 28, 28\] need 2352 data bytes, got 2000 \(truncated\)/);
  });

  it('rejects a dimension count outside 1..4', () => {
    const path = join(tempDir(), 'rank5');
    writeFileSync(path, idx([1, 1, 1, 1, 1], Uint8Array.of(7)));
    expect(() => readIdx(path)).toThrow(/dimension count 5 out of range \(1\.\.4\)/);
  });

  it('rejects a magic that does not start with two zero bytes', () => {
    const path = join(tempDir(), 'not-idx');
    writeFileSync(path, Buffer.from('PK\x03\x04 zip, not idx'));
    expect(() => readIdx(path)).toThrow(/two zero bytes, got 0x50 0x4b/);
  });
});

describe('readTarEntries', () => {
  it('lists regular files with their data, joins the ustar prefix and skips directories', () => {
    const archive = tar([
      { name: 'top/' },
      { name: 'a.txt', data: Buffer.from('hello') },
      // 600 bytes: spans two blocks, so the padding arithmetic is checked.
      { name: 'b.bin', data: Buffer.alloc(600, 7), prefix: 'top/deep' },
    ]);
    const entries = readTarEntries(archive);
    expect(entries.map((e) => e.name)).toEqual(['a.txt', 'top/deep/b.bin']);
    expect(entries[0].data.toString()).toBe('hello');
    expect(entries[1].data.length).toBe(600);
    expect(entries[1].data.every((b) => b === 7)).toBe(true);
  });

  it('reports a truncated archive naming the entry and the missing bytes', () => {
    const archive = tar([{ name: 'big.jpg', data: Buffer.alloc(1000, 1) }]);
    // Header (512) + 400 of the 1000 data bytes.
    expect(() => readTarEntries(archive.subarray(0, 912), 'x.tar')).toThrow(/truncated tar x\.tar: entry big\.jpg needs 1000 bytes of data, 600 bytes missing/);
  });

  it('rejects a header whose checksum does not match', () => {
    const archive = tar([{ name: 'a.txt', data: Buffer.from('hi') }]);
    archive[0] = 'b'.charCodeAt(0);
    expect(() => readTarEntries(archive, 'bad.tar')).toThrow(/bad\.tar: header at offset 0 \(b\.txt\) has checksum \d+, computed \d+/);
  });
});

describe('loadFashionMnist', () => {
  it('reads gzipped IDX files back exactly: pixel/255, labels, shape [3, 28, 28, 1]', () => {
    const folder = fashionFolder(idx([3, SIDE, SIDE], PIXELS), idx([3], LABELS));
    const ds = loadFashionMnist({ folder, split: 'test' });
    expect(ds.name).toBe('fashion-mnist/test');
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([3, 28, 28, 1]);
    expect(ds.images.length).toBe(3 * 784);
    expect(Array.from(ds.images)).toEqual(Array.from(PIXELS, (p) => Math.fround(p / 255)));
    expect(Array.from(ds.labels)).toEqual([9, 0, 3]);
    expect(ds.classes[9]).toBe('Ankle boot');
  });

  it('keeps the first `limit` images and rejects a limit beyond the count', () => {
    const folder = fashionFolder(idx([3, SIDE, SIDE], PIXELS), idx([3], LABELS), 'train');
    const ds = loadFashionMnist({ folder, split: 'train', limit: 2 });
    expect(ds.count).toBe(2);
    expect(Array.from(ds.labels)).toEqual([9, 0]);
    expect(ds.images[784 + 5]).toBeCloseTo(PIXELS[784 + 5] / 255, 6);
    expect(() => loadFashionMnist({ folder, split: 'train', limit: 4 })).toThrow(/limit for fashion-mnist\/train must be an integer in 1\.\.3: got 4/);
  });

  it('rejects image and label files that disagree on the count, naming both counts', () => {
    const folder = fashionFolder(idx([3, SIDE, SIDE], PIXELS), idx([2], LABELS.subarray(0, 2)));
    expect(() => loadFashionMnist({ folder, split: 'test' })).toThrow(/3 images in .* but 2 labels in/);
  });

  it('rejects images that are not 28×28', () => {
    const folder = fashionFolder(idx([3, 14, 56], PIXELS), idx([3], LABELS));
    expect(() => loadFashionMnist({ folder, split: 'test' })).toThrow(/image dims \[3, 14, 56\], expected \[n, 28, 28\]/);
  });

  it('rejects a label ≥ 10', () => {
    const folder = fashionFolder(idx([3, SIDE, SIDE], PIXELS), idx([3], Uint8Array.of(1, 10, 2)));
    expect(() => loadFashionMnist({ folder, split: 'test' })).toThrow(/label 10 at index 1 out of range \(0\.\.9\)/);
  });

  it('says where it looked and how to get the files when they are missing', () => {
    const folder = tempDir();
    let message = '';
    try {
      loadFashionMnist({ folder, split: 'train' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(`train-images-idx3-ubyte.gz (or train-images-idx3-ubyte) not found in ${folder} (folder option)`);
    expect(message).toContain('apt-get install dataset-fashion-mnist');
    expect(message).toContain('github.com/zalandoresearch/fashion-mnist');
    expect(message).toContain('DNAS_FASHION_MNIST_DIR');
  });

  it('reads the real test split (Debian dataset-fashion-mnist): 10,000 images, 1,000 per class', () => {
    // Real data: must be installed (apt-get install dataset-fashion-mnist); a missing file fails here.
    const ds = loadFashionMnist({ split: 'test' });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([10000, 28, 28, 1]);
    expect(ds.images.length).toBe(10000 * 784);
    expect(ds.classes).toEqual(FASHION_MNIST_CLASSES);
    expect(classCounts(ds)).toEqual(new Array(10).fill(1000));
    const { mean } = channelStats(ds);
    // Fashion-MNIST's mean pixel is about 0.286 (mostly dark background).
    expect(mean[0]).toBeGreaterThan(0.25);
    expect(mean[0]).toBeLessThan(0.32);
  });
});

describe('loadCifar10', () => {
  it('reads the image-folder tar.gz: sorted classes, round-robin order, 32×32×3, colours within 3/255', () => {
    const dataDir = cifarFolder({ train: 2, test: 1 });
    const cacheDir = tempDir();
    const train = loadCifar10({ dataDir, cacheDir, split: 'train' });
    expect(train.name).toBe('cifar10/train');
    expect(train.classes).toEqual(CIFAR_CLASSES);
    expect([train.count, train.height, train.width, train.channels]).toEqual([20, 32, 32, 3]);
    expect(train.images.length).toBe(20 * 32 * 32 * 3);
    // Round robin: images 0..9 are file 0000 of each class, 10..19 file 0001.
    expect(Array.from(train.labels)).toEqual([...Array(10).keys(), ...Array(10).keys()]);
    expect(maxColourError(train, (i) => colour(i % 10, Math.floor(i / 10)))).toBeLessThanOrEqual(3 / 255);

    const test = loadCifar10({ dataDir, cacheDir, split: 'test' });
    expect(test.count).toBe(10);
    expect(Array.from(test.labels)).toEqual([...Array(10).keys()]);
    expect(maxColourError(test, (i) => colour(i, 0))).toBeLessThanOrEqual(3 / 255);
  });

  it('writes the decoded split to the cache and reads it back on the second load', () => {
    const dataDir = cifarFolder({ train: 2, test: 1 });
    const cacheDir = tempDir();
    const first = loadCifar10({ dataDir, cacheDir, split: 'train' });
    const sha = createHash('sha256').update(readFileSync(join(dataDir, CIFAR10_TAR))).digest('hex');
    const paths = cifar10CachePaths('train', sha, cacheDir);
    expect(paths.bin).toBe(join(cacheDir, 'images', `cifar10-train-${sha.slice(0, 16)}.bin`));
    expect(statSync(paths.bin).size).toBe(20 * (1 + 3072));
    expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toMatchObject({ count: 20, classes: CIFAR_CLASSES, height: 32, width: 32, channels: 3 });

    const second = loadCifar10({ dataDir, cacheDir, split: 'train' });
    expect(second.images).toEqual(first.images);
    expect(second.labels).toEqual(first.labels);

    // Proof that the cache, not the archive, is read: a byte changed in the cache shows up.
    const bin = readFileSync(paths.bin);
    bin[20] = 255; // first pixel byte of image 0 (after 20 label bytes)
    writeFileSync(paths.bin, bin);
    expect(loadCifar10({ dataDir, cacheDir, split: 'train' }).images[0]).toBe(1);
    // ... and a limited load reads its prefix from the cache too.
    const limited = loadCifar10({ dataDir, cacheDir, split: 'train', limit: 3 });
    expect([limited.count, limited.images[0], ...limited.labels]).toEqual([3, 1, 0, 1, 2]);
  });

  it('with a limit and no cache, decodes only the first images (one per class for limit 10) and writes no cache', () => {
    const dataDir = cifarFolder({ train: 3, test: 1 });
    const cacheDir = tempDir();
    const ds = loadCifar10({ dataDir, cacheDir, split: 'train', limit: 10 });
    expect(classCounts(ds)).toEqual(new Array(10).fill(1));
    expect(existsSync(join(cacheDir, 'images'))).toBe(false);
  });

  it('rejects a split with other than 10 class folders, naming those found', () => {
    const dataDir = cifarFolder({ train: 1, test: 1 }, ['bird', 'cat']);
    expect(() => loadCifar10({ dataDir, cacheDir: tempDir(), split: 'test' })).toThrow(/cifar10\/test\/ holds 2 class folders with JPEGs \(bird, cat\), expected 10/);
  });

  it('rejects an image that is not 32×32, naming the entry and its size', () => {
    // An extra file of class "truck", so the class count stays 10 and only the size is wrong.
    const small: TarItem = { name: 'cifar10/test/truck/9999.jpg', data: flatJpeg([1, 2, 3], 16) };
    const dataDir = cifarFolder({ train: 1, test: 1 }, CIFAR_CLASSES, [small]);
    expect(() => loadCifar10({ dataDir, cacheDir: tempDir(), split: 'test' })).toThrow(/cifar10\/test\/truck\/9999\.jpg is 16×16 .* expected 32×32 RGB/);
  });

  it('says where it looked when the archive is missing', () => {
    const dataDir = tempDir();
    expect(() => loadCifar10({ dataDir, split: 'test' })).toThrow(DataFileError);
    expect(() => loadCifar10({ dataDir, split: 'test' })).toThrow(`${join(dataDir, CIFAR10_TAR)} (dataDir option)`);
  });

  it('reads the first 100 images of the real test split: 10 per class, official class order', () => {
    // Real data (../shared/datasets or DNAS_DATA_DIR); limit 100 decodes 100 JPEGs, writes no cache.
    const ds = loadCifar10({ dataDir: REAL_DATASETS, cacheDir: tempDir(), split: 'test', limit: 100 });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([100, 32, 32, 3]);
    expect(ds.classes).toEqual(CIFAR_CLASSES);
    expect(classCounts(ds)).toEqual(new Array(10).fill(10));
    const { mean, std } = channelStats(ds);
    // CIFAR-10's channel means are about (0.49, 0.48, 0.45), stds about 0.25; 100 images stay near.
    for (const m of mean) expect(m > 0.35 && m < 0.6, `channel mean ${m}`).toBe(true);
    for (const s of std) expect(s > 0.15 && s < 0.35, `channel std ${s}`).toBe(true);
  });
});

describe('splitValidation', () => {
  it('splits into disjoint parts of the asked sizes that together cover the training set', () => {
    const { train, validation } = splitValidation(indexed(100), 20, 1);
    expect([train.count, validation.count]).toEqual([80, 20]);
    expect([train.name, validation.name]).toEqual(['toy/train:train-part', 'toy/train:validation']);
    const a = indicesOf(train);
    const b = indicesOf(validation);
    expect(a.filter((i) => b.includes(i))).toEqual([]);
    expect([...a, ...b].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
    // Labels travel with their images.
    expect(Array.from(validation.labels)).toEqual(b.map((i) => i % 3));
  });

  it('is reproducible: the same seed gives the same split, another seed another', () => {
    const ds = indexed(100);
    const v1 = indicesOf(splitValidation(ds, 10, 'seed-a').validation);
    expect(indicesOf(splitValidation(ds, 10, 'seed-a').validation)).toEqual(v1);
    expect(indicesOf(splitValidation(ds, 10, 'seed-b').validation)).not.toEqual(v1);
    // Not simply the first or last ten images.
    expect(v1).not.toEqual([...Array(10).keys()]);
    expect(v1).not.toEqual([...Array(10).keys()].map((i) => 90 + i));
  });

  it('rejects a validation count that is not an integer in 1..count-1', () => {
    const ds = indexed(10);
    expect(() => splitValidation(ds, 0, 1)).toThrow(/validationCount must be an integer in 1\.\.9 .*: got 0/);
    expect(() => splitValidation(ds, 10, 1)).toThrow(RangeError);
    expect(() => splitValidation(ds, 2.5, 1)).toThrow(/got 2\.5/);
  });
});

describe('downsample', () => {
  it('averages each factor×factor block per channel, keeps labels, and refuses a factor that does not divide the size', () => {
    // one 4×4 image, two channels: channel 0 holds the pixel index, channel 1 is constant 0.5
    const images = new Float32Array(4 * 4 * 2);
    for (let p = 0; p < 16; p++) {
      images[2 * p] = p;
      images[2 * p + 1] = 0.5;
    }
    const ds: ImageDataset = { name: 'toy', images, labels: Int32Array.of(3), count: 1, height: 4, width: 4, channels: 2, classes: ['a', 'b', 'c', 'd'] };
    const small = downsample(ds, 2);
    expect([small.height, small.width, small.channels, small.count, small.name]).toEqual([2, 2, 2, 1, 'toy@2x2']);
    // top-left block holds pixels 0, 1, 4, 5; top-right 2, 3, 6, 7; …
    expect(Array.from(small.images)).toEqual([2.5, 0.5, 4.5, 0.5, 10.5, 0.5, 12.5, 0.5]);
    expect(Array.from(small.labels)).toEqual([3]);
    expect(downsample(ds, 1)).toBe(ds);
    expect(() => downsample(ds, 3)).toThrow('downsample of toy: factor must be a positive integer dividing 4×4: got 3');
  });
});

describe('subset, firstN, channelStats', () => {
  it('subset copies the chosen images in the given order; firstN takes a prefix', () => {
    const ds = indexed(10);
    expect(indicesOf(subset(ds, [7, 2, 2]))).toEqual([7, 2, 2]);
    expect(Array.from(subset(ds, [7, 2]).labels)).toEqual([1, 2]);
    expect(indicesOf(firstN(ds, 4))).toEqual([0, 1, 2, 3]);
    expect(() => subset(ds, [10])).toThrow(/index 10 out of range \(0\.\.9\)/);
    expect(() => firstN(ds, 0)).toThrow(/n must be an integer in 1\.\.10, got 0/);
  });

  it('channelStats gives per-channel mean and population std', () => {
    // Two 1×1 images, two channels: channel 0 is 0 then 1, channel 1 is 0.2 twice.
    const ds: ImageDataset = {
      name: 'toy', images: Float32Array.of(0, 0.2, 1, 0.2), labels: Int32Array.of(0, 0), count: 2, height: 1, width: 1, channels: 2, classes: ['a'],
    };
    const { mean, std } = channelStats(ds);
    expect(mean[0]).toBeCloseTo(0.5, 6);
    expect(mean[1]).toBeCloseTo(0.2, 6);
    expect(std[0]).toBeCloseTo(0.5, 6);
    expect(std[1]).toBeCloseTo(0, 3);
  });
});
