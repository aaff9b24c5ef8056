// Shows a small result table in a notebook (Arquero → HTML) and saves it beside the run as CSV.
// It formats and displays; it computes nothing about the rows it is given.
import * as aq from 'arquero';
import { writeFileSync } from 'node:fs';
import { displayBundle, canDisplay } from './display';
import { currentRun } from './run-context';

/** Options for `showTable`. */
export interface ShowTableOptions {
  /** File name (without extension) under the run's `tables/` folder; no file when absent. */
  name?: string;
  /** Significant digits for numbers in the HTML (the CSV keeps full precision). Default 4. */
  digits?: number;
}

/**
 * Display rows as an HTML table inside a tslab notebook (plain text outside one), and write
 * them to `<run>/tables/<name>.csv` when a run is active and a name is given.
 * @param rows objects with the same keys; key order of the first row sets the column order.
 * @throws RangeError on an empty row list.
 */
export function showTable(rows: readonly Record<string, unknown>[], options: ShowTableOptions = {}): void {
  if (rows.length === 0) throw new RangeError('showTable needs at least one row');
  const table = aq.from(rows as Record<string, unknown>[]);
  const run = currentRun();
  if (options.name !== undefined && run !== null) writeFileSync(run.path(`tables/${options.name}.csv`), table.toCSV());
  const digits = options.digits ?? 4;
  const format = (value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? value.toPrecision(digits) : String(value));
  const html = table.toHTML({ format: Object.fromEntries(table.columnNames().map((c) => [c, format])) });
  if (canDisplay()) displayBundle({ 'text/html': html, 'text/plain': table.toCSV() });
  else console.log(table.toCSV());
}
