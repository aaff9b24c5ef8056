// Tests for cli/notebook-params.ts: finding, parsing and overriding a notebook's parameters cell.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotebookJson, cellSource, checkParameterValue, findParametersCell, injectParameters, parameterRule, parseDeclarations, renderValue } from '../../cli/notebook-params';

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

describe('checkParameterValue', () => {
  const declare = (line: string) => parseDeclarations(line)[0];

  it('takes the type from the annotation, else from the default literal', () => {
    expect(parameterRule(declare('const n: number = 3;')).kind).toBe('number');
    expect(parameterRule(declare('let seed = 0;')).kind).toBe('number');
    expect(parameterRule(declare('const s: Scale = "smoke";')).kind).toBe('string');
    expect(parameterRule(declare('const b: number[] = [1, 2];')).kind).toBe('number[]');
    expect(parameterRule(declare('const c = makeConfig();')).kind).toBe(null);
  });

  it('reads the [domain] at the start of the comment: integer or number with bounds, or a choice of strings', () => {
    expect(parameterRule(declare('const seeds: number = 20; // [integer ≥ 1] seeds per configuration'))).toEqual({ kind: 'number', integer: true, bounds: [['≥', 1]], choices: null });
    expect(parameterRule(declare('const f: number = 0.5; // [number ≥ 0, < 1]'))).toMatchObject({ integer: false, bounds: [['≥', 0], ['<', 1]] });
    expect(parameterRule(declare('const e: string = "frozen"; // ["frozen" | "fine-tuned"] which controller'))).toMatchObject({ choices: ['frozen', 'fine-tuned'] });
    expect(() => parameterRule(declare('const x: number = 1; // [integer ≥ one]'))).toThrow("parameter 'x': bound '≥ one' in [integer ≥ one] must be ≥, >, ≤ or < and a number");
    expect(() => parameterRule(declare('const x: number = 1; // [count ≥ 1]'))).toThrow("parameter 'x': domain [count ≥ 1] must start with integer or number");
  });

  it('names the parameter, the value and what it must be', () => {
    const seeds = declare('const seeds: number = 20; // [integer ≥ 1] seeds');
    for (const raw of ['1.5', '0', '-1', 'abc', '"3"', '1e400']) expect(() => checkParameterValue(seeds, raw)).toThrow(`parameter 'seeds' must be an integer ≥ 1: got ${JSON.stringify(raw)}`);
    expect(() => checkParameterValue(seeds, '3')).not.toThrow();
    const betas = declare('const betas: number[] = [0, 1]; // [number ≥ 0] β values');
    expect(() => checkParameterValue(betas, '[0, -1]')).toThrow(`parameter 'betas' must be a JSON array of numbers, each number ≥ 0: got "[0, -1]"`);
    expect(() => checkParameterValue(betas, '2')).toThrow(/parameter 'betas' must be a JSON array of numbers/);
    expect(() => checkParameterValue(declare('const cache: boolean = true;'), 'yes')).toThrow(`parameter 'cache' must be true or false: got "yes"`);
    expect(() => checkParameterValue(declare('const e: string = "frozen"; // ["frozen" | "fine-tuned"]'), 'tuned')).toThrow(`parameter 'e' must be one of "frozen", "fine-tuned": got "tuned"`);
  });

  it('is what injectParameters applies', () => {
    expect(() => injectParameters(notebook('const scale = "smoke";\nconst n: number = 1; // [integer ≥ 1]'), { n: '0' })).toThrow(`parameter 'n' must be an integer ≥ 1: got "0"`);
  });

  it('accepts every notebook\'s own defaults (each domain parses and holds its default)', () => {
    const dir = join(__dirname, '..', '..', 'notebooks');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ipynb'));
    expect(files.length).toBeGreaterThanOrEqual(12);
    let checked = 0;
    for (const file of files) {
      const nb = JSON.parse(readFileSync(join(dir, file), 'utf8')) as NotebookJson;
      for (const d of parseDeclarations(cellSource(nb.cells[findParametersCell(nb)]))) {
        if (d.value === null) continue;
        expect(() => checkParameterValue(d, d.value!), `${file}: ${d.name}`).not.toThrow();
        if (parameterRule(d).integer || parameterRule(d).choices !== null) checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30);
  });
});
