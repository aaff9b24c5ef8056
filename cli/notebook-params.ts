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
  /** The type annotation without its colon (`number`, `string[]`, `Scale`), or null. */
  type: string | null;
}

/**
 * What an override must be: a JSON type, and a domain the comment may declare in square brackets
 * at its start — `[integer ≥ 1]`, `[number > 0]`, `[number ≥ 0, ≤ 1]` (for `number[]`, each
 * element), or `["frozen" | "fine-tuned"]` — so a bad value fails before any kernel starts.
 */
export interface ParameterRule {
  readonly kind: 'number' | 'boolean' | 'string' | 'number[]' | 'string[]' | null;
  readonly integer: boolean;
  /** Bounds as [operator, limit] pairs, e.g. [['≥', 1]]. */
  readonly bounds: readonly (readonly ['≥' | '>' | '≤' | '<', number])[];
  /** Allowed strings, or null for any. */
  readonly choices: readonly string[] | null;
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
      type: match[3] === undefined ? null : match[3].replace(/^\s*:/, '').trim(),
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

const KINDS = ['number', 'boolean', 'string', 'number[]', 'string[]'] as const;
const BOUND = /^(≥|>|≤|<)\s*(-?\d+(?:\.\d+)?)$/;

/**
 * The rule of a declaration: its annotated type (or the type of its default literal), and the
 * domain in square brackets at the start of its comment (see ParameterRule).
 * @throws Error naming the parameter when the bracketed domain does not parse.
 */
export function parameterRule(declaration: ParameterDeclaration): ParameterRule {
  const annotated = (KINDS as readonly string[]).includes(declaration.type ?? '') ? (declaration.type as ParameterRule['kind']) : null;
  const kind = annotated ?? literalKind(declaration.value);
  const domain = /^\[(.*)\](?:\s|$)/.exec(declaration.comment)?.[1]?.trim();
  if (domain === undefined) return { kind, integer: false, bounds: [], choices: null };
  if (domain.startsWith('"')) {
    const choices = domain.split('|').map((c) => c.trim());
    if (!choices.every((c) => /^"[^"]*"$/.test(c))) throw new Error(`parameter '${declaration.name}': domain [${domain}] must be "a" | "b" | …`);
    return { kind, integer: false, bounds: [], choices: choices.map((c) => c.slice(1, -1)) };
  }
  const [type, ...clauses] = domain.split(/\s+(?=[≥>≤<])|,\s*/).map((c) => c.trim()).filter(Boolean);
  if (type !== 'integer' && type !== 'number') throw new Error(`parameter '${declaration.name}': domain [${domain}] must start with integer or number`);
  const bounds = clauses.map((clause) => {
    const m = BOUND.exec(clause);
    if (m === null) throw new Error(`parameter '${declaration.name}': bound '${clause}' in [${domain}] must be ≥, >, ≤ or < and a number`);
    return [m[1] as '≥' | '>' | '≤' | '<', Number(m[2])] as const;
  });
  return { kind, integer: type === 'integer', bounds, choices: null };
}

function literalKind(value: string | null): ParameterRule['kind'] {
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'number' || typeof parsed === 'boolean' || typeof parsed === 'string') return typeof parsed as 'number' | 'boolean' | 'string';
  } catch {
    // not a JSON literal (an expression): no type to check against
  }
  return null;
}

/**
 * Check a command-line value against a parameter's rule.
 * @throws Error naming the parameter, the value and what it must be.
 */
export function checkParameterValue(declaration: ParameterDeclaration, raw: string): void {
  const rule = parameterRule(declaration);
  const fail = (what: string): never => {
    throw new Error(`parameter '${declaration.name}' must be ${what}: got ${JSON.stringify(raw)}`);
  };
  const value: unknown = JSON.parse(renderValue(raw));
  const describe = (): string => `${rule.integer ? 'an integer' : 'a number'}${rule.bounds.map(([op, limit]) => ` ${op} ${limit}`).join(',')}`;
  const checkNumber = (x: unknown, what: string): void => {
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(what);
    const n = x as number;
    if (rule.integer && !Number.isInteger(n)) fail(what);
    for (const [op, limit] of rule.bounds) {
      if (!(op === '≥' ? n >= limit : op === '>' ? n > limit : op === '≤' ? n <= limit : n < limit)) fail(what);
    }
  };
  if (rule.kind === 'number') checkNumber(value, describe());
  else if (rule.kind === 'boolean' && typeof value !== 'boolean') fail('true or false');
  else if (rule.kind === 'number[]') {
    if (!Array.isArray(value)) fail(`a JSON array of numbers (each ${describe().replace(/^an? /, '')})`);
    (value as unknown[]).forEach((x) => checkNumber(x, `a JSON array of numbers, each ${describe().replace(/^an? /, '')}`));
  } else if (rule.kind === 'string[]' && !(Array.isArray(value) && value.every((x) => typeof x === 'string'))) fail('a JSON array of strings');
  if (rule.choices !== null && !rule.choices.includes(value as string)) fail(`one of ${rule.choices.map((c) => JSON.stringify(c)).join(', ')}`);
}

/**
 * A copy of the notebook whose parameters cell assigns the overridden values (each replaced line is
 * marked `// injected by run-notebooks`). Declare parameters one per line, ending in `;`, with a
 * type annotation where a literal type would be too narrow (`const scale: Scale = "smoke";`).
 * @param overrides Parameter name → raw command-line value (see renderValue).
 * @throws Error when there is no single parameters cell, a parameter is not declared there (the
 *   message lists the declared ones), a declaration spans several lines, or a value breaks the
 *   parameter's rule (checkParameterValue).
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
    checkParameterValue(found, raw);
    const note = `injected by run-notebooks (was ${found.value})${found.comment ? `; ${found.comment}` : ''}`;
    lines[found.line] = `${found.head} = ${renderValue(raw)}; // ${note}`;
  }
  const cells = notebook.cells.map((cell, i) => (i === index ? { ...cell, source: lines.join('\n') } : cell));
  return { ...notebook, cells };
}
