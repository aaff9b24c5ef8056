import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError } from '../../lib/benchmarks/errors';
import {
  readNasbench101TfRecord,
  writeNasbench101TfRecord,
  type ModelMetrics,
  type Nasbench101TfEntry,
} from '../../lib/benchmarks/nasbench101-tfrecord';
import { writeTfRecords } from '../../lib/benchmarks/tfrecord';
import { Rng } from '../../lib/random';
import { realCells, tempDir } from './fixtures';

const CELLS = realCells(3);

/** Made-up but plausible metrics: run r of cell c gets distinct, recognisable accuracies. */
function metrics(c: number, r: number, epochs: number): ModelMetrics {
  const val = 0.9 + c / 100 + r / 1000;
  const end = { currentEpoch: epochs, trainingTime: 1000 + r, trainAccuracy: 1, validationAccuracy: val, testAccuracy: val - 0.005 };
  return {
    evaluationData: [
      { currentEpoch: 0, trainingTime: 0, trainAccuracy: 0.1, validationAccuracy: 0.1, testAccuracy: 0.1 },
      { ...end, currentEpoch: epochs / 2, validationAccuracy: val - 0.1 },
      end,
    ],
    trainableParameters: 1_000_000 + c,
    totalTime: 1100 + r,
  };
}

/** Three runs at 108 epochs for every cell, plus one 36-epoch run for cell 0. */
function entries(): Nasbench101TfEntry[] {
  const out: Nasbench101TfEntry[] = [];
  CELLS.forEach((cell, c) => {
    for (let r = 0; r < 3; r++) out.push({ hash: cell.hash, epochs: 108, cell, metrics: metrics(c, r, 108) });
  });
  out.push({ epochs: 36, cell: CELLS[0], metrics: { ...metrics(0, 0, 36), evaluationData: metrics(0, 0, 36).evaluationData.map((e) => ({ ...e, validationAccuracy: 0.8 })) } });
  return out;
}

function writeFixture(list = entries()): string {
  const path = join(tempDir(), 'nasbench_only108.tfrecord');
  writeNasbench101TfRecord(path, list);
  return path;
}

describe('readNasbench101TfRecord', () => {
  it('reads back each real cell with its hash, graph, params and all runs', () => {
    const data = readNasbench101TfRecord({ file: writeFixture() });
    expect(data.recordCount).toBe(10);
    expect([...data.records.keys()]).toEqual(CELLS.map((c) => c.hash));
    const r = data.records.get(CELLS[1].hash)!;
    expect(r.cell).toEqual({ matrix: CELLS[1].matrix, ops: CELLS[1].ops });
    expect(r.params).toBe(1_000_001);
    expect(r.runsByEpochs[108].map((run) => run.validationAccuracy)).toEqual([0.91, 0.911, 0.912]);
    expect(data.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('returns the mean over runs by default, validation and test accuracy alike', () => {
    const r = readNasbench101TfRecord({ file: writeFixture() }).records.get(CELLS[2].hash)!;
    expect(r.valAccuracy).toBeCloseTo(0.921, 12);
    expect(r.testAccuracy).toBeCloseTo(0.916, 12);
    expect(r.trainingTimeS).toBeCloseTo(1001, 12);
  });

  it('keeps every epoch budget present, the top one being the headline value', () => {
    const r = readNasbench101TfRecord({ file: writeFixture() }).records.get(CELLS[0].hash)!;
    expect(r.valAccuracyByEpochs).toEqual({ 36: 0.8, 108: r.valAccuracy });
    expect(r.runsByEpochs[36]).toHaveLength(1);
  });

  it("with runs: 'random' returns one run's values, the same for the same seed", () => {
    const file = writeFixture();
    const pick = (seed: number): number[] =>
      [...readNasbench101TfRecord({ file, runs: 'random', rng: new Rng(seed) }).records.values()].map((r) => r.valAccuracy);
    const values = pick(7);
    CELLS.forEach((_, c) => expect([0, 1, 2].map((r) => 0.9 + c / 100 + r / 1000)).toContainEqual(values[c]));
    expect(pick(7)).toEqual(values);
  });

  it("with runs: 'random' draws per cell, independent of the order of cells in the file", () => {
    // Cells in reverse order, each cell's runs kept in their order (run i stays run i).
    const byCell = (c: number): Nasbench101TfEntry[] => entries().filter((e) => e.cell === CELLS[c]);
    const reordered = [...byCell(2), ...byCell(1), ...byCell(0)];
    const forward = readNasbench101TfRecord({ file: writeFixture(), runs: 'random', rng: new Rng(3) }).records;
    const backward = readNasbench101TfRecord({ file: writeFixture(reordered), runs: 'random', rng: new Rng(3) }).records;
    for (const cell of CELLS) expect(backward.get(cell.hash)!.valAccuracy).toBe(forward.get(cell.hash)!.valAccuracy);
  });

  it("with runs: 'random' picks different runs under different seeds", () => {
    const file = writeFixture();
    const seen = new Set<number>();
    for (let seed = 0; seed < 20; seed++) seen.add(readNasbench101TfRecord({ file, runs: 'random', rng: new Rng(seed) }).records.get(CELLS[0].hash)!.valAccuracy);
    expect(seen.size).toBe(3);
  });

  it("refuses runs: 'random' without an rng", () => {
    expect(() => readNasbench101TfRecord({ file: writeFixture(), runs: 'random' })).toThrow("runs: 'random' needs an rng");
  });

  it('decodes protobuf bytes written by hand, independent of protobufjs encoding', () => {
    // EvaluationData x3 (field 1, length-delimited) each with validation_accuracy (field 4,
    // double) = 0.5 and training_time (field 2) = 10; trainable_parameters (field 2, varint) = 300.
    const evalData = Buffer.concat([Buffer.from([0x11]), f64(10), Buffer.from([0x19]), f64(1), Buffer.from([0x21]), f64(0.5), Buffer.from([0x29]), f64(0.25)]);
    const one = Buffer.concat([Buffer.from([0x0a, evalData.length]), evalData]);
    const proto = Buffer.concat([one, one, one, Buffer.from([0x10, 0xac, 0x02])]);
    const cell = CELLS[0];
    const json = JSON.stringify([cell.hash, 108, cell.matrix.flat().join(''), cell.ops.join(','), proto.toString('base64')]);
    const file = join(tempDir(), 'hand.tfrecord');
    writeTfRecords(file, [Buffer.from(json)]);
    const r = readNasbench101TfRecord({ file }).records.get(cell.hash)!;
    expect([r.valAccuracy, r.testAccuracy, r.params, r.trainingTimeS]).toEqual([0.5, 0.25, 300, 10]);
  });

  it('throws on a flipped byte, naming the record and its byte offset', () => {
    const file = writeFixture();
    const bytes = readFileSync(file);
    const second = 16 + bytes.readUInt32LE(0); // offset of record 1: framing (16) + record 0's data
    bytes[second + 40] ^= 0x04;
    writeFileSync(file, bytes);
    expect(() => readNasbench101TfRecord({ file })).toThrow(DataFileError);
    expect(() => readNasbench101TfRecord({ file })).toThrow(`record 1 at byte ${second}: data CRC mismatch`);
  });
});

describe('readNasbench101TfRecord validation of record contents', () => {
  /** A file with one record whose JSON fields are `fields`. */
  function oneRecord(fields: unknown): string {
    const file = join(tempDir(), 'bad.tfrecord');
    writeTfRecords(file, [Buffer.from(JSON.stringify(fields))]);
    return file;
  }
  const good = (): unknown[] => {
    const e = entries()[0];
    const file = join(tempDir(), 'one.tfrecord');
    writeNasbench101TfRecord(file, [e]);
    return [e.hash, 108, CELLS[0].matrix.flat().join(''), CELLS[0].ops.join(','), readMetrics(file)];
  };

  it('accepts the well-formed base record', () => {
    expect(readNasbench101TfRecord({ file: oneRecord(good()) }).records.size).toBe(1);
  });

  it('rejects a record that is not a 5-field array', () => {
    expect(() => readNasbench101TfRecord({ file: oneRecord(good().slice(0, 4)) })).toThrow('record 0 at byte 0: expected a JSON array of 5 fields');
  });

  it('rejects an adjacency string that is not square', () => {
    const f = good();
    f[2] = (f[2] as string).slice(1);
    expect(() => readNasbench101TfRecord({ file: oneRecord(f) })).toThrow('raw_adjacency has 48 digits (expected a square number)');
  });

  it('rejects an unknown op', () => {
    const f = good();
    f[3] = (f[3] as string).replace('output', 'softmax');
    expect(() => readNasbench101TfRecord({ file: oneRecord(f) })).toThrow('unknown op "softmax"');
  });

  it('rejects metrics without the end-of-training evaluation', () => {
    const file = join(tempDir(), 'short.tfrecord');
    const m = metrics(0, 0, 108);
    writeNasbench101TfRecord(file, [{ epochs: 108, cell: CELLS[0], metrics: { ...m, evaluationData: m.evaluationData.slice(0, 2) } }]);
    expect(() => readNasbench101TfRecord({ file })).toThrow('evaluation_data has 2 entries (expected 3: start, halfway, end)');
  });

  it('rejects an end-of-training evaluation without validation accuracy instead of reading 0', () => {
    // proto2 optional fields decode to 0 when absent: the loader must notice the absence.
    const file = join(tempDir(), 'noval.tfrecord');
    const m = metrics(0, 0, 108);
    const { validationAccuracy: _dropped, ...end } = m.evaluationData[2];
    writeNasbench101TfRecord(file, [{ epochs: 108, cell: CELLS[0], metrics: { ...m, evaluationData: [m.evaluationData[0], m.evaluationData[1], end] } }]);
    expect(() => readNasbench101TfRecord({ file })).toThrow('evaluation_data[2].validationAccuracy is undefined (expected an accuracy in [0, 1])');
  });

  it('rejects two records of one hash with different graphs', () => {
    const file = join(tempDir(), 'clash.tfrecord');
    writeNasbench101TfRecord(file, [
      { epochs: 108, cell: CELLS[0], metrics: metrics(0, 0, 108) },
      { hash: CELLS[0].hash, epochs: 108, cell: CELLS[1], metrics: metrics(0, 1, 108) },
    ]);
    expect(() => readNasbench101TfRecord({ file })).toThrow(`record 1 at byte`);
  });
});

/** Little-endian float64 bytes, as protobuf's `double` wire type stores them. */
function f64(x: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return b;
}

/** The base64 metrics field of the first record of a file written by the writer. */
function readMetrics(file: string): string {
  const bytes = readFileSync(file);
  const length = bytes.readUInt32LE(0);
  return JSON.parse(bytes.subarray(12, 12 + length).toString())[4];
}
