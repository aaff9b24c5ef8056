// Reads IDX files (LeCun's MNIST format, also Fashion-MNIST's), gzipped or raw, and checks them.
// Bytes to dims + data only: it knows nothing of images, labels or any particular data set.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataFileError } from '../../benchmarks/errors';

/** The IDX element type this reader supports: 0x08, unsigned byte (all of MNIST / Fashion-MNIST). */
export const IDX_UBYTE = 0x08;

/** The most dimensions an IDX file may declare here (images use 3, labels 1). */
export const IDX_MAX_DIMS = 4;

/** An IDX array: its dimensions (outermost first) and its elements, row-major. */
export interface IdxArray {
  readonly dims: number[];
  readonly data: Uint8Array;
}

/** True when `bytes` start with the gzip magic 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Read an IDX file, gunzipping it first when it starts with the gzip magic.
 * Format (big-endian): two zero bytes, a type byte (must be 0x08, ubyte), a dimension-count
 * byte (1..4), one uint32 per dimension, then exactly product(dims) data bytes.
 * @param path the file (e.g. `train-images-idx3-ubyte.gz`).
 * @returns dims (e.g. `[60000, 28, 28]`) and the data bytes, row-major.
 * @throws DataFileError when the file cannot be read or gunzipped, or any check above fails;
 *   the message names the file, the value found and the value expected.
 */
export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DataFileError(path, `cannot read IDX file ${path}: ${(err as Error).message}`);
  }
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new DataFileError(path, `IDX file ${path} starts like gzip but does not gunzip: ${(err as Error).message}`);
    }
  }
  return parseIdx(bytes, path);
}

/**
 * Parse IDX bytes already in memory (not gzipped). The data is a view into `bytes`, not a copy.
 * @param source the file name to put into error messages.
 * @throws DataFileError as `readIdx`.
 */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) throw new DataFileError(source, `IDX file ${source} too short: ${bytes.length} bytes (header needs at least 4)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFileError(source, `IDX file ${source}: magic must start with two zero bytes, got 0x${hex(bytes[0])} 0x${hex(bytes[1])}`);
  }
  if (bytes[2] !== IDX_UBYTE) {
    throw new DataFileError(source, `IDX file ${source}: type byte 0x${hex(bytes[2])} is not supported (expected 0x08, unsigned byte)`);
  }
  const rank = bytes[3];
  if (rank < 1 || rank > IDX_MAX_DIMS) {
    throw new DataFileError(source, `IDX file ${source}: dimension count ${rank} out of range (1..${IDX_MAX_DIMS})`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataFileError(source, `IDX file ${source} truncated in its header: ${bytes.length} bytes, header of ${rank} dims needs ${headerBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const got = bytes.length - headerBytes;
  if (got !== expected) {
    throw new DataFileError(
      source,
      `IDX file ${source}: dims [${dims.join(', ')}] need ${expected} data bytes, got ${got} (${got < expected ? 'truncated' : 'trailing bytes'})`,
    );
  }
  // A plain Uint8Array view (never a Buffer), whatever kind of array the bytes came in.
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, got) };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
