// A minimal tar reader (ustar / GNU / pax path headers) over an in-memory buffer, plus a .tar.gz helper.
// It lists regular files only and never writes anything to disk.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataFileError } from '../../benchmarks/errors';

/** Tar's block size in bytes: headers and data are padded to multiples of it. */
export const TAR_BLOCK = 512;

/** One regular file of an archive; `data` is a view into the archive buffer, not a copy. */
export interface TarEntry {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * The regular files of a tar archive, in archive order. Regular files are typeflag '0' or NUL;
 * directories, links and other types are skipped. GNU long names ('L') and pax 'path' records
 * ('x') rename the entry that follows them; the ustar prefix field is joined to the name.
 * Reading stops at the first all-zero header block (the end-of-archive marker) or at the end
 * of the buffer when it ends on a block boundary.
 * @param archive the uncompressed tar bytes.
 * @param source the archive's file name, for error messages.
 * @throws DataFileError on a partial header block, a header whose checksum does not match, a
 *   malformed size field, or an entry whose data runs past the end (naming the entry and the
 *   missing bytes).
 */
export function readTarEntries(archive: Buffer, source = '<tar buffer>'): TarEntry[] {
  const out: TarEntry[] = [];
  let offset = 0;
  let pendingName: string | undefined;
  while (offset < archive.length) {
    if (archive.length - offset < TAR_BLOCK) {
      throw new DataFileError(source, `truncated tar ${source}: ${archive.length - offset} bytes left at offset ${offset}, a header needs ${TAR_BLOCK}`);
    }
    const header = archive.subarray(offset, offset + TAR_BLOCK);
    if (header.every((b) => b === 0)) break;
    checkChecksum(header, offset, source);
    const name = pendingName ?? headerName(header);
    const size = octalField(header, 124, 12, `size of ${name}`, source);
    const type = String.fromCharCode(header[156]);
    const dataStart = offset + TAR_BLOCK;
    if (dataStart + size > archive.length) {
      const missing = dataStart + size - archive.length;
      throw new DataFileError(source, `truncated tar ${source}: entry ${name} needs ${size} bytes of data, ${missing} bytes missing`);
    }
    const data = archive.subarray(dataStart, dataStart + size);
    pendingName = undefined;
    if (type === 'L') pendingName = cString(data, 0, data.length);
    else if (type === 'x') pendingName = paxPath(data);
    else if (type === '0' || type === '\0') out.push({ name, data });
    offset = dataStart + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
  }
  return out;
}

/**
 * Read a gzipped tar file (`.tar.gz` / `.tgz`) and list its regular files (see `readTarEntries`).
 * @throws DataFileError when the file cannot be read or gunzipped, or the archive is malformed.
 */
export function readTarGz(path: string): TarEntry[] {
  let gz: Buffer;
  try {
    gz = readFileSync(path);
  } catch (err) {
    throw new DataFileError(path, `cannot read ${path}: ${(err as Error).message}`);
  }
  return readTarGzBuffer(gz, path);
}

/**
 * Gunzip a `.tar.gz` already in memory and list its regular files (see `readTarEntries`).
 * @param source the file name, for error messages.
 * @throws DataFileError when the bytes do not gunzip, or the archive is malformed.
 */
export function readTarGzBuffer(gz: Buffer, source: string): TarEntry[] {
  let archive: Buffer;
  try {
    archive = gunzipSync(gz);
  } catch (err) {
    throw new DataFileError(source, `cannot gunzip ${source}: ${(err as Error).message}`);
  }
  return readTarEntries(archive, source);
}

/** name (0..100) joined to the ustar prefix (345..500) when the magic says ustar. */
function headerName(header: Buffer): string {
  const name = cString(header, 0, 100);
  const isUstar = header.toString('latin1', 257, 262) === 'ustar';
  const prefix = isUstar ? cString(header, 345, 155) : '';
  return prefix === '' ? name : `${prefix}/${name}`;
}

function cString(bytes: Buffer, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? field.length : end);
}

/** An octal number field (NUL/space padded), or GNU base-256 when the top bit of the first byte is set. */
function octalField(header: Buffer, start: number, length: number, what: string, source: string): number {
  if (header[start] & 0x80) {
    let value = 0;
    for (let i = 1; i < length; i++) value = value * 256 + header[start + i];
    return value;
  }
  const text = header.toString('latin1', start, start + length).replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]*$/.test(text)) throw new DataFileError(source, `tar ${source}: ${what} is not octal: ${JSON.stringify(text)}`);
  return text === '' ? 0 : parseInt(text, 8);
}

/** The header checksum: the byte sum with the checksum field (148..156) counted as spaces. */
function checkChecksum(header: Buffer, offset: number, source: string): void {
  const stored = octalField(header, 148, 8, `checksum at offset ${offset}`, source);
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  if (sum !== stored) {
    throw new DataFileError(source, `tar ${source}: header at offset ${offset} (${headerName(header)}) has checksum ${stored}, computed ${sum}: not a tar file or corrupt`);
  }
}

/** The `path` value of a pax extended header ("<len> path=<value>\n" records), if any. */
function paxPath(data: Buffer): string | undefined {
  for (const record of data.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return undefined;
}
