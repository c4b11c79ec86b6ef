// The progress bar: drawn in place on a terminal once the work has taken a
// second, never faster than its interval, removed when done; silent elsewhere.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from '../src/progress.mjs';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 100, writes, write: (text: string) => writes.push(text) };
}

/** The escape sequence that erases the rest of the line. */
const ERASE = '\u001b[K';
let now = 0;
const clock = () => now;

beforeEach(() => {
  now = 0;
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('progress bar', () => {
  it('appears only after showAfter ms, then redraws the same line with the count', () => {
    const stream = fakeStream(true);
    const bar = createProgress(stream, { label: 'work', total: 4, now: clock });
    bar.tick();
    now = 999;
    bar.tick();
    expect(stream.writes).toEqual([]);
    now = 1000;
    bar.tick();
    expect(stream.writes).toHaveLength(1);
    expect(stream.writes[0]).toBe(
      `\r   work ▕${'█'.repeat(15)}${'░'.repeat(5)}▏ 3/4  1.0 s${ERASE}`,
    );
    bar.stop();
    expect(stream.writes.at(-1)).toBe('\r\u001b[K');
  });

  it('draws at most once per interval, also from a synchronous loop of ticks', () => {
    const stream = fakeStream(true);
    const bar = createProgress(stream, { label: 'loop', total: 100, showAfter: 0, now: clock });
    for (let i = 0; i < 50; i++) bar.tick(); // same instant: one draw
    now = 99;
    bar.tick();
    now = 100;
    bar.tick();
    expect(stream.writes.map((w) => w.match(/\d+\/100/)?.[0])).toEqual(['1/100', '52/100']);
    bar.stop();
  });

  it('without a total shows a spinner with the elapsed time, redrawn by its timer', () => {
    const stream = fakeStream(true);
    const bar = createProgress(stream, { label: 'pool.map', now: clock });
    now = 1500;
    vi.advanceTimersByTime(100);
    now = 1600;
    vi.advanceTimersByTime(100);
    expect(stream.writes).toEqual([
      '\r   pool.map ⠋  1.5 s\u001b[K',
      '\r   pool.map ⠙  1.6 s\u001b[K',
    ]);
    bar.stop();
    now = 5000;
    vi.advanceTimersByTime(1000);
    expect(stream.writes.at(-1)).toBe('\r\u001b[K'); // stopped: nothing after the clearing
  });

  it('shows a status after the bar and cuts the line at the terminal width', () => {
    const stream = { ...fakeStream(true), columns: 60 };
    const bar = createProgress(stream, { label: 'queue', total: 2, showAfter: 0, now: clock });
    bar.status('fill ▕████░░░░▏ 4/8 and a long tail of text');
    const written = stream.writes[0] ?? '';
    expect(written.startsWith('\r') && written.endsWith(ERASE)).toBe(true);
    const line = written.slice(1, -ERASE.length);
    expect(line).toHaveLength(59);
    expect(line).toContain('0/2  0.0 s  fill ▕');
    bar.stop();
  });

  it('writes nothing when the stream is not a terminal', () => {
    const stream = fakeStream(false);
    const bar = createProgress(stream, { label: 'work', total: 3, showAfter: 0, now: clock });
    now = 5000;
    bar.tick();
    bar.status('text');
    vi.advanceTimersByTime(1000);
    bar.stop();
    expect(stream.writes).toEqual([]);
  });

  it('a stop before it ever appeared writes nothing', () => {
    const stream = fakeStream(true);
    const bar = createProgress(stream, { label: 'quick', total: 1, now: clock });
    bar.tick();
    bar.stop();
    expect(stream.writes).toEqual([]);
  });
});
