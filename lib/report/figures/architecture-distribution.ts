// Plotly heat map of gradient-based NAS's architecture distribution over training: one row per edge
// and operation, one column per recorded step, colour = softmax(α) (the diagnostic that shows a
// collapse onto parameter-free operations as it happens). Pure: numbers in, figure JSON out.
import type { PlotlyFigure } from '../png';

/** Input of `architectureDistributionFigure`. */
export interface ArchitectureDistributionInput {
  /** Edge labels, e.g. "0→1". */
  readonly edges: readonly string[];
  /** Operation names, index = choice. */
  readonly ops: readonly string[];
  /** Recorded steps, increasing. */
  readonly steps: readonly number[];
  /** probabilities[t][e][k]: softmax(α) of edge e at steps[t]. */
  readonly probabilities: readonly (readonly (readonly number[])[])[];
  /** Mean entropy per edge at each step (nats), shown on hover; optional. */
  readonly entropyNats?: readonly number[];
  readonly title?: string;
}

/**
 * Rows "edge · op" grouped by edge (first edge at the top), columns the recorded steps, colour the
 * probability on a fixed 0–1 scale so runs compare at a glance.
 * @throws RangeError for no steps, steps not increasing, or a probability table of another shape or
 *   with a value outside [0, 1].
 */
export function architectureDistributionFigure(input: ArchitectureDistributionInput): PlotlyFigure {
  const { edges, ops, steps, probabilities } = input;
  if (steps.length === 0) throw new RangeError('architecture distribution figure needs at least one recorded step');
  steps.forEach((s, t) => {
    if (t > 0 && !(s > steps[t - 1])) throw new RangeError(`recorded steps must increase: step ${s} follows ${steps[t - 1]}`);
  });
  if (probabilities.length !== steps.length) throw new RangeError(`probabilities for ${probabilities.length} steps, but ${steps.length} steps`);
  probabilities.forEach((table, t) => {
    if (table.length !== edges.length) throw new RangeError(`step ${steps[t]}: ${table.length} edges, expected ${edges.length}`);
    table.forEach((row, e) => {
      if (row.length !== ops.length) throw new RangeError(`step ${steps[t]}, edge ${edges[e]}: ${row.length} operations, expected ${ops.length}`);
      row.forEach((p, k) => {
        if (!(p >= 0 && p <= 1)) throw new RangeError(`step ${steps[t]}, edge ${edges[e]}, ${ops[k]}: probability ${p} is outside [0, 1]`);
      });
    });
  });
  const labels = edges.flatMap((e) => ops.map((op) => `${e} · ${op}`));
  // z[row][column]: rows in label order, columns in step order.
  const z = labels.map((_, row) => steps.map((__, t) => probabilities[t][Math.floor(row / ops.length)][row % ops.length]));
  const hover = input.entropyNats === undefined ? '' : '<br>mean entropy %{customdata:.3f} nats';
  const customdata = input.entropyNats === undefined ? undefined : labels.map(() => [...input.entropyNats!]);
  return {
    data: [{ type: 'heatmap', x: [...steps], y: labels, z, zmin: 0, zmax: 1, colorscale: 'Viridis', colorbar: { title: { text: 'p(op)' } }, customdata,
      hovertemplate: `%{y}<br>step %{x}<br>p %{z:.3f}${hover}<extra></extra>` }],
    layout: {
      title: { text: input.title ?? 'Architecture distribution over training (softmax of α per edge)' },
      xaxis: { title: { text: 'step' } },
      yaxis: { autorange: 'reversed', tickfont: { size: 9 } },
      height: Math.max(360, 14 * labels.length + 120),
      margin: { l: 190 },
    },
  };
}
