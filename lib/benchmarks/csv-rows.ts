// The CSV reading the table loaders share: rows with their line numbers, a header check and strict
// number parsing. Reads text only: what a row means is each loader's business.
import { parse } from 'csv-parse/sync';
import { DataFileError } from './errors';

/** One parsed CSV row and the (1-based) line it ends on, for error messages. */
export interface CsvRow {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

/**
 * Parse CSV text into rows with line numbers (the header is row 0).
 * @throws DataFileError naming the file when the text is not valid CSV.
 */
export function parseCsvRows(file: string, text: string): CsvRow[] {
  try {
    return parse(text, { info: true }) as unknown as CsvRow[];
  } catch (e) {
    throw new DataFileError(file, `${file}: not valid CSV: ${(e as Error).message}`);
  }
}

/** @throws DataFileError naming the file, the header found and the one expected, unless they are equal. */
export function checkCsvHeader(file: string, header: readonly string[] | undefined, expected: readonly string[]): void {
  const got = header?.join(',') ?? '';
  if (got !== expected.join(',')) throw new DataFileError(file, `${file}:1: header is "${got}" (expected "${expected.join(',')}")`);
}

/**
 * @throws DataFileError naming the file and its last line when the text does not end with a
 *   newline: the file was cut, possibly inside its last field, which would still parse as a number.
 */
export function requireFinalNewline(file: string, text: string): void {
  if (text.length > 0 && text.endsWith('\n')) return;
  const lines = text.split('\n').length;
  throw new DataFileError(file, `${file}:${lines}: the file does not end with a newline: it was cut inside line ${lines} (expected complete lines)`);
}

/** A plain decimal as data files write it: sign, digits, optional fraction and exponent (`0.93`, `-1.5e-05`). */
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** A plain non-negative integer: digits only. */
const INTEGER = /^\d+$/;

/**
 * The number a data file's decimal field holds; NaN for anything else that Number() would accept
 * (`''` and whitespace → 0, `0x10` → 16, `Infinity`, `1_000`, padding), so a checker rejects it.
 */
export function strictNumber(text: string): number {
  return DECIMAL.test(text) ? Number(text) : NaN;
}

/** The integer a data file's integer field holds (digits only); NaN for `1e3`, `0x10`, `12.0`, signs or padding. */
export function strictInteger(text: string): number {
  return INTEGER.test(text) ? Number(text) : NaN;
}
