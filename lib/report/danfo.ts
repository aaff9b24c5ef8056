// A typed doorway to danfojs: `import 'danfojs'` fails type resolution under tslab's TypeScript
// 5.0 (STACK-NOTES), so this file requires it lazily and types only the surface we use.

/** A Danfo Series (one column); only the members the workbook uses. */
export interface Series {
  readonly values: unknown[];
  readonly shape: number[];
}

/** A Danfo DataFrame; only the members the workbook uses. */
export interface DataFrame {
  /** [rows, columns]. */
  readonly shape: [number, number];
  readonly columns: string[];
  /** Row-major values. */
  readonly values: unknown[][];
  /** Column types as Danfo infers them ('float32', 'int32', 'string', ...). */
  readonly dtypes: string[];
  column(name: string): Series;
  head(rows?: number): DataFrame;
  print(): void;
}

/** The part of the danfojs module the workbook uses. */
export interface Danfo {
  /** Builds a frame from column arrays (`{col: values[]}`) or row objects; `columns` fixes the order. */
  DataFrame: new (data: Record<string, unknown[]> | Record<string, unknown>[], options?: { columns?: string[] }) => DataFrame;
}

let cached: Danfo | undefined;

/**
 * The danfojs module, loaded on first call (it pulls in @tensorflow/tfjs: ~0.5 s), then cached.
 * @throws Error (MODULE_NOT_FOUND) when danfojs is not installed.
 */
export function loadDanfo(): Danfo {
  // require, not import: see the header (tslab's TypeScript cannot resolve danfojs's types).
  cached ??= require('danfojs') as Danfo;
  return cached;
}
