import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../src/index.js';

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('one AbortSignal shared by many waits', () => {
  it('aborts every wait, in order, without a MaxListenersExceededWarning', async () => {
    process.on('warning', onWarning);
    const controller = new AbortController();
    const order: number[] = [];
    const waits = Array.from({ length: 50 }, (_, i) =>
      sleep(60_000, undefined, { signal: controller.signal }).catch((reason: unknown) => {
        order.push(i);
        return reason;
      }),
    );
    const reason = new Error('stop');
    controller.abort(reason);
    const reasons = await Promise.all(waits);
    expect(reasons.every((r) => r === reason)).toBe(true);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Node reports too many listeners through process 'warning', after a turn of the loop
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('a wait that ended no longer runs when the signal aborts later', async () => {
    const controller = new AbortController();
    const done = await Promise.race([
      sleep(0, undefined, { signal: controller.signal }),
      sleep(60_000),
    ]);
    expect(done).toBeUndefined();
    const pending = sleep(60_000, undefined, { signal: controller.signal }).catch(
      (r: unknown) => r,
    );
    controller.abort('later');
    expect(await pending).toBe('later');
  });
});
