// Names of Plotly subplot axes (xaxis, xaxis2, … in the layout; x, x2, … in traces and refs), shared
// by the figure builders that lay out panels by hand. Names only: no domains, no figures.

/** Layout key of axis k (1-based): `xaxis`, `xaxis2`, … */
export function axisName(letter: 'x' | 'y', k: number): string {
  return `${letter}axis${k === 1 ? '' : k}`;
}

/** Reference to axis k (1-based) in traces, annotations and shapes: `x`, `x2`, … */
export function axisRef(letter: 'x' | 'y', k: number): string {
  return `${letter}${k === 1 ? '' : k}`;
}
