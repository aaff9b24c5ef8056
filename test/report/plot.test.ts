// Tests for lib/report/plot.ts (the figure's HTML) and lib/report/png.ts (the PNG fallback).
// showFigure itself needs a tslab kernel: test/cli/run-notebooks.test.ts covers it end to end.
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { figureHtml, PlotlyFigure } from '../../lib/report/plot';
import { closePngRenderer, pngSize, renderPng } from '../../lib/report/png';

/** Round every number so snapshots do not depend on the last bits of floating point. */
function rounded<T>(value: T, digits = 4): T {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'number' ? Number(v.toFixed(digits)) : v)));
}

/** A small seeded scatter: the shape of the figures the notebooks show. */
function scatter(seed: number): PlotlyFigure {
  const rng = new Rng(seed);
  const x = [0, 1, 2];
  return rounded({ data: [{ x, y: x.map(() => rng.uniform()), type: 'scatter', mode: 'markers' }], layout: { title: { text: 'val acc' } } });
}

const STUB_JS = '/* plotly stub */ window.Plotly = {};';

afterAll(() => closePngRenderer());

describe('figureHtml', () => {
  it('renders the PNG fallback, the library once and the plot script (snapshot)', () => {
    const html = figureHtml(scatter(1), { includePlotlyJs: true, pngBase64: 'iVBORw0K', divId: 'fig-1', plotlyJs: STUB_JS });
    expect(html).toMatchSnapshot();
  });

  it('is deterministic: same figure and options give the same HTML', () => {
    const options = { includePlotlyJs: false, pngBase64: 'AAAA', divId: 'fig-2' };
    expect(figureHtml(scatter(7), options)).toBe(figureHtml(scatter(7), options));
  });

  it('leaves the library out when asked, so later figures reuse window.Plotly', () => {
    const html = figureHtml(scatter(1), { includePlotlyJs: false, pngBase64: null, divId: 'fig-3', plotlyJs: STUB_JS });
    expect(html).not.toContain('plotly stub');
    expect(html).toContain('window.Plotly.newPlot');
  });

  it('inlines the installed plotly.js by default', () => {
    const html = figureHtml(scatter(1), { includePlotlyJs: true, pngBase64: null, divId: 'fig-4' });
    expect(html).toContain('plotly.js v3.1.2');
  });

  it('omits the <img> when there is no PNG', () => {
    expect(figureHtml(scatter(1), { includePlotlyJs: false, pngBase64: null, divId: 'fig-5' })).not.toContain('<img');
  });

  it('escapes "</script>" inside figure data so the page cannot be broken by a label', () => {
    // A trace name is user data; unescaped it would end the <script> early.
    const figure: PlotlyFigure = { data: [{ y: [1], name: '</script><b>x' }] };
    const html = figureHtml(figure, { includePlotlyJs: false, pngBase64: null, divId: 'fig-6' });
    expect(html).not.toContain('</script><b>');
    expect(html).toContain('\\u003c/script>\\u003cb>x');
  });

  it('throws on a div id that is not a plain HTML id', () => {
    expect(() => figureHtml(scatter(1), { includePlotlyJs: false, pngBase64: null, divId: 'a"b' })).toThrow(/divId must be a plain HTML id: got 'a"b'/);
  });

  it('throws when the inlined library would close its own <script>', () => {
    const options = { includePlotlyJs: true, pngBase64: null, divId: 'fig-7', plotlyJs: 'x = "</script>";' };
    expect(() => figureHtml(scatter(1), options)).toThrow(/cannot be inlined/);
  });
});

describe('pngSize', () => {
  it("falls back from options to the layout to Plotly's 700 x 450", () => {
    expect(pngSize({ data: [] })).toEqual({ width: 700, height: 450, scale: 1 });
    expect(pngSize({ data: [], layout: { width: 300 } }, { height: 200 })).toEqual({ width: 300, height: 200, scale: 1 });
  });

  it('throws on a non-positive size', () => {
    expect(() => pngSize({ data: [] }, { width: 0 })).toThrow(/PNG width must be a positive number: got 0/);
  });
});

describe('renderPng', () => {
  it('renders a PNG of width x height x scale pixels in headless Chromium', async () => {
    const png = await renderPng(scatter(1), { width: 320, height: 200, scale: 2 });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height are big-endian uint32 at bytes 16 and 20.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 400]);
  }, 30_000);
});
