// Fault injection, issue 19 cases 2 and 6: damaged data files and a data folder that is named but
// wrong. Each must stop with an error naming the file, the line, the value and what was expected;
// no command may go ahead on a partial table or silently read another copy.
import { describe, expect, it } from 'vitest';
import { loadNasbench101Csv, NASBENCH101_CSV } from '../../lib/benchmarks/nasbench101-csv';
import { loadNasbench201Csv, nasbench201CsvPath } from '../../lib/benchmarks/nasbench201-csv';
import { DATA_DIR_ENV } from '../../lib/benchmarks/data-folder';
import { dataFolderWith, dnasSync, realDataText, tempFolder } from './helpers';
import { join } from 'node:path';

const SAMPLE = realDataText(NASBENCH101_CSV);
const NB201 = nasbench201CsvPath('cifar10');
const NB201_TEXT = realDataText(NB201);

/** The text with its last row's last field cut short (and so no final newline). */
const cutInLastField = (text: string): string => text.slice(0, text.length - 3);
/** Line number (1-based) of the last row. */
const lastLine = (text: string): number => text.trimEnd().split('\n').length;

describe('case 2: a data file cut inside its last field', () => {
  it('the 30k sample: refused, naming the file and the line it was cut in (the loader, space stats, query and search)', () => {
    const dir = dataFolderWith(NASBENCH101_CSV, cutInLastField(SAMPLE));
    const file = join(dir, NASBENCH101_CSV);
    const message = `${file}:${lastLine(SAMPLE)}: the file does not end with a newline: it was cut inside line ${lastLine(SAMPLE)} (expected complete lines)`;
    expect(() => loadNasbench101Csv({ dataDir: dir })).toThrow(message);
    const results = tempFolder('results');
    for (const args of [['space', 'stats'], ['query', '--hash', '00005c142e6f48ac74fdcf73e3439874'], ['search', '--space', 'nb101-30k', '--algo', 'random', '--budget', '5', '--seeds', '0', '--workers', '0']]) {
      const run = dnasSync(args, { [DATA_DIR_ENV]: dir, DNAS_RESULTS_DIR: results });
      expect(run.status, args.join(' ')).toBe(1);
      expect(run.stderr, args.join(' ')).toContain(message);
    }
  }, 120_000);

  it('a NAS-Bench-201 table: refused the same way, also through search', () => {
    const dir = dataFolderWith(NB201, cutInLastField(NB201_TEXT));
    const message = `${join(dir, NB201)}:${lastLine(NB201_TEXT)}: the file does not end with a newline`;
    expect(() => loadNasbench201Csv('cifar10', { dataDir: dir })).toThrow(message);
    const run = dnasSync(['search', '--space', 'nb201', '--algo', 'random', '--budget', '5', '--seeds', '0', '--workers', '0'], { [DATA_DIR_ENV]: dir, DNAS_RESULTS_DIR: tempFolder('results') });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
  }, 60_000);

  it('a table missing rows but ending cleanly: refused with the row count the README states', () => {
    const lines = SAMPLE.split('\n');
    const dir = dataFolderWith(NASBENCH101_CSV, `${lines.slice(0, 14_801).join('\n')}\n`);
    expect(() => loadNasbench101Csv({ dataDir: dir })).toThrow(`${join(dir, NASBENCH101_CSV)}: 14800 rows (expected the 30001 of the datasets README)`);
  });

  it('numbers that are not plain decimals where the file must hold them: 0x10, 1e3 for an integer, padding, Infinity', () => {
    // The file's rows end in CRLF: a replaced last field keeps its '\r'.
    const withField = (text: string, index: number, value: string): string => {
      const rows = text.split('\n');
      const fields = rows[1].split(',');
      const eol = fields[fields.length - 1].endsWith('\r') && index === fields.length - 1 ? '\r' : '';
      fields[index] = value + eol;
      rows[1] = fields.join(',');
      return rows.join('\n');
    };
    for (const [column, index, value, expected] of [
      ['params', 6, '0x10', 'a positive integer'],
      ['params', 6, '1e3', 'a positive integer'],
      ['params', 6, ' 42', 'a positive integer'],
      ['val_acc_108', 4, '0x1', 'an accuracy in [0, 1]'],
      ['train_time_108_s', 5, 'Infinity', 'a finite number of seconds > 0'],
    ] as const) {
      const dir = dataFolderWith(NASBENCH101_CSV, withField(SAMPLE, index, value));
      expect(() => loadNasbench101Csv({ dataDir: dir }), value).toThrow(`${join(dir, NASBENCH101_CSV)}:2: column ${column}: got ${JSON.stringify(value)} (expected ${expected})`);
    }
    const dir = dataFolderWith(NB201, withField(NB201_TEXT, 0, '0x0'));
    expect(() => loadNasbench201Csv('cifar10', { dataDir: dir })).toThrow(`${join(dir, NB201)}:2: column index: got "0x0" (expected an integer in 0..15624)`);
  });
});

describe('case 6: DNAS_DATA_DIR set to a folder that is misspelt or lacks a file', () => {
  it('is an error naming the path, never a fall-back to another data folder', () => {
    const results = tempFolder('results');
    const misspelt = `${tempFolder('data')}-misspelt`;
    const run = dnasSync(['search', '--space', 'nb201', '--algo', 'random', '--budget', '5', '--seeds', '0', '--workers', '0'], { [DATA_DIR_ENV]: misspelt, DNAS_RESULTS_DIR: results });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${join(misspelt, NB201)} (DNAS_DATA_DIR); DNAS_DATA_DIR is the only place looked when set: fix or unset it`);
    const half = tempFolder('half');
    const query = dnasSync(['query', '--hash', '00005c142e6f48ac74fdcf73e3439874'], { [DATA_DIR_ENV]: half });
    expect(query.status).toBe(1);
    expect(query.stderr).toContain(`${join(half, 'nasbench101')}`);
  }, 60_000);

  it('every command that reads data prints which file it read', () => {
    const results = tempFolder('results');
    const search = JSON.parse(dnasSync(['search', '--space', 'nb201', '--algo', 'random', '--budget', '5', '--seeds', '0-1', '--workers', '0'], { DNAS_RESULTS_DIR: results }).stdout) as { dataFiles: string[] };
    expect(search.dataFiles.map((f) => f.split('/').slice(-2).join('/'))).toEqual(['nasbench201/cifar10.csv', 'nasbench201/cifar10-test.csv']);
    // a rerun that reuses the finished seeds names the same files (from their manifests)
    const again = JSON.parse(dnasSync(['search', '--space', 'nb201', '--algo', 'random', '--budget', '5', '--seeds', '0-1', '--workers', '0'], { DNAS_RESULTS_DIR: results }).stdout) as { dataFiles: string[] };
    expect(again.dataFiles).toEqual(search.dataFiles);
    const query = JSON.parse(dnasSync(['query', '--hash', '00005c142e6f48ac74fdcf73e3439874']).stdout) as { files: Record<string, unknown> };
    expect(query.files.testAccuracy).toMatch(/nasbench101\/test-108-all\.csv$/);
  }, 60_000);
});
