import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError } from '../../lib/benchmarks/errors';
import { encodeTfRecord, maskedCrc32c, readTfRecords, writeTfRecords } from '../../lib/benchmarks/tfrecord';
import { tempDir } from './fixtures';

/** Payloads of varied sizes, including empty, to exercise the framing. */
const PAYLOADS = ['', 'a', 'hello tfrecord', 'x'.repeat(1000)].map((s) => Buffer.from(s));

function writeSample(): string {
  const path = join(tempDir(), 'sample.tfrecord');
  writeTfRecords(path, PAYLOADS);
  return path;
}

/** Byte offset of record `i` in the sample file: each record adds 16 bytes of framing. */
function offsetOf(i: number): number {
  return PAYLOADS.slice(0, i).reduce((sum, p) => sum + 16 + p.length, 0);
}

describe('maskedCrc32c', () => {
  it('matches CRC32C check value 0xE3069283 for "123456789", masked the TFRecord way', () => {
    // The published CRC-32C check value; crc-32 returns it signed, the mask needs it unsigned.
    const crc = 0xe3069283;
    const masked = ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
    expect(maskedCrc32c(Buffer.from('123456789'))).toBe(masked);
  });

  it('frames b"abc" byte for byte as TFRecord does', () => {
    // Expected bytes computed by an independent bit-by-bit CRC32C (Python, not this library):
    // length 3 (uint64 LE), masked CRC of the length, "abc", masked CRC of "abc".
    expect(encodeTfRecord(Buffer.from('abc')).toString('hex')).toBe('0300000000000000b099490e6162636e57f121');
  });
});

describe('readTfRecords', () => {
  it('reads back what writeTfRecords wrote, with index and byte offset', () => {
    const records = [...readTfRecords(writeSample())];
    expect(records.map((r) => r.data.toString())).toEqual(PAYLOADS.map((p) => p.toString()));
    expect(records.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(records.map((r) => r.offset)).toEqual([0, 1, 2, 3].map(offsetOf));
  });

  it('streams records larger than its 4 MB read-ahead buffer', () => {
    const big = Buffer.alloc(5 << 20, 7);
    const path = join(tempDir(), 'big.tfrecord');
    writeTfRecords(path, [Buffer.from('head'), big, Buffer.from('tail')]);
    const records = [...readTfRecords(path)];
    expect(records.map((r) => r.data.length)).toEqual([4, 5 << 20, 4]);
    expect(records[1].data.equals(big)).toBe(true);
  });

  it('reads an empty file as no records', () => {
    const path = join(tempDir(), 'empty.tfrecord');
    writeFileSync(path, '');
    expect([...readTfRecords(path)]).toEqual([]);
  });

  it('throws on a flipped data byte, naming the record and its offset', () => {
    const path = writeSample();
    const bytes = readFileSync(path);
    bytes[offsetOf(2) + 12] ^= 0x01; // first data byte of record 2
    writeFileSync(path, bytes);
    expect(() => [...readTfRecords(path)]).toThrow(DataFileError);
    expect(() => [...readTfRecords(path)]).toThrow(`${path}: record 2 at byte ${offsetOf(2)}: data CRC mismatch`);
  });

  it('throws on a flipped length byte, naming the record and its offset', () => {
    const path = writeSample();
    const bytes = readFileSync(path);
    bytes[offsetOf(1)] ^= 0x10;
    writeFileSync(path, bytes);
    expect(() => [...readTfRecords(path)]).toThrow(`${path}: record 1 at byte ${offsetOf(1)}: length CRC mismatch`);
  });

  it('throws on a file cut inside a record', () => {
    const path = writeSample();
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 5));
    expect(() => [...readTfRecords(path)]).toThrow(`${path}: record 3 at byte ${offsetOf(3)}: truncated: 1011 of 1016 bytes present`);
  });

  it('throws on a file cut inside a header', () => {
    const path = writeSample();
    writeFileSync(path, readFileSync(path).subarray(0, offsetOf(1) + 5));
    expect(() => [...readTfRecords(path)]).toThrow(`${path}: record 1 at byte ${offsetOf(1)}: truncated: 5 header bytes (expected 12)`);
  });
});
