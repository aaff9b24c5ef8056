// Loads Fashion-MNIST (Xiao et al. 2017) from its four official IDX files into an ImageDataset.
// Finds and checks the files; it never downloads them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataFileError } from '../../benchmarks/errors';
import { readIdx } from './idx';
import { checkLimit, type ImageDataset } from './image-dataset';

/** Where Debian's `dataset-fashion-mnist` package installs the files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/** Environment variable naming a folder with the four files; wins over the default, not over the option. */
export const FASHION_MNIST_DIR_ENV = 'DNAS_FASHION_MNIST_DIR';

/** The class names, label 0..9 (github.com/zalandoresearch/fashion-mnist, "Labels"). */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Image side in pixels (grayscale, one channel). */
export const FASHION_MNIST_SIDE = 28;

const FILE_PREFIX = { train: 'train', test: 't10k' } as const;

/** What `loadFashionMnist` reads. */
export interface FashionMnistOptions {
  /** Folder holding the files (default: $DNAS_FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist). */
  folder?: string;
  /** `train` (60,000 images) or `test` (10,000; for final reports only). */
  split: 'train' | 'test';
  /** Keep only the first `limit` images (the official files are already in shuffled order). */
  limit?: number;
}

/**
 * Load one split of Fashion-MNIST: `<prefix>-images-idx3-ubyte[.gz]` and
 * `<prefix>-labels-idx1-ubyte[.gz]` with prefix `train` or `t10k`, gzipped or not.
 * @returns name `fashion-mnist/<split>`, images `[n, 28, 28, 1]` as pixel/255, labels 0..9.
 * @throws DataFileError when a file is missing (saying where it looked and how to get the
 *   files), is not valid IDX, has other dims than [n, 28, 28] / [n], image and label counts
 *   differ, or a label is ≥ 10.
 * @throws RangeError when `limit` is not an integer in 1..n.
 */
export function loadFashionMnist(options: FashionMnistOptions): ImageDataset {
  const { folder, source } = fashionMnistFolder(options.folder);
  const prefix = FILE_PREFIX[options.split];
  const imagesPath = findFile(folder, source, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findFile(folder, source, `${prefix}-labels-idx1-ubyte`);
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  const side = FASHION_MNIST_SIDE;
  if (images.dims.length !== 3 || images.dims[1] !== side || images.dims[2] !== side) {
    throw new DataFileError(imagesPath, `${imagesPath}: image dims [${images.dims.join(', ')}], expected [n, ${side}, ${side}]`);
  }
  if (labels.dims.length !== 1) throw new DataFileError(labelsPath, `${labelsPath}: label dims [${labels.dims.join(', ')}], expected [n]`);
  const count = images.dims[0];
  if (labels.dims[0] !== count) {
    throw new DataFileError(labelsPath, `Fashion-MNIST ${options.split}: ${count} images in ${imagesPath} but ${labels.dims[0]} labels in ${labelsPath}`);
  }
  const classes = FASHION_MNIST_CLASSES;
  const bad = labels.data.findIndex((label) => label >= classes.length);
  if (bad !== -1) throw new DataFileError(labelsPath, `${labelsPath}: label ${labels.data[bad]} at index ${bad} out of range (0..${classes.length - 1})`);
  const name = `fashion-mnist/${options.split}`;
  const n = checkLimit(options.limit, count, name);
  // Only the kept images are converted, so a small limit stays cheap in memory.
  const pixels = new Float32Array(n * side * side);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  return { name, images: pixels, labels: Int32Array.from(labels.data.subarray(0, n)), count: n, height: side, width: side, channels: 1, classes };
}

/** The folder to read and why it was chosen: option, then $DNAS_FASHION_MNIST_DIR, then the Debian path. */
export function fashionMnistFolder(folder?: string): { folder: string; source: string } {
  if (folder !== undefined) return { folder, source: 'folder option' };
  const fromEnv = process.env[FASHION_MNIST_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { folder: fromEnv, source: FASHION_MNIST_DIR_ENV };
  return { folder: FASHION_MNIST_DEFAULT_DIR, source: 'default, Debian package dataset-fashion-mnist' };
}

/** `<base>.gz` if present, else `<base>` uncompressed; else an error saying how to get the files. */
function findFile(folder: string, source: string, base: string): string {
  for (const name of [`${base}.gz`, base]) {
    const path = join(folder, name);
    if (existsSync(path)) return path;
  }
  throw new DataFileError(
    join(folder, `${base}.gz`),
    `Fashion-MNIST file ${base}.gz (or ${base}) not found in ${folder} (${source}). ` +
      `Install it with \`apt-get install dataset-fashion-mnist\` (to ${FASHION_MNIST_DEFAULT_DIR}), or put the four ` +
      `official .gz files from https://github.com/zalandoresearch/fashion-mnist into a folder and set ${FASHION_MNIST_DIR_ENV} to it`,
  );
}
