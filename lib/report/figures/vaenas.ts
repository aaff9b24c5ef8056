// Plotly figure for VAENAS Fig 2: accuracy distributions of sampled cells (VAE vs uniform), one panel
// per noise level. Pure: bins in (from analysis/stats `histogram`), figure JSON out; nothing is sampled here.
import type { PlotlyFigure } from '../png';
import { axisName, axisRef } from './subplot-axes';

/** One distribution in a panel: histogram bins of accuracies (fractions of 1). */
export interface DistributionTrace {
  readonly name: string;
  /** Bin edges, length bins + 1 (the same for every trace of a figure, so bars line up). */
  readonly edges: readonly number[];
  /** Samples per bin, length bins. */
  readonly counts: readonly number[];
  /** Samples the shares are of (default: the sum of counts); pass all samples when some fell outside the bins. */
  readonly total?: number;
  readonly color: string;
}

/** One panel of the figure (e.g. one noise level). */
export interface DistributionPanel {
  readonly title: string;
  readonly traces: readonly DistributionTrace[];
}

/**
 * VAENAS Fig 2: per panel, overlaid histograms of validation accuracy, each trace as the fraction of
 * its own samples per bin (`total`, so samplers with different sample counts compare); panels side by side,
 * sharing the y range; a trace name appears once in the legend.
 * @throws RangeError for no panels, a panel without traces, or counts that do not match the edges.
 */
export function samplingDistributionFigure(panels: readonly DistributionPanel[], title: string): PlotlyFigure {
  if (panels.length === 0) throw new RangeError('samplingDistributionFigure needs at least one panel');
  const data: object[] = [];
  const layout: Record<string, unknown> = {};
  const seen = new Set<string>();
  const gap = 0.04;
  const width = (1 - gap * (panels.length - 1)) / panels.length;
  const annotations: object[] = [];
  panels.forEach((panel, p) => {
    if (panel.traces.length === 0) throw new RangeError(`panel ${p} ('${panel.title}') has no traces`);
    const axis = p + 1;
    const x0 = p * (width + gap);
    layout[axisName('x', axis)] = { domain: [x0, x0 + width], anchor: axisRef('y', axis), tickformat: '.1%', title: { text: 'validation accuracy' } };
    layout[axisName('y', axis)] = { anchor: axisRef('x', axis), matches: p === 0 ? undefined : 'y', tickformat: '.0%', title: { text: p === 0 ? 'share of samples per bin' : '' } };
    annotations.push({ text: panel.title, xref: 'paper', yref: 'paper', x: x0 + width / 2, y: 1.02, xanchor: 'center', yanchor: 'bottom', showarrow: false });
    for (const trace of panel.traces) {
      if (trace.edges.length !== trace.counts.length + 1) {
        throw new RangeError(`trace '${trace.name}' in panel ${p}: ${trace.counts.length} counts need ${trace.counts.length + 1} edges: got ${trace.edges.length}`);
      }
      const total = trace.total ?? trace.counts.reduce((s, c) => s + c, 0);
      data.push({
        type: 'bar', name: trace.name, legendgroup: trace.name, showlegend: !seen.has(trace.name),
        xaxis: axisRef('x', axis), yaxis: axisRef('y', axis),
        x: trace.counts.map((_, i) => (trace.edges[i] + trace.edges[i + 1]) / 2),
        y: trace.counts.map((c) => (total > 0 ? c / total : 0)),
        width: trace.edges[1] - trace.edges[0],
        marker: { color: trace.color, opacity: 0.55 },
      });
      seen.add(trace.name);
    }
  });
  return {
    data,
    layout: { ...layout, title: { text: title }, barmode: 'overlay', bargap: 0, annotations, legend: { orientation: 'h', y: -0.2 }, width: 360 * panels.length + 80, height: 420 },
  };
}
