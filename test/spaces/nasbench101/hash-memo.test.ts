import { describe, expect, it } from 'vitest';
import { Rng } from '../../../lib/random';
import { hashCell } from '../../../lib/spaces/nasbench101/graph';
import { createHashMemo } from '../../../lib/spaces/nasbench101/hash-memo';
import { sampleRandomSpec } from '../../../lib/spaces/nasbench101/sample';

describe('createHashMemo', () => {
  it('returns hashCell of every cell, answering repeats from the memo', () => {
    const rng = new Rng(3);
    const cells = Array.from({ length: 200 }, () => sampleRandomSpec(rng).pruned);
    const hash = createHashMemo();
    for (const cell of [...cells, ...cells]) expect(hash(cell)).toBe(hashCell(cell));
    expect(hash.misses()).toBeLessThanOrEqual(200);
    expect(hash.hits() + hash.misses()).toBe(400);
    expect(hash.hits()).toBeGreaterThanOrEqual(200);
  });

  it('keys on the literal cell: an op or an edge changed is a different entry', () => {
    const hash = createHashMemo();
    const cell = { matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] as const };
    const otherOp = { ...cell, ops: ['input', 'maxpool3x3', 'output'] as const };
    const otherEdge = { ...cell, matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]] };
    expect(new Set([hash(cell), hash(otherOp), hash(otherEdge)]).size).toBe(3);
    expect([hash(otherOp), hash(otherEdge)]).toEqual([hashCell(otherOp), hashCell(otherEdge)]);
  });

  it('starts afresh at its limit and stays correct', () => {
    const rng = new Rng(4);
    const cells = Array.from({ length: 30 }, () => sampleRandomSpec(rng).pruned);
    const hash = createHashMemo(10);
    for (const cell of [...cells, ...cells]) expect(hash(cell)).toBe(hashCell(cell));
    expect(hash.misses()).toBeGreaterThan(30);
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => createHashMemo(0)).toThrow('hash memo limit must be a positive integer: got 0');
  });
});
