// Papermill-style parameters for tslab notebooks: find the cell tagged `parameters`, read its
// declarations, and rewrite the values the runner overrides. Pure: it must not read files or run code.

/** The tag that marks a notebook's parameters cell (Papermill's convention). */
export const PARAMETERS_TAG = 'parameters';

/** The part of a notebook (nbformat 4) this module reads and writes. */
export interface NotebookJson {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** One nbformat 4 cell; `source` is a string or a list of lines. */
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  id?: string;
  outputs?: unknown[];
  execution_count?: number | null;
}

/** A declaration in the parameters cell. */
export interface ParameterDeclaration {
  name: string;
  /** Line number inside the cell (0-based). */
  line: number;
  /** The initializer as written, or null when it spans several lines (then it cannot be overridden). */
  value: string | null;
  /** Everything before ` = `: keyword, name and type annotation, kept when the value is replaced. */
  head: string;
  /** A trailing `// comment` without its slashes, or ''. */
  comment: string;
}

// `const name: Type = value; // comment` on one line; the value runs to the last `;` before an optional comment.
const DECLARATION = /^(\s*(?:export\s+)?(?:const|let|var)\s+)([A-Za-z_$][\w$]*)(\s*:[^=]+?)?\s*=\s*(.*)$/;
const SINGLE_LINE_VALUE = /^(.*);\s*(\/\/.*)?$/;

/** A cell's source as one string. */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/**
 * Index of the cell tagged `parameters`.
 * @throws Error when no cell or more than one cell carries the tag.
 */
export function findParametersCell(notebook: NotebookJson): number {
  const indices = notebook.cells.flatMap((cell, i) => (cell.metadata?.tags?.includes(PARAMETERS_TAG) ? [i] : []));
  if (indices.length === 0) throw new Error(`no cell is tagged '${PARAMETERS_TAG}'`);
  if (indices.length > 1) throw new Error(`${indices.length} cells are tagged '${PARAMETERS_TAG}' (cells ${indices.map((i) => i + 1).join(', ')}; max 1)`);
  return indices[0];
}

/** The top-level `const`/`let`/`var` declarations of a parameters cell's source, in order. */
export function parseDeclarations(source: string): ParameterDeclaration[] {
  const declarations: ParameterDeclaration[] = [];
  source.split('\n').forEach((text, line) => {
    const match = DECLARATION.exec(text);
    if (match === null) return;
    const single = SINGLE_LINE_VALUE.exec(match[4]);
    declarations.push({
      name: match[2], line, value: single === null ? null : single[1].trim(),
      head: `${match[1]}${match[2]}${match[3] ?? ''}`, comment: single?.[2]?.slice(2).trim() ?? '',
    });
  });
  return declarations;
}

/**
 * TypeScript literal for a command-line value: JSON stays as it is (`3`, `true`, `[1,2]`, `"a"`),
 * anything else becomes a string (`smoke` → `"smoke"`).
 */
export function renderValue(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw));
  } catch {
    return JSON.stringify(raw);
  }
}

/**
 * A copy of the notebook whose parameters cell assigns the overridden values (each replaced line is
 * marked `// injected by run-notebooks`). Declare parameters one per line, ending in `;`, with a
 * type annotation where a literal type would be too narrow (`const scale: Scale = "smoke";`).
 * @param overrides Parameter name → raw command-line value (see renderValue).
 * @throws Error when there is no single parameters cell, a parameter is not declared there (the
 *   message lists the declared ones), or a declaration spans several lines.
 */
export function injectParameters(notebook: NotebookJson, overrides: Record<string, string>): NotebookJson {
  const index = findParametersCell(notebook);
  const lines = cellSource(notebook.cells[index]).split('\n');
  const declarations = parseDeclarations(lines.join('\n'));
  for (const [name, raw] of Object.entries(overrides)) {
    const found = declarations.find((d) => d.name === name);
    if (found === undefined) {
      const declared = declarations.map((d) => d.name).join(', ') || 'none';
      throw new Error(`parameter '${name}' is not declared in the parameters cell (declared: ${declared})`);
    }
    if (found.value === null) throw new Error(`parameter '${name}' spans several lines: only one-line declarations ending in ';' can be overridden`);
    const note = `injected by run-notebooks (was ${found.value})${found.comment ? `; ${found.comment}` : ''}`;
    lines[found.line] = `${found.head} = ${renderValue(raw)}; // ${note}`;
  }
  const cells = notebook.cells.map((cell, i) => (i === index ? { ...cell, source: lines.join('\n') } : cell));
  return { ...notebook, cells };
}
