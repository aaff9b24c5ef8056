import { describe, expect, it } from 'vitest';
import { displayBundle, type DisplayWriter, type MimeBundle } from '../../lib/report/display';
import { startProgress } from '../../lib/report/progress';

/** A non-TTY stream that keeps what is written (as logs redirected to a file would). */
function fakeStream(): { stream: NodeJS.WritableStream; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = { write: (chunk: string) => { chunks.push(chunk); return true; } } as unknown as NodeJS.WritableStream;
  return { stream, lines: () => chunks.join('').split('\n').filter((l) => l !== '') };
}

/** A clock the test moves by hand, in milliseconds. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

interface Sent { data: MimeBundle; transient: { display_id?: string }; update: boolean }

function fakeWriter(): { writer: DisplayWriter; sent: Sent[] } {
  const sent: Sent[] = [];
  return { writer: (content, update) => { sent.push({ data: content.data, transient: content.transient, update }); }, sent };
}

describe('startProgress outside a kernel (plain lines)', () => {
  it('writes a start line, at most one line per 10 s, and a final line', () => {
    const { stream, lines } = fakeStream();
    const clock = fakeClock();
    const p = startProgress('grid', 10, { stream, now: clock.now });
    clock.advance(2_000);
    p.tick(1, 'random-20'); // 2 s after the start line: throttled
    clock.advance(9_000);
    p.tick(4, 're-20'); // 11 s after the start line: written
    clock.advance(1_000);
    p.tick(5, 'nao-20'); // 1 s after the last line: throttled
    clock.advance(1_000);
    p.finish();
    expect(lines()).toEqual([
      'grid: 0/10 (0%) | elapsed 0s | ETA –',
      'grid: 4/10 (40%) | elapsed 11s | ETA 17s | re-20', // 11 s × 6 left / 4 done = 16.5 s
      'grid: 5/10 (50%) | stopped after 13s | nao-20', // finished early: the final line says so
    ]);
  });

  it('shows ETA as elapsed × left / done, and "–" before the first item, never NaN or Infinity', () => {
    const { stream, lines } = fakeStream();
    const clock = fakeClock();
    const p = startProgress('enumerate', 3, { stream, now: clock.now, lineIntervalMs: 0 });
    clock.advance(5_000);
    p.tick(0); // nothing done after 5 s: no rate yet
    clock.advance(25_000);
    p.tick(1); // 30 s per item, 2 left: 60 s
    clock.advance(150_000);
    p.tick(2); // 90 s per item, 1 left
    p.finish('all cells');
    expect(lines()).toEqual([
      'enumerate: 0/3 (0%) | elapsed 0s | ETA –',
      'enumerate: 0/3 (0%) | elapsed 5s | ETA –',
      'enumerate: 1/3 (33%) | elapsed 30s | ETA 1m 00s',
      'enumerate: 2/3 (66%) | elapsed 3m 00s | ETA 1m 30s',
      'enumerate: 2/3 (66%) | stopped after 3m 00s | all cells',
    ]);
    expect(lines().join('\n')).not.toMatch(/NaN|Infinity/);
  });

  it('refuses ticks after finish and a second finish', () => {
    const { stream } = fakeStream();
    const p = startProgress('x', 2, { stream });
    p.finish();
    expect(() => p.tick(1)).toThrow(/already finished: tick\(1\) after finish/);
    expect(() => p.finish()).toThrow(/finish\(\) called twice/);
  });
});

describe('startProgress in a kernel (fake display writer)', () => {
  it('displays once, then updates the same display_id in place, at most every 500 ms except the final update', () => {
    const { writer, sent } = fakeWriter();
    const clock = fakeClock();
    const p = startProgress('table3 <smoke>', 4, { writer, now: clock.now });
    clock.advance(600);
    p.tick(1, 'dense Y');
    clock.advance(100);
    p.tick(2, 'dense N'); // 100 ms after the last update: dropped
    clock.advance(100);
    p.tick(3);
    clock.advance(1);
    p.tick(4); // 201 ms after the last update: dropped too
    p.finish(); // the final update is never throttled
    expect(sent.map((s) => s.update)).toEqual([false, true, true]);
    const id = sent[0].transient.display_id;
    expect(id).toMatch(/^progress-/);
    expect(sent.every((s) => s.transient.display_id === id)).toBe(true);
    expect(sent.map((s) => s.data['text/plain'])).toEqual([
      'table3 <smoke>: 0/4 (0%) | elapsed 0s | ETA –',
      'table3 <smoke>: 1/4 (25%) | elapsed 1s | ETA 2s | dense Y',
      'table3 <smoke>: 4/4 (100%) | took 1s | dense N',
    ]);
    const html = sent[2].data['text/html'];
    expect(html).toContain('table3 &lt;smoke&gt;'); // the label is escaped, not markup
    expect(html).toContain('width:100%');
    expect(html).toContain('4/4 (100%) · took 1s · dense N');
  });

  it('gives each progress its own display_id', () => {
    const a = fakeWriter();
    const b = fakeWriter();
    startProgress('a', 1, { writer: a.writer });
    startProgress('b', 1, { writer: b.writer });
    expect(a.sent[0].transient.display_id).not.toEqual(b.sent[0].transient.display_id);
  });

  it('cannot update a display that has no display_id', () => {
    // displayBundle's in-place variant, which the progress relies on: an update must name its output.
    const { writer, sent } = fakeWriter();
    expect(() => displayBundle({ 'text/plain': 'x' }, { update: true, writer })).toThrow(/without a displayId/);
    displayBundle({ 'text/plain': 'x' }, { writer });
    expect(sent).toEqual([{ data: { 'text/plain': 'x' }, transient: {}, update: false }]);
  });
});

describe('startProgress on a terminal (cli-progress bar)', () => {
  it('draws a bar with value/total, percent and our ETA, and ends with the full bar', () => {
    const chunks: string[] = [];
    const stream = { isTTY: true, columns: 160, write: (c: string) => { chunks.push(c); return true; } } as unknown as NodeJS.WritableStream;
    const p = startProgress('grid', 3, { stream });
    p.tick(1, 'random-20');
    p.tick(3, 'ls-20');
    p.finish();
    const text = chunks.join('').replace(/\x1B\[[0-9;?]*[A-Za-z]|\x1B[78]/g, '');
    expect(text).toContain('grid |');
    expect(text).toContain('| 0/3 0% | elapsed 0s | ETA –');
    expect(text).toMatch(/\| 3\/3 100% \| elapsed \d+s \| ETA 0s \| ls-20/);
    expect(text).not.toMatch(/NaN|Infinity|NULL|INF/);
  });
});

describe('startProgress validation', () => {
  it('rejects a total that is not a positive integer, naming the value and the limit', () => {
    const { stream } = fakeStream();
    expect(() => startProgress('x', 0, { stream })).toThrow(new RangeError('progress total must be a positive integer: got 0 (min 1)'));
    expect(() => startProgress('x', 2.5, { stream })).toThrow(RangeError);
    expect(() => startProgress('x', Number.NaN, { stream })).toThrow(/got NaN \(min 1\)/);
  });

  it('rejects done outside 0..total or not an integer', () => {
    const { stream } = fakeStream();
    const p = startProgress('x', 5, { stream });
    expect(() => p.tick(6)).toThrow(new RangeError('progress done must be an integer in 0..5: got 6 (max 5)'));
    expect(() => p.tick(-1)).toThrow(/got -1/);
    expect(() => p.tick(1.5)).toThrow(RangeError);
  });
});
