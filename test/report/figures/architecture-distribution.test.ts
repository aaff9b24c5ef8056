import { describe, expect, it } from 'vitest';
import { architectureDistributionFigure, type ArchitectureDistributionInput } from '../../../lib/report/figures/architecture-distribution';

// Two edges, three operations, three recorded steps: edge 1 collapses onto op "skip".
const INPUT: ArchitectureDistributionInput = {
  edges: ['0→1', '1→2'],
  ops: ['none', 'skip', 'conv'],
  steps: [1, 50, 100],
  probabilities: [
    [[0.3, 0.3, 0.4], [0.33, 0.34, 0.33]],
    [[0.2, 0.3, 0.5], [0.1, 0.8, 0.1]],
    [[0.1, 0.2, 0.7], [0.0, 1.0, 0.0]],
  ],
  entropyNats: [1.09, 0.8, 0.4],
};

type Heatmap = { type: string; x: number[]; y: string[]; z: number[][]; zmin: number; zmax: number; customdata?: number[][] };

describe('architectureDistributionFigure', () => {
  const f = architectureDistributionFigure(INPUT);
  const [map] = f.data as Heatmap[];

  it('draws one row per edge and operation and one column per step, probabilities on a fixed 0–1 scale', () => {
    expect(map.type).toBe('heatmap');
    expect(map.x).toEqual([1, 50, 100]);
    expect(map.y).toEqual(['0→1 · none', '0→1 · skip', '0→1 · conv', '1→2 · none', '1→2 · skip', '1→2 · conv']);
    expect(map.z[4]).toEqual([0.34, 0.8, 1.0]);
    expect(map.z[2]).toEqual([0.4, 0.5, 0.7]);
    expect([map.zmin, map.zmax]).toEqual([0, 1]);
    expect(map.customdata![0]).toEqual([1.09, 0.8, 0.4]);
  });

  it('refuses no steps, steps that do not increase, tables of another shape and values outside [0, 1]', () => {
    expect(() => architectureDistributionFigure({ ...INPUT, steps: [], probabilities: [] })).toThrow('needs at least one recorded step');
    expect(() => architectureDistributionFigure({ ...INPUT, steps: [1, 50, 50] })).toThrow('recorded steps must increase: step 50 follows 50');
    expect(() => architectureDistributionFigure({ ...INPUT, probabilities: INPUT.probabilities.slice(1) })).toThrow('probabilities for 2 steps, but 3 steps');
    expect(() => architectureDistributionFigure({ ...INPUT, probabilities: [INPUT.probabilities[0], [[0.5, 0.5]], INPUT.probabilities[2]] })).toThrow('step 50: 1 edges, expected 2');
    expect(() => architectureDistributionFigure({ ...INPUT, probabilities: [INPUT.probabilities[0], INPUT.probabilities[1], [[0.1, 0.2, 0.7], [0, 1.2, 0]]] })).toThrow('step 100, edge 1→2, skip: probability 1.2 is outside [0, 1]');
  });
});
