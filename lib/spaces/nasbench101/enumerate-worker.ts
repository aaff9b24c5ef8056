// Worker thread for enumerate.ts: hashes one slice of the representative cells and posts
// the raw digests back. No enumeration, sorting or I/O here.
import { parentPort, workerData } from 'node:worker_threads';
import { hashColumns, type CellColumns, type WorkerMessage } from './enumerate';

const { columns, start, end } = workerData as { columns: CellColumns; start: number; end: number };
const post = (msg: WorkerMessage): void => parentPort!.postMessage(msg);
const digests = hashColumns(columns, start, end, (done) => post({ kind: 'progress', done }));
post({ kind: 'done', digests });
