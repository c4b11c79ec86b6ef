// Delays longer than one setTimeout keeps (2 ** 31 - 1 ms, about 24.8 days): every
// timed wait of @par/async waits as long as it was asked, instead of ending at once.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { Event, Lock, sleep, timeout, wait } from '../src/index.js';
import { clearTimer, MAX_TIMER_MS, setTimer } from '../src/internal.js';

const LONG = MAX_TIMER_MS + 1000;

describe('delays longer than setTimeout keeps', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('setTimer fires once, after the whole delay', async () => {
    const fired = vi.fn();
    setTimer(fired, LONG);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(fired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(999);
    expect(fired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3 * MAX_TIMER_MS);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  test('clearTimer stops a long timer at any step', async () => {
    const fired = vi.fn();
    const timer = setTimer(fired, 3 * MAX_TIMER_MS);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS + 5);
    clearTimer(timer);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3 * MAX_TIMER_MS);
    expect(fired).not.toHaveBeenCalled();
  });

  test('sleep, timeout, Lock, Event and wait wait the whole delay', async () => {
    const outcomes: string[] = [];
    const note = (name: string) => (value: unknown) =>
      outcomes.push(`${name}: ${value instanceof Error ? value.name : String(value)}`);
    void sleep(LONG, 'woke').then(note('sleep'));
    void timeout(LONG, new Promise(() => undefined)).catch(note('timeout'));
    const lock = new Lock();
    await lock.acquire();
    void lock.acquire({ timeout: LONG }).catch(note('lock'));
    void new Event().wait({ timeout: LONG }).then(note('event'));
    void wait([new Promise(() => undefined)], { timeout: LONG }).then((r) =>
      note('wait')(r.pending.size),
    );
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(outcomes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(outcomes.sort()).toEqual([
      'event: false',
      'lock: TimeoutError',
      'sleep: woke',
      'timeout: TimeoutError',
      'wait: 1',
    ]);
  });
});
