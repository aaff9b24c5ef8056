// Tests for cli/notebook-params.ts: finding, parsing and overriding a notebook's parameters cell.
import { describe, expect, it } from 'vitest';
import { NotebookJson, cellSource, findParametersCell, injectParameters, parseDeclarations, renderValue } from '../../cli/notebook-params';

/** A notebook with a markdown cell, the given parameters cell source, and one code cell. */
function notebook(parameters: string, tags: string[] = ['parameters']): NotebookJson {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', source: '# title', metadata: {} },
      { cell_type: 'code', source: parameters, metadata: { tags }, outputs: [], execution_count: null },
      { cell_type: 'code', source: 'console.log(scale);', metadata: {}, outputs: [], execution_count: null },
    ],
  };
}

const PARAMS = ['const scale: Scale = "smoke";', 'let seed = 0; // DNAS §Experiments', 'const config = {', '  beta: 0.005,', '};'].join('\n');

describe('parseDeclarations', () => {
  it('finds one-line declarations with their values and comments', () => {
    const [scale, seed] = parseDeclarations(PARAMS);
    expect(scale).toMatchObject({ name: 'scale', line: 0, value: '"smoke"', head: 'const scale: Scale', comment: '' });
    expect(seed).toMatchObject({ name: 'seed', line: 1, value: '0', comment: 'DNAS §Experiments' });
  });

  it('marks a declaration spanning several lines as not overridable (value null)', () => {
    expect(parseDeclarations(PARAMS)[2]).toMatchObject({ name: 'config', value: null });
  });

  it("keeps a ';' inside a string as part of the value", () => {
    // The value ends at the last ';' before an optional comment, not at the first one.
    expect(parseDeclarations('const s = "a;b"; // c; d')[0].value).toBe('"a;b"');
  });
});

describe('renderValue', () => {
  it('keeps JSON literals and quotes everything else as a string', () => {
    expect(['3', '0.5', 'true', '[1,2]', '"x"', 'smoke', '007'].map(renderValue)).toEqual(['3', '0.5', 'true', '[1,2]', '"x"', '"smoke"', '"007"']);
  });
});

describe('findParametersCell', () => {
  it('returns the index of the tagged cell', () => {
    expect(findParametersCell(notebook(PARAMS))).toBe(1);
  });

  it('throws when no cell is tagged', () => {
    expect(() => findParametersCell(notebook(PARAMS, []))).toThrow(/no cell is tagged 'parameters'/);
  });

  it('throws when two cells are tagged', () => {
    const nb = notebook(PARAMS);
    nb.cells[2].metadata.tags = ['parameters'];
    expect(() => findParametersCell(nb)).toThrow(/2 cells are tagged 'parameters' \(cells 2, 3; max 1\)/);
  });
});

describe('injectParameters', () => {
  it('replaces the values, keeps types and comments, and marks the lines', () => {
    const out = injectParameters(notebook(PARAMS), { scale: 'full', seed: '42' });
    expect(cellSource(out.cells[1]).split('\n').slice(0, 2)).toEqual([
      'const scale: Scale = "full"; // injected by run-notebooks (was "smoke")',
      'let seed = 42; // injected by run-notebooks (was 0); DNAS §Experiments',
    ]);
  });

  it('leaves the input notebook and the other cells untouched', () => {
    const input = notebook(PARAMS);
    const out = injectParameters(input, { scale: 'full' });
    expect(cellSource(input.cells[1])).toBe(PARAMS);
    expect(out.cells[2]).toBe(input.cells[2]);
  });

  it('accepts source stored as a list of lines (nbformat on disk)', () => {
    const nb = notebook('');
    nb.cells[1].source = ['const scale = "smoke";\n', 'const n = 1;'];
    expect(cellSource(injectParameters(nb, { n: '2' }).cells[1])).toContain('const n = 2;');
  });

  it('throws on an undeclared parameter, naming it and the declared ones', () => {
    expect(() => injectParameters(notebook(PARAMS), { sede: '1' })).toThrow(
      "parameter 'sede' is not declared in the parameters cell (declared: scale, seed, config)",
    );
  });

  it('throws when the parameter spans several lines', () => {
    expect(() => injectParameters(notebook(PARAMS), { config: '{}' })).toThrow(/parameter 'config' spans several lines/);
  });
});
