// TFRecord framing: read (streaming, buffered) and write length-prefixed, CRC32C-checked records.
// It knows nothing of what the records hold; decoding their payload is the callers' job.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import * as crc32c from 'crc-32/crc32c';
import { DataFileError } from './errors';

/** TensorFlow's CRC mask constant (tensorflow/core/lib/hash/crc32c.h: kMaskDelta). */
const MASK_DELTA = 0xa282ead8;
/** Bytes before a record's data: uint64 length + uint32 masked CRC of the length. */
const HEADER_BYTES = 12;
/** Bytes after it: uint32 masked CRC of the data. */
const FOOTER_BYTES = 4;
/** Read-ahead size; the official 500 MB file streams through this much memory. */
const CHUNK_BYTES = 1 << 22;
/** Largest data length accepted: guards against a corrupt length that passes its CRC by chance. */
const MAX_RECORD_BYTES = 1 << 30;

/**
 * TFRecord's masked CRC32C: mask(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 (mod 2^32).
 * crc-32's `buf` returns a SIGNED 32-bit int, so it is made unsigned first.
 * @returns an unsigned 32-bit integer.
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c.buf(bytes) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Frame one record: length, its masked CRC, the data, the data's masked CRC. */
export function encodeTfRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + data.length + FOOTER_BYTES);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, HEADER_BYTES);
  out.writeUInt32LE(maskedCrc32c(data), HEADER_BYTES + data.length);
  return out;
}

/**
 * Write records to a new file (overwriting), buffering writes in ~4 MB batches.
 * @returns the number of records written.
 */
export function writeTfRecords(path: string, records: Iterable<Uint8Array>): number {
  const fd = openSync(path, 'w');
  let count = 0;
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for (const data of records) {
      const framed = encodeTfRecord(data);
      pending.push(framed);
      pendingBytes += framed.length;
      count++;
      if (pendingBytes >= CHUNK_BYTES) {
        writeSync(fd, Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pending.length > 0) writeSync(fd, Buffer.concat(pending));
  } finally {
    closeSync(fd);
  }
  return count;
}

/** One record read back. */
export interface TfRecord {
  /** 0-based position in the file. */
  readonly index: number;
  /** Byte offset of the record's header in the file. */
  readonly offset: number;
  /** The payload (a copy: safe to keep). */
  readonly data: Buffer;
}

/** Reading options. */
export interface TfRecordReadOptions {
  /** Receives every byte read, e.g. a sha256 for run manifests (default: none). */
  readonly hash?: Hash;
}

/**
 * Stream the records of a TFRecord file with a buffered reader (memory ≈ 4 MB + one record),
 * checking both CRCs of every record.
 * @throws DataFileError naming file, record index and byte offset on a corrupt length CRC,
 *   an implausible length, a corrupt data CRC, or a record cut short by the end of the file.
 */
export function* readTfRecords(path: string, options: TfRecordReadOptions = {}): Generator<TfRecord> {
  const reader = new ChunkReader(path, options.hash);
  try {
    for (let index = 0; ; index++) {
      const offset = reader.position;
      const fail = (what: string): DataFileError => new DataFileError(path, `${path}: record ${index} at byte ${offset}: ${what}`);
      const available = reader.fill(HEADER_BYTES);
      if (available === 0) return;
      if (available < HEADER_BYTES) throw fail(`truncated: ${available} header bytes (expected ${HEADER_BYTES})`);
      const header = reader.peek(HEADER_BYTES);
      if (maskedCrc32c(header.subarray(0, 8)) !== header.readUInt32LE(8)) throw fail('length CRC mismatch (corrupt length bytes)');
      const length = header.readBigUInt64LE(0);
      if (length > BigInt(MAX_RECORD_BYTES)) throw fail(`implausible length ${length} bytes (max ${MAX_RECORD_BYTES})`);
      const total = HEADER_BYTES + Number(length) + FOOTER_BYTES;
      const got = reader.fill(total);
      if (got < total) throw fail(`truncated: ${got} of ${total} bytes present (file ends early)`);
      const framed = reader.peek(total);
      const data = Buffer.from(framed.subarray(HEADER_BYTES, total - FOOTER_BYTES));
      if (maskedCrc32c(data) !== framed.readUInt32LE(total - FOOTER_BYTES)) throw fail('data CRC mismatch (corrupt data bytes)');
      reader.consume(total);
      yield { index, offset, data };
    }
  } finally {
    reader.close();
  }
}

/** A forward-only file reader keeping a window of unread bytes. */
class ChunkReader {
  private readonly fd: number;
  private buffer = Buffer.alloc(CHUNK_BYTES);
  private start = 0;
  private end = 0;
  private eof = false;
  /** File offset of `buffer[start]`. */
  position = 0;

  constructor(
    path: string,
    private readonly hash: Hash | undefined,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** Make up to `n` unread bytes available; returns how many are (fewer only at end of file). */
  fill(n: number): number {
    while (this.end - this.start < n && !this.eof) {
      if (this.start + n > this.buffer.length) this.compact(n);
      const read = readSync(this.fd, this.buffer, this.end, this.buffer.length - this.end, null);
      if (read === 0) this.eof = true;
      this.hash?.update(this.buffer.subarray(this.end, this.end + read));
      this.end += read;
    }
    return Math.min(n, this.end - this.start);
  }

  /** The next `n` unread bytes (a view: valid until the next fill). */
  peek(n: number): Buffer {
    return this.buffer.subarray(this.start, this.start + n);
  }

  consume(n: number): void {
    this.start += n;
    this.position += n;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Move unread bytes to the front, growing the buffer when one record needs more room. */
  private compact(n: number): void {
    const size = Math.max(this.buffer.length, n);
    const next = size === this.buffer.length ? this.buffer : Buffer.alloc(size);
    this.buffer.copy(next, 0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
    this.buffer = next;
  }
}
