// Named float32 tensors on disk: `<base>.json` (ids, shapes, offsets, sha256, header) beside
// `<base>.bin` (little-endian float32), written atomically. It never knows what the tensors mean.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Entry {
  readonly id: string;
  readonly shape: number[];
  /** Offset in float32 values into the .bin file. */
  readonly offset: number;
}

interface Index {
  readonly format: 'dnas-tensors/1';
  readonly entries: Entry[];
  readonly sha256: string;
  readonly header: Record<string, unknown>;
}

/** Write `tensors` (in map order) and `header` as `<dir>/<base>.{json,bin}`; the .json is renamed last, so it marks a complete write. */
export function writeTensorMap(dir: string, base: string, tensors: ReadonlyMap<string, tf.Tensor>, header: Record<string, unknown> = {}): void {
  mkdirSync(dir, { recursive: true });
  const entries: Entry[] = [];
  let offset = 0;
  for (const [id, t] of tensors) {
    entries.push({ id, shape: t.shape, offset });
    offset += t.size;
  }
  const all = new Float32Array(offset);
  for (const entry of entries) all.set(tensors.get(entry.id)!.dataSync() as Float32Array, entry.offset);
  const bytes = Buffer.from(all.buffer, all.byteOffset, all.byteLength);
  const index: Index = { format: 'dnas-tensors/1', entries, sha256: createHash('sha256').update(bytes).digest('hex'), header };
  const tmp = `.tmp-${process.pid}`;
  writeFileSync(join(dir, `${base}.bin${tmp}`), bytes);
  writeFileSync(join(dir, `${base}.json${tmp}`), JSON.stringify(index));
  renameSync(join(dir, `${base}.bin${tmp}`), join(dir, `${base}.bin`));
  renameSync(join(dir, `${base}.json${tmp}`), join(dir, `${base}.json`));
}

/** True when `<dir>/<base>.json` exists (a complete write). */
export function hasTensorMap(dir: string, base: string): boolean {
  return existsSync(join(dir, `${base}.json`));
}

/** The header `writeTensorMap` stored with `<dir>/<base>`, without reading (or checking) the tensors. @throws Error when the index is missing or of another format. */
export function readTensorMapHeader(dir: string, base: string): Record<string, unknown> {
  const indexPath = join(dir, `${base}.json`);
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as Index;
  if (index.format !== 'dnas-tensors/1') throw new Error(`${indexPath}: unknown format ${JSON.stringify(index.format)} (expected dnas-tensors/1)`);
  return index.header;
}

/**
 * Read what `writeTensorMap` wrote. @throws Error when a file is missing or unreadable, the
 * checksum disagrees, or an entry runs past the end of the data (it names the file and values).
 */
export function readTensorMap(dir: string, base: string): { tensors: Map<string, tf.Tensor>; header: Record<string, unknown> } {
  const indexPath = join(dir, `${base}.json`);
  const binPath = join(dir, `${base}.bin`);
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as Index;
  if (index.format !== 'dnas-tensors/1') throw new Error(`${indexPath}: unknown format ${JSON.stringify(index.format)} (expected dnas-tensors/1)`);
  const bytes = readFileSync(binPath);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== index.sha256) throw new Error(`${binPath}: sha256 ${sha.slice(0, 12)}… does not match ${indexPath} (${index.sha256.slice(0, 12)}…): the file is corrupt or from another write`);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const tensors = new Map<string, tf.Tensor>();
  for (const entry of index.entries) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.offset + size > values.length) throw new Error(`${binPath}: ${entry.id} needs values up to ${entry.offset + size}, the file has ${values.length}`);
    tensors.set(entry.id, tf.tensor(values.slice(entry.offset, entry.offset + size), entry.shape));
  }
  return { tensors, header: index.header };
}
