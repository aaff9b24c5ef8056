// Enumerates every unique NAS-Bench-101 cell (423,624) as packed typed arrays sorted by the
// official graph hash. Pure computation: no caching, file I/O or public lookup API (space.ts).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { hash as oneShotHash } from 'node:crypto';
import { SingleBar, Presets } from 'cli-progress';
import { INNER_OPS, MAX_EDGES, MAX_VERTICES, type Cell, type Op } from './cell';
import { permutations } from './graph';

/**
 * A cell packed into three small integers (the layout of the on-disk cache and the space):
 * - `vertices`: n, 2..7;
 * - `edges`: bit k set ⇔ edge i → j, where k runs over the upper triangle of the n×n matrix
 *   in row-major order ((0,1), (0,2), …, (0,n−1), (1,2), …), at most 21 bits;
 * - `ops`: inner vertex i (1..n−2) has op code `(ops >> 2(i−1)) & 3`, codes being the
 *   hash labels (0 conv3x3-bn-relu, 1 conv1x1-bn-relu, 2 maxpool3x3).
 */
export interface PackedCell {
  readonly vertices: number;
  readonly edges: number;
  readonly ops: number;
}

/** The whole space as parallel columns, sorted by hash (index i is the i-th smallest hash). */
export interface PackedSpace {
  /** Number of unique cells. */
  readonly count: number;
  /** Raw 16-byte MD5 digests, `[count * 16]`, ascending byte order (= hex string order). */
  readonly hashes: Uint8Array;
  /** Vertex count per cell, `[count]`. */
  readonly vertices: Uint8Array;
  /** Upper-triangle edge bits per cell, `[count]` (see PackedCell). */
  readonly edges: Uint32Array;
  /** Inner op codes per cell, `[count]` (see PackedCell). */
  readonly ops: Uint16Array;
}

/** Options for `enumerateNasbench101`. */
export interface EnumerateOptions {
  /** Called as hashing advances; `total` is the number of cells to hash. */
  onProgress?: (done: number, total: number) => void;
  /** No progress bar on stderr (default false: a cli-progress bar, drawn only on a terminal). */
  quiet?: boolean;
  /** Worker threads for hashing (default: defaultWorkerCount(); 1 hashes on the calling thread). */
  workers?: number;
}

/** Upper-triangle bit index of edge i → j (i < j) in an n-vertex cell. */
export function edgeBit(n: number, i: number, j: number): number {
  return i * n - (i * (i + 1)) / 2 + (j - i - 1);
}

/**
 * Pack a pruned cell (2–7 vertices, ops as validateCell accepts them) into PackedCell form.
 * Inner code of an op is its index in INNER_OPS, which equals its hash_module label.
 */
export function packCell(cell: Cell): PackedCell {
  const n = cell.ops.length;
  let edges = 0;
  let ops = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (cell.matrix[i][j] === 1) edges |= 1 << edgeBit(n, i, j);
  }
  for (let i = 1; i < n - 1; i++) ops |= (INNER_OPS as readonly Op[]).indexOf(cell.ops[i]) << (2 * (i - 1));
  return { vertices: n, edges: edges >>> 0, ops };
}

/** The cell a PackedCell stands for: n×n 0/1 matrix and op names. */
export function unpackCell(packed: PackedCell): Cell {
  const n = packed.vertices;
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) matrix[i][j] = (packed.edges >>> edgeBit(n, i, j)) & 1;
  }
  const ops: Op[] = Array.from({ length: n }, (_, v) =>
    v === 0 ? 'input' : v === n - 1 ? 'output' : INNER_OPS[(packed.ops >> (2 * (v - 1))) & 3],
  );
  return { matrix, ops };
}

/** Out- and in-neighbour bitmasks of a packed adjacency. */
function neighbourMasks(n: number, edges: number): { out: number[]; inn: number[] } {
  const out = new Array<number>(n).fill(0);
  const inn = new Array<number>(n).fill(0);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      if ((edges >>> k) & 1) {
        out[i] |= 1 << j;
        inn[j] |= 1 << i;
      }
    }
  }
  return { out, inn };
}

/** Population count of a 32-bit integer. */
function popcount(x: number): number {
  let c = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) c++;
  return c;
}

/** True when every vertex lies on an input→output path (the matrix is already pruned). */
function isPrunedConnected(n: number, out: number[], inn: number[]): boolean {
  // Upper-triangular: vertices in index order are a topological order, so one sweep each way.
  let fromInput = 1;
  for (let v = 1; v < n; v++) if (inn[v] & fromInput) fromInput |= 1 << v;
  let toOutput = 1 << (n - 1);
  for (let v = n - 2; v >= 0; v--) if (out[v] & toOutput) toOutput |= 1 << v;
  const all = (1 << n) - 1;
  return fromInput === all && toOutput === all;
}

/** A graph shape up to isomorphism, with the inner-vertex automorphisms that fix it. */
export interface Shape {
  readonly edges: number;
  /** Each automorphism as `perm[v]` = image of vertex v (input/output map to themselves). */
  readonly automorphisms: number[][];
  /** The same graph in NAS-Bench-101's stored vertex order (see benchmarkLabelling, graph.ts). */
  readonly benchmarkEdges: number;
  /** The relabellings `perm[v]` that take `edges` to `benchmarkEdges`. */
  readonly toBenchmark: number[][];
}

/**
 * One representative per isomorphism class of unlabeled, pruned, n-vertex cell graphs with
 * ≤ 9 edges, each with its automorphism group (permutations fixing input and output, which
 * carry distinct labels in hash_module and so never move).
 */
export function shapeRepresentatives(n: number): Shape[] {
  const inner = Array.from({ length: n - 2 }, (_, i) => i + 1);
  const perms = permutations(inner).map((p) => [0, ...p, n - 1]);
  const pairs = n * (n - 1) / 2;
  const seen = new Set<number>();
  const shapes: Shape[] = [];
  for (let edges = 0; edges < 2 ** pairs; edges++) {
    if (popcount(edges) > MAX_EDGES) continue;
    const { out, inn } = neighbourMasks(n, edges);
    if (!isPrunedConnected(n, out, inn)) continue;
    const codes = perms.map((perm) => permutedCode(n, out, perm));
    const canonical = Math.min(...codes);
    if (seen.has(canonical)) continue;
    seen.add(canonical);
    shapes.push({ edges, automorphisms: perms.filter((_, p) => codes[p] === codes[0] && p !== 0), ...benchmarkOrder(n, out, perms) });
  }
  return shapes;
}

/**
 * Where generate_graphs.py first meets this graph: among relabellings that keep it
 * upper-triangular, the lowest edge bitmask in its bit order (edge x→y is bit x + y(y−1)/2).
 * Every relabelling reaching that bitmask gives the same matrix; they differ only in where
 * inner ops land, which `benchmarkOps` settles per labelling.
 */
function benchmarkOrder(n: number, out: number[], perms: number[][]): { benchmarkEdges: number; toBenchmark: number[][] } {
  let bestBits = Infinity;
  let best: number[][] = [];
  for (const perm of perms) {
    let bits = 0;
    let upper = true;
    for (let v = 0; v < n && upper; v++) {
      for (let w = v + 1; w < n; w++) {
        if (!((out[v] >>> w) & 1)) continue;
        const [x, y] = [perm[v], perm[w]];
        if (x > y) {
          upper = false;
          break;
        }
        bits += 2 ** (x + (y * (y - 1)) / 2);
      }
    }
    if (!upper || bits > bestBits) continue;
    if (bits < bestBits) [bestBits, best] = [bits, []];
    best.push(perm);
  }
  let edges = 0;
  for (let v = 0; v < n; v++) {
    for (let w = v + 1; w < n; w++) if ((out[v] >>> w) & 1) edges |= 1 << edgeBit(n, best[0][v], best[0][w]);
  }
  return { benchmarkEdges: edges >>> 0, toBenchmark: best };
}

/**
 * Inner ops (packed) after relabelling to the benchmark order: of the relabellings in
 * `toBenchmark`, the one whose labels, read first-vertex-most-significant in base 3, are
 * lowest — generate_graphs.py's itertools.product order.
 */
function benchmarkOps(ops: number, inner: number, toBenchmark: number[][]): number {
  let bestCode = Infinity;
  let bestOps = 0;
  for (const perm of toBenchmark) {
    let moved = 0;
    for (let i = 1; i <= inner; i++) moved |= ((ops >> (2 * (i - 1))) & 3) << (2 * (perm[i] - 1));
    let code = 0;
    for (let i = 1; i <= inner; i++) code = code * 3 + ((moved >> (2 * (i - 1))) & 3);
    if (code < bestCode) [bestCode, bestOps] = [code, moved];
  }
  return bestOps;
}

/** Exact code (< 2^49) of the digraph after relabelling vertex v as perm[v]. */
function permutedCode(n: number, out: number[], perm: number[]): number {
  let code = 0;
  for (let v = 0; v < n; v++) {
    for (let w = v + 1; w < n; w++) if ((out[v] >>> w) & 1) code += 2 ** (perm[v] * n + perm[w]);
  }
  return code;
}

/** Pack inner op digits (base 3, vertex 1 least significant) into 2-bit fields. */
function packOps(labeling: number, inner: number): number {
  let ops = 0;
  for (let i = 0; i < inner; i++, labeling = Math.floor(labeling / 3)) ops |= (labeling % 3) << (2 * i);
  return ops;
}

/** True when no automorphism maps this labeling to a smaller base-3 code (orbit minimum). */
function isOrbitMinimum(ops: number, labeling: number, inner: number, shape: Shape): boolean {
  for (const perm of shape.automorphisms) {
    let image = 0;
    for (let i = 1; i <= inner; i++) image += ((ops >> (2 * (i - 1))) & 3) * 3 ** (perm[i] - 1);
    if (image < labeling) return false;
  }
  return true;
}

/**
 * One cell per isomorphism class of labeled cells: every shape representative times the
 * labelings that are minimal in their orbit under the shape's automorphisms. Isomorphic
 * cells hash equal, so this is everything nasbench's generate_graphs would keep, without
 * hashing the ~10× more isomorphic copies it visits. Each cell is returned in the vertex
 * order generate_graphs stores (its first-met labelling), on which parameter counts depend.
 */
export function labeledRepresentatives(): PackedCell[] {
  const cells: PackedCell[] = [];
  for (let n = 2; n <= MAX_VERTICES; n++) {
    const inner = n - 2;
    for (const shape of shapeRepresentatives(n)) {
      for (let labeling = 0; labeling < 3 ** inner; labeling++) {
        const ops = packOps(labeling, inner);
        if (!isOrbitMinimum(ops, labeling, inner, shape)) continue;
        cells.push({ vertices: n, edges: shape.benchmarkEdges, ops: benchmarkOps(ops, inner, shape.toBenchmark) });
      }
    }
  }
  return cells;
}

/** md5 hex of a string, the primitive of hash_module. */
function md5(text: string): string {
  return oneShotHash('md5', text);
}

/** hash_module's starting hash of a vertex: md5(str((out_degree, in_degree, label))), memoised. */
const START_HASHES = new Map<number, string>();
function startHash(outDegree: number, inDegree: number, label: number): string {
  const key = outDegree * 64 + inDegree * 4 + (label + 2);
  let h = START_HASHES.get(key);
  if (h === undefined) {
    h = md5(`(${outDegree}, ${inDegree}, ${label})`);
    START_HASHES.set(key, h);
  }
  return h;
}

/** Sorted hashes of the vertices in `mask`, concatenated. */
function joinSorted(hashes: string[], mask: number): string {
  const picked: string[] = [];
  for (let w = 0; mask !== 0; w++, mask >>>= 1) if (mask & 1) picked.push(hashes[w]);
  return picked.length < 2 ? picked.join('') : picked.sort().join('');
}

/**
 * `hashCell` (graph.ts) on a packed cell: the same strings through the same md5, so the
 * result is bit-identical (test/spaces/nasbench101/graph.test.ts proves it on every
 * enumerated shape); faster because it skips matrix building and memoises start hashes.
 * @returns 32 lowercase hex characters.
 */
export function hashPackedCell(cell: PackedCell): string {
  const n = cell.vertices;
  const { out, inn } = neighbourMasks(n, cell.edges);
  let hashes: string[] = [];
  for (let v = 0; v < n; v++) {
    const label = v === 0 ? -1 : v === n - 1 ? -2 : (cell.ops >> (2 * (v - 1))) & 3;
    hashes.push(startHash(popcount(out[v]), popcount(inn[v]), label));
  }
  for (let round = 0; round < n; round++) {
    const next: string[] = [];
    for (let v = 0; v < n; v++) next.push(md5(`${joinSorted(hashes, inn[v])}|${joinSorted(hashes, out[v])}|${hashes[v]}`));
    hashes = next;
  }
  return md5(`[${hashes.sort().map((h) => `'${h}'`).join(', ')}]`);
}

/** Cells as three columns, the form that crosses thread boundaries without copying objects. */
export interface CellColumns {
  readonly vertices: Uint8Array;
  readonly edges: Uint32Array;
  readonly ops: Uint16Array;
}

/** Messages a hashing worker posts back (enumerate-worker.ts). */
export type WorkerMessage = { kind: 'progress'; done: number } | { kind: 'done'; digests: Uint8Array };

/** How often (in cells) hashing reports progress; small enough for a smooth bar. */
export const PROGRESS_EVERY = 4096;

/**
 * Hash columns[start, end) into raw 16-byte digests (`[(end − start) * 16]`), calling
 * `progress(done)` every PROGRESS_EVERY cells. Shared by the main thread and the workers.
 */
export function hashColumns(columns: CellColumns, start: number, end: number, progress: (done: number) => void): Uint8Array {
  const digests = new Uint8Array((end - start) * 16);
  for (let i = start; i < end; i++) {
    const hex = hashPackedCell({ vertices: columns.vertices[i], edges: columns.edges[i], ops: columns.ops[i] });
    digests.set(Buffer.from(hex, 'hex'), (i - start) * 16);
    if ((i - start + 1) % PROGRESS_EVERY === 0) progress(i - start + 1);
  }
  progress(end - start);
  return digests;
}

function toColumns(cells: PackedCell[]): CellColumns {
  return {
    vertices: Uint8Array.from(cells, (c) => c.vertices),
    edges: Uint32Array.from(cells, (c) => c.edges),
    ops: Uint16Array.from(cells, (c) => c.ops),
  };
}

/** A started hashing worker for [start, end) and the promise of its digests. */
function startWorker(columns: CellColumns, start: number, end: number, progress: (done: number) => void): { worker: Worker; digests: Promise<Uint8Array> } {
  // The worker is TypeScript: tsx's CommonJS hook (a runtime dependency) compiles it, so the
  // same code runs under tsx, vitest and tslab.
  const worker = new Worker(join(__dirname, 'enumerate-worker.ts'), {
    execArgv: ['--require', require.resolve('tsx/cjs')],
    workerData: { columns, start, end },
  });
  const digests = new Promise<Uint8Array>((resolve, reject) => {
    worker.on('message', (msg: WorkerMessage) => (msg.kind === 'progress' ? progress(msg.done) : resolve(msg.digests)));
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`hashing worker exited with code ${code} before finishing`)));
  });
  return { worker, digests };
}

/**
 * Hash all columns, split over `workers` threads (1: on this thread); digests in input order.
 * Where threads cannot start (a host without tsx's hook), says so and hashes on this thread.
 */
async function hashAll(columns: CellColumns, workers: number, progress: (done: number) => void, quiet: boolean): Promise<Uint8Array> {
  const total = columns.vertices.length;
  if (workers <= 1) return hashColumns(columns, 0, total, progress);
  try {
    return await hashOnWorkers(columns, workers, progress);
  } catch (err) {
    if (!quiet) process.stderr.write(`hashing workers failed (${(err as Error).message}); hashing on the main thread\n`);
    return hashColumns(columns, 0, total, progress);
  }
}

/** Split the columns into `workers` equal slices, one thread each; all threads end on return. */
async function hashOnWorkers(columns: CellColumns, workers: number, progress: (done: number) => void): Promise<Uint8Array> {
  const total = columns.vertices.length;
  const doneBy = new Array<number>(workers).fill(0);
  const bounds = Array.from({ length: workers + 1 }, (_, w) => Math.round((w * total) / workers));
  const started = doneBy.map((_, w) =>
    startWorker(columns, bounds[w], bounds[w + 1], (done) => {
      doneBy[w] = done;
      progress(doneBy.reduce((a, b) => a + b, 0));
    }),
  );
  try {
    const parts = await Promise.all(started.map((s) => s.digests));
    const digests = new Uint8Array(total * 16);
    parts.forEach((part, w) => digests.set(part, bounds[w] * 16));
    return digests;
  } finally {
    await Promise.all(started.map((s) => s.worker.terminate()));
  }
}

/** Compare the 16-byte digests at slots a and b. */
function compareDigests(digests: Uint8Array, a: number, b: number): number {
  for (let k = 0; k < 16; k++) {
    const d = digests[a * 16 + k] - digests[b * 16 + k];
    if (d !== 0) return d;
  }
  return 0;
}

/** Sort by digest and drop repeated digests (hash_module, not isomorphism, defines identity). */
function sortUnique(columns: CellColumns, digests: Uint8Array): PackedSpace {
  const order = Array.from({ length: columns.vertices.length }, (_, i) => i).sort((a, b) => compareDigests(digests, a, b));
  const kept = order.filter((slot, k) => k === 0 || compareDigests(digests, slot, order[k - 1]) !== 0);
  const hashes = new Uint8Array(kept.length * 16);
  kept.forEach((slot, k) => hashes.set(digests.subarray(slot * 16, slot * 16 + 16), k * 16));
  return {
    count: kept.length,
    hashes,
    vertices: Uint8Array.from(kept, (slot) => columns.vertices[slot]),
    edges: Uint32Array.from(kept, (slot) => columns.edges[slot]),
    ops: Uint16Array.from(kept, (slot) => columns.ops[slot]),
  };
}

/** A progress sink that feeds both the caller's callback and (unless quiet) a stderr bar. */
function progressReporter(total: number, options: EnumerateOptions): { report: (done: number) => void; stop: () => void } {
  const bar = options.quiet ? null : new SingleBar({ format: 'NAS-Bench-101 cells [{bar}] {percentage}% | {value}/{total} | ETA {eta}s' }, Presets.shades_classic);
  bar?.start(total, 0);
  return {
    report: (done) => {
      bar?.update(done);
      options.onProgress?.(done, total);
    },
    stop: () => bar?.stop(),
  };
}

/** Hashing threads used by default: one per core, at most 4 (beyond that start-up dominates). */
export function defaultWorkerCount(): number {
  return Math.min(availableParallelism(), 4);
}

/**
 * Enumerate every unique NAS-Bench-101 cell (nasbench/scripts/generate_graphs.py's result:
 * all pruned cells with 2–7 vertices and ≤ 9 edges, one per graph hash), sorted by hash.
 * Walks isomorphism-class representatives (see labeledRepresentatives) and hashes each with
 * hash_module, so it visits 423,624 cells instead of the millions generate_graphs does.
 * @param options progress callback, quiet flag, worker count (see EnumerateOptions).
 * @throws RangeError when `workers` is not a positive integer; worker failures propagate.
 */
export async function enumerateNasbench101(options: EnumerateOptions = {}): Promise<PackedSpace> {
  const workers = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer: got ${workers}`);
  const columns = toColumns(labeledRepresentatives());
  const progress = progressReporter(columns.vertices.length, options);
  try {
    return sortUnique(columns, await hashAll(columns, workers, progress.report, options.quiet ?? false));
  } finally {
    progress.stop();
  }
}
