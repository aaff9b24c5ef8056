// Where the tests find the real benchmark files: the folder the library itself resolves
// (DNAS_DATA_DIR, then <root>/datasets, then <root>/../shared/datasets). Test support only.
import { dirname, join } from 'node:path';
import { resolveDataFile } from '../lib/benchmarks/data-folder';
import { NASBENCH101_CSV } from '../lib/benchmarks/nasbench101-csv';

/** The data folder holding nasbench101/ (throws DataFileError, naming every place looked, when there is none). */
export const REAL_DATASETS = dirname(dirname(resolveDataFile(NASBENCH101_CSV)));

/** The NAS-Bench-101 files: val-subset-30k.csv, cells-1k.jsonl, flops-500.jsonl. */
export const NB101_DATA = join(REAL_DATASETS, 'nasbench101');
