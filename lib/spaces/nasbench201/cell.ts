// A NAS-Bench-201 cell: one operation on each of the six edges of a 4-node DAG, with the official
// cell string's parse/format and the degenerate-cell check. Pure data: no costs, tokens or tables.

/** The five edge operations in NAS-Bench-201's own order (Dong & Yang 2020, §2.1). */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;

/** One edge operation. */
export type Nb201Op = (typeof NB201_OPS)[number];

/** Nodes of the cell DAG: node 0 is the cell input, node 3 its output. */
export const NB201_NODES = 4;

/**
 * The six edges as [from, to], in the order of the official string
 * `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`: node 1 ← 0; node 2 ← 0, 1; node 3 ← 0, 1, 2.
 */
export const NB201_EDGES: readonly (readonly [number, number])[] = [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3], [2, 3]];

/** A cell: `ops[e]` is the operation on edge `NB201_EDGES[e]`. */
export interface Nb201Cell {
  readonly ops: readonly Nb201Op[];
}

/** Thrown for a cell string or op list that does not describe a NAS-Bench-201 cell. */
export class InvalidNb201CellError extends Error {
  override name = 'InvalidNb201CellError';
}

const OP_SET: ReadonlySet<string> = new Set(NB201_OPS);

/**
 * Parse an official cell string, e.g. `|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|`.
 * @throws InvalidNb201CellError naming the string and what is wrong: not 3 node groups, a node
 *   with the wrong number of inputs, an input index out of order, an unknown op.
 */
export function parseNb201Cell(text: string): Nb201Cell {
  const fail = (why: string): never => {
    throw new InvalidNb201CellError(`not a NAS-Bench-201 cell string: ${JSON.stringify(text)}: ${why}`);
  };
  const nodes = text.split('+');
  if (nodes.length !== NB201_NODES - 1) fail(`${nodes.length} node groups (expected ${NB201_NODES - 1} joined by '+')`);
  const ops: Nb201Op[] = [];
  nodes.forEach((group, i) => {
    const node = i + 1;
    if (!group.startsWith('|') || !group.endsWith('|')) fail(`node ${node} group ${JSON.stringify(group)} must start and end with '|'`);
    const inputs = group.slice(1, -1).split('|');
    if (inputs.length !== node) fail(`node ${node} has ${inputs.length} inputs (expected ${node})`);
    inputs.forEach((entry, from) => {
      const [op, index, ...rest] = entry.split('~');
      if (rest.length > 0 || index !== String(from)) fail(`node ${node} input ${JSON.stringify(entry)} (expected op~${from})`);
      if (!OP_SET.has(op)) fail(`unknown op ${JSON.stringify(op)} (expected one of ${NB201_OPS.join(', ')})`);
      ops.push(op as Nb201Op);
    });
  });
  return { ops };
}

/** The official cell string of a cell (inverse of parseNb201Cell; it is the table key). */
export function formatNb201Cell(cell: Nb201Cell): string {
  let out = '';
  let e = 0;
  for (let node = 1; node < NB201_NODES; node++) {
    const inputs: string[] = [];
    for (let from = 0; from < node; from++) inputs.push(`${cell.ops[e++]}~${from}`);
    out += `${node > 1 ? '+' : ''}|${inputs.join('|')}|`;
  }
  return out;
}

/**
 * A cell built from six ops, checked.
 * @throws InvalidNb201CellError for a length other than 6 or an unknown op (naming position and value).
 */
export function nb201Cell(ops: readonly string[]): Nb201Cell {
  if (!Array.isArray(ops) || ops.length !== NB201_EDGES.length) {
    throw new InvalidNb201CellError(`a NAS-Bench-201 cell has ${NB201_EDGES.length} edge ops: got ${Array.isArray(ops) ? ops.length : typeof ops}`);
  }
  const bad = ops.findIndex((op) => !OP_SET.has(op));
  if (bad >= 0) throw new InvalidNb201CellError(`edge ${bad}: unknown op ${JSON.stringify(ops[bad])} (expected one of ${NB201_OPS.join(', ')})`);
  return { ops: [...ops] as Nb201Op[] };
}

/**
 * True when no path of non-`none` edges joins the input (node 0) to the output (node 3). Such a
 * cell is valid in NAS-Bench-201 and has a table entry (its output is all zeros, so the network is
 * only the stem, the residual reduction blocks and the classifier), but it is degenerate: analyses
 * mark it rather than drop it. Never throws.
 */
export function isDegenerateNb201Cell(cell: Nb201Cell): boolean {
  const reached = [true, false, false, false];
  NB201_EDGES.forEach(([from, to], e) => {
    if (reached[from] && cell.ops[e] !== 'none') reached[to] = true;
  });
  return !reached[NB201_NODES - 1];
}
