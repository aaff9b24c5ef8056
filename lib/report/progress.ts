// Live progress of long work: one notebook output updated in place inside a tslab kernel, a cli-progress
// bar on a terminal, or sparse plain lines in logs. It only reports: it must not run, time or change the work.
import { Presets, SingleBar } from 'cli-progress';
import { canDisplay, displayBundle, type DisplayWriter } from './display';

/** Where and how often a progress is shown; every field is optional (tests inject stream, writer and clock). */
export interface ProgressOptions {
  /**
   * Stream for the CLI: a cli-progress bar when it is a TTY, plain lines otherwise.
   * Default process.stderr (stdout stays free for results); ignored when a writer is given or inside a kernel.
   */
  readonly stream?: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Display writer for the notebook path; default tslab's writer when running inside a tslab kernel. */
  readonly writer?: DisplayWriter;
  /** Clock in milliseconds; default Date.now. */
  readonly now?: () => number;
  /** Least milliseconds between notebook updates; default 500 (at most ~2 per second, the final one always sent). */
  readonly displayIntervalMs?: number;
  /** Least milliseconds between plain log lines; default 10 000 (readable logs; the final line always written). */
  readonly lineIntervalMs?: number;
}

/** A running progress: report work done, then finish once. */
export interface Progress {
  /**
   * Report `done` items of the total finished, with an optional note (e.g. the current config).
   * @throws RangeError when done is not an integer in 0..total; Error after finish().
   */
  tick(done: number, note?: string): void;
  /** Show the final state (always sent, never throttled) and release the terminal; call exactly once. */
  finish(note?: string): void;
}

/** One rendered state of a progress. */
interface Snapshot {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
  readonly note: string;
  readonly finished: boolean;
}

const DISPLAY_INTERVAL_MS = 500; // issue 8: notebook updates at most ~2 per second
const LINE_INTERVAL_MS = 10_000; // issue 8: plain log lines at most one per 10 s
const NO_ETA = '–'; // shown until an item is done: no rate to extrapolate from yet
let displayCount = 0;

/**
 * Start showing progress over `total` items: inside a tslab kernel one output (text/html bar and
 * text/plain) created now and updated in place under one display_id; outside, a cli-progress bar with
 * ETA on a TTY stream, or plain lines (at start, at most one per lineIntervalMs, and at the end).
 * ETA = elapsed × (total − done) / done, shown as "–" until done > 0.
 * @param label what is being done, e.g. the experiment name.
 * @param total number of items, a positive integer.
 * @throws RangeError when total is not a positive integer.
 */
export function startProgress(label: string, total: number, options: ProgressOptions = {}): Progress {
  if (!Number.isInteger(total) || total < 1) {
    throw new RangeError(`progress total must be a positive integer: got ${total} (min 1)`);
  }
  const now = options.now ?? Date.now;
  const startMs = now();
  let done = 0;
  let note = '';
  let finished = false;
  const snapshot = (): Snapshot => ({ label, done, total, elapsedMs: now() - startMs, note, finished });
  const sink = pickSink(options, now);
  sink.show(snapshot(), false);
  return {
    tick(value: number, tickNote?: string): void {
      if (finished) throw new Error(`progress "${label}" already finished: tick(${value}) after finish()`);
      checkDone(value, total);
      done = value;
      if (tickNote !== undefined) note = tickNote;
      sink.show(snapshot(), false);
    },
    finish(finishNote?: string): void {
      if (finished) throw new Error(`progress "${label}" already finished: finish() called twice`);
      finished = true;
      if (finishNote !== undefined) note = finishNote;
      sink.show(snapshot(), true);
    },
  };
}

function checkDone(done: number, total: number): void {
  if (!Number.isInteger(done) || done < 0 || done > total) {
    throw new RangeError(`progress done must be an integer in 0..${total}: got ${done} (max ${total})`);
  }
}

/** One way of showing snapshots; `final` is the finish() call, which is never throttled. */
interface Sink {
  show(state: Snapshot, final: boolean): void;
}

function pickSink(options: ProgressOptions, now: () => number): Sink {
  if (options.writer !== undefined) return notebookSink(options.writer, now, options.displayIntervalMs ?? DISPLAY_INTERVAL_MS);
  if (options.stream === undefined && canDisplay()) return notebookSink(undefined, now, options.displayIntervalMs ?? DISPLAY_INTERVAL_MS);
  const stream = options.stream ?? process.stderr;
  return stream.isTTY === true ? barSink(stream) : lineSink(stream, now, options.lineIntervalMs ?? LINE_INTERVAL_MS);
}

/** Notebook: display once under a fresh display_id, then update that output in place. */
function notebookSink(writer: DisplayWriter | undefined, now: () => number, intervalMs: number): Sink {
  const displayId = `progress-${process.pid}-${Date.now().toString(36)}-${++displayCount}`;
  return throttled(now, intervalMs, (state, first) => displayBundle({ 'text/html': progressHtml(state), 'text/plain': progressText(state) }, { displayId, update: !first, writer }));
}

/** Not a terminal (CI, redirected logs): a line at start, at most one per interval, and the last. */
function lineSink(stream: NodeJS.WritableStream, now: () => number, intervalMs: number): Sink {
  return throttled(now, intervalMs, (state) => stream.write(`${progressText(state)}\n`));
}

/** A sink that emits the first state, then at most one per `intervalMs`, and always the final one. */
function throttled(now: () => number, intervalMs: number, emit: (state: Snapshot, first: boolean) => void): Sink {
  let lastMs: number | null = null;
  return {
    show(state, final) {
      const t = now();
      if (!final && lastMs !== null && t - lastMs < intervalMs) return;
      emit(state, lastMs === null);
      lastMs = t;
    },
  };
}

/** Terminal: a cli-progress bar redrawn in place; ETA is ours (cli-progress's can read NULL/INF). */
function barSink(stream: NodeJS.WritableStream): Sink {
  const bar = new SingleBar({
    stream,
    format: '{label} |{bar}| {value}/{total} {percentage}% | elapsed {duration_formatted} | ETA {etaText}{noteText}',
    barsize: 30,
    hideCursor: false,
    clearOnComplete: false,
    stopOnComplete: false,
  }, Presets.shades_classic);
  let started = false;
  return {
    show(state, final) {
      const payload = { label: state.label, etaText: !final ? etaText(state) : state.done === state.total ? '0s' : 'stopped', noteText: state.note === '' ? '' : ` | ${state.note}` };
      if (!started) {
        bar.start(state.total, state.done, payload);
        started = true;
      } else {
        bar.update(state.done, payload);
      }
      if (final) bar.stop();
    },
  };
}

/** Seconds left as text: "–" before the first item, "0s" when all are done. */
function etaText(state: Snapshot): string {
  if (state.done === 0) return NO_ETA;
  return formatSeconds((state.elapsedMs / 1000) * (state.total - state.done) / state.done);
}

/** "42s", "3m 05s", "2h 07m": whole seconds, never NaN. */
function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function percent(state: Snapshot): number {
  return Math.floor((100 * state.done) / state.total); // 100% only when every item is done
}

/** The timing part: elapsed and ETA while running; total time (or where it stopped) once finished. */
function timing(state: Snapshot): string {
  const elapsed = formatSeconds(state.elapsedMs / 1000);
  if (!state.finished) return `elapsed ${elapsed} | ETA ${etaText(state)}`;
  return state.done === state.total ? `took ${elapsed}` : `stopped after ${elapsed}`;
}

/** e.g. "table1: 5/14 (35%) | elapsed 12s | ETA 22s | re-20". */
function progressText(state: Snapshot): string {
  const note = state.note === '' ? '' : ` | ${state.note}`;
  return `${state.label}: ${state.done}/${state.total} (${percent(state)}%) | ${timing(state)}${note}`;
}

function progressHtml(state: Snapshot): string {
  const pct = percent(state);
  const colour = state.finished && state.done < state.total ? '#d9534f' : '#4c8bf5';
  const track = 'display:inline-block;width:200px;height:10px;background:#e5e5e5;border-radius:3px;overflow:hidden;vertical-align:middle;margin:0 8px';
  const note = state.note === '' ? '' : ` · ${escapeHtml(state.note)}`;
  return `<div style="font-family:monospace;font-size:12px">`
    + `<b>${escapeHtml(state.label)}</b>`
    + `<span style="${track}"><span style="display:block;height:100%;width:${pct}%;background:${colour}"></span></span>`
    + `${state.done}/${state.total} (${pct}%) · ${timing(state).replace(' | ', ' · ')}${note}</div>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
