// Tests of the NAS-Bench-201 cost model: hand-counted params/FLOPs of literal cells, and the
// acceptance check that networkParams equals the table's params for every row of all three tables.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nb201Cell, parseNb201Cell, type Nb201Op } from '../../../lib/spaces/nasbench201/cell';
import { NB201_DATASETS, networkFlopsM, networkParams, type Nb201Dataset } from '../../../lib/spaces/nasbench201/cost';
import { REAL_DATASETS } from '../../real-data';

const all = (op: Nb201Op) => nb201Cell(new Array<string>(6).fill(op));
const ALL_NONE = all('none');
const ALL_CONV3 = all('nor_conv_3x3');
const DATASETS = Object.keys(NB201_DATASETS) as Nb201Dataset[];

describe('networkParams', () => {
  it('counts 73,306 params for the all-none cell on CIFAR-10 (no edge has weights)', () => {
    // stem conv 3×3 3→16 + BN:                 9·3·16 + 2·16                          =    464
    // reduction 16→32: 9·16·32+64 + 9·32·32+64 + 1×1 shortcut 16·32 = 4672 + 9280 + 512 = 14,464
    // reduction 32→64: 9·32·64+128 + 9·64·64+128 + 32·64 = 18560 + 36992 + 2048         = 57,600
    // final BN 2·64                                                                      =    128
    // classifier 64·10 + 10                                                              =    650
    expect(networkParams(ALL_NONE, 'cifar10')).toBe(464 + 14_464 + 57_600 + 128 + 650);
    expect(networkParams(ALL_NONE, 'cifar10')).toBe(73_306);
  });

  it('adds 15 copies of each conv edge: 9·C²+2C (3×3) or C²+2C (1×1) per cell, C = 16, 32, 64', () => {
    // One 3×3 edge: 5·(9·256+32) + 5·(9·1024+64) + 5·(9·4096+128) = 11,680 + 46,400 + 184,960.
    const oneConv3 = nb201Cell(['nor_conv_3x3', 'none', 'none', 'none', 'none', 'none']);
    expect(networkParams(oneConv3, 'cifar10') - networkParams(ALL_NONE, 'cifar10')).toBe(11_680 + 46_400 + 184_960);
    // One 1×1 edge: 5·(256+32) + 5·(1024+64) + 5·(4096+128) = 1,440 + 5,440 + 21,120.
    const oneConv1 = nb201Cell(['none', 'none', 'none', 'none', 'none', 'nor_conv_1x1']);
    expect(networkParams(oneConv1, 'cifar10') - networkParams(ALL_NONE, 'cifar10')).toBe(1_440 + 5_440 + 21_120);
  });

  it('gives pooling and skip edges no params', () => {
    expect(networkParams(all('avg_pool_3x3'), 'cifar10')).toBe(73_306);
    expect(networkParams(all('skip_connect'), 'cifar10')).toBe(73_306);
  });

  it('differs between data sets only by the classifier (64·classes + classes)', () => {
    // CIFAR-100: 64·100+100 = 6,500 vs 650 → +5,850; ImageNet16-120: 64·120+120 = 7,800 → +7,150.
    // Conv weights do not depend on the image size, so ImageNet16-120 changes nothing else.
    for (const cell of [ALL_NONE, ALL_CONV3]) {
      expect(networkParams(cell, 'cifar100') - networkParams(cell, 'cifar10')).toBe(5_850);
      expect(networkParams(cell, 'imagenet16-120') - networkParams(cell, 'cifar10')).toBe(7_150);
    }
  });
});

describe('networkFlopsM', () => {
  it('gives 220.11968 M for the all-3×3 cell on CIFAR-10, NAS-Bench-201 largest FLOPs', () => {
    // stem: 9·3·16·32² = 442,368
    // each stage: 6 edges · 5 cells · 9·C²·h² with (C, h) = (16, 32), (32, 16), (64, 8): 70,778,880 each
    // reductions (out 16² and 8²): (9·16·32 + 9·32·32 + 16·32)·256 = (9·32·64 + 9·64·64 + 32·64)·64 = 3,670,016 each
    // classifier: 64·10 = 640
    const macs = 442_368 + 3 * 70_778_880 + 2 * 3_670_016 + 640;
    expect(macs).toBe(220_119_680);
    expect(networkFlopsM(ALL_CONV3, 'cifar10')).toBeCloseTo(220.11968, 9);
  });

  it('gives ImageNet16-120 (16×16 input) a quarter of the conv MACs, plus its 120-class classifier', () => {
    // conv MACs 220,119,040 / 4 = 55,029,760; classifier 64·120 = 7,680.
    expect(networkFlopsM(ALL_CONV3, 'imagenet16-120')).toBeCloseTo((220_119_040 / 4 + 7_680) / 1e6, 9);
    expect(networkFlopsM(ALL_CONV3, 'imagenet16-120')).toBeCloseTo(55.03744, 9);
  });

  it('gives CIFAR-100 the CIFAR-10 FLOPs plus 64·90 classifier MACs', () => {
    expect(networkFlopsM(ALL_CONV3, 'cifar100') - networkFlopsM(ALL_CONV3, 'cifar10')).toBeCloseTo((64 * 90) / 1e6, 12);
  });

  it('gives the all-none cell only the stem, reductions and classifier', () => {
    // 442,368 + 2 · 3,670,016 + 640 = 7,783,040.
    expect(networkFlopsM(ALL_NONE, 'cifar10')).toBeCloseTo(7.78304, 9);
  });
});

describe('networkParams against the real tables', () => {
  // The acceptance check of the cost model: every row of every table, exact.
  for (const dataset of DATASETS) {
    it(`equals the params column for all 15,625 rows of ${dataset}.csv`, () => {
      const lines = readFileSync(join(REAL_DATASETS, 'nasbench201', `${dataset}.csv`), 'utf8').trim().split('\n').slice(1);
      let matches = 0;
      const mismatches: string[] = [];
      for (const line of lines) {
        // The arch string has no commas, so a plain split is exact for this file.
        const [, arch, params] = line.split(',');
        const got = networkParams(parseNb201Cell(arch), dataset);
        if (got === Number(params)) matches++;
        else if (mismatches.length < 3) mismatches.push(`${arch}: table ${params}, computed ${got}`);
      }
      expect(mismatches).toEqual([]);
      expect(matches).toBe(15_625);
    });
  }
});
