// Sends one output holding several MIME types (e.g. HTML + PNG + text) to the running tslab kernel, optionally
// under a display_id so a later call replaces it in place. It must not build content. tslab's public `display.*`
// sends one MIME type per output, so this uses tslab 1.0.22's internal writer (dist/jupyter.js `lastWriteDisplayData`).

/** MIME type → content; binary types (image/png) as base64 strings, as Jupyter's protocol wants. */
export type MimeBundle = Record<string, string>;

/**
 * tslab's writer: sends `content` as display_data, or as update_display_data when `update` is true
 * (Jupyter then replaces the output whose `transient.display_id` matches).
 */
export type DisplayWriter = (content: { data: MimeBundle; metadata: object; transient: { display_id?: string } }, update: boolean) => void;

/** Options of displayBundle for an output updated in place. */
export interface DisplayOptions {
  /** Jupyter display_id (transient): outputs sent with the same id can be replaced later. */
  readonly displayId?: string;
  /** Replace the output holding `displayId` (update_display_data) instead of adding one; needs displayId. */
  readonly update?: boolean;
  /** The writer to send through; default tslab's writer for the running cell (tests pass a fake). */
  readonly writer?: DisplayWriter;
}

/** tslab's writer for the cell being executed, or null outside a tslab kernel. */
function tslabWriter(): DisplayWriter | null {
  if ((globalThis as { __tslab__?: unknown }).__tslab__ === undefined) return null;
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData?: unknown };
  return typeof jupyter.lastWriteDisplayData === 'function' ? (jupyter.lastWriteDisplayData as DisplayWriter) : null;
}

/** Whether code is running inside a tslab kernel that can display outputs. */
export function canDisplay(): boolean {
  return tslabWriter() !== null;
}

/**
 * Display one output with several representations; the front end picks the richest it supports
 * (nbconvert's HTML report: text/html; PDF/LaTeX/Markdown exports: image/png; consoles: text/plain).
 * With `displayId` the output can later be replaced in place by a call with the same id and `update: true`.
 * @param bundle MIME type → content; must hold at least one entry.
 * @throws Error outside a tslab kernel (and no writer given), when the bundle is empty, or when
 *   `update` is asked without a displayId.
 */
export function displayBundle(bundle: MimeBundle, options: DisplayOptions = {}): void {
  if (Object.keys(bundle).length === 0) throw new Error('display bundle is empty: give at least one MIME type');
  if (options.update === true && (options.displayId === undefined || options.displayId === '')) {
    throw new Error('cannot update a display without a displayId: got none');
  }
  const writer = options.writer ?? tslabWriter();
  if (writer === null) throw new Error('cannot display: not running inside a tslab kernel (tslab/dist/jupyter writer missing)');
  const transient = options.displayId === undefined ? {} : { display_id: options.displayId };
  writer({ data: bundle, metadata: {}, transient }, options.update === true);
}
