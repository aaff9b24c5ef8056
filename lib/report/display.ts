// Sends one output holding several MIME types (e.g. HTML + PNG + text) to the running tslab kernel.
// It must not build content. tslab's public `display.*` sends one MIME type per output, so this uses
// tslab's internal writer (tslab 1.0.22 dist/jupyter.js `lastWriteDisplayData`), checked before each use.

/** MIME type → content; binary types (image/png) as base64 strings, as Jupyter's protocol wants. */
export type MimeBundle = Record<string, string>;

type DisplayWriter = (content: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

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
 * @param bundle MIME type → content; must hold at least one entry.
 * @throws Error outside a tslab kernel, or when the bundle is empty.
 */
export function displayBundle(bundle: MimeBundle): void {
  if (Object.keys(bundle).length === 0) throw new Error('display bundle is empty: give at least one MIME type');
  const writer = tslabWriter();
  if (writer === null) throw new Error('cannot display: not running inside a tslab kernel (tslab/dist/jupyter writer missing)');
  writer({ data: bundle, metadata: {}, transient: {} }, false);
}
