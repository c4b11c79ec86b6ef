import { Deque } from './deque.js';
import { BrokenBarrierError } from './errors.js';
import { validateInteger } from './validate.js';
import { parseWaitOptions, Waiter, type WaitOptions } from './waiter.js';

/**
 * A barrier for `parties` tasks (`asyncio.Barrier` / `threading.Barrier`): each
 * `wait()` blocks until `parties` tasks have called it, then all resolve at once,
 * each with a distinct arrival index `0 … parties−1` (the last to arrive gets
 * `parties − 1`), and the barrier is ready for the next round.
 * `abort()`, `reset()` and a wait's `timeout` break it: every waiter rejects with
 * {@link BrokenBarrierError}.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(3);
 * await Promise.all([1, 2, 3].map(async () => {
 *   await prepare();
 *   const index = await barrier.wait();
 *   if (index === 0) console.log('everyone is ready');
 * }));
 * ```
 */
export class Barrier {
  readonly #parties: number;
  #waiters = new Deque<Waiter<number>>();
  #broken = false;

  /** @param parties how many tasks must arrive; a positive integer. */
  constructor(parties: number) {
    this.#parties = validateInteger('parties', parties, { min: 1 });
  }

  /** How many tasks must call `wait()` to pass. */
  get parties(): number {
    return this.#parties;
  }

  /** How many tasks are waiting in the current round (`n_waiting`). */
  get nWaiting(): number {
    return this.#waiters.length;
  }

  /** `true` after `abort()` or a timeout, until `reset()`. */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Waits for the other parties and resolves to this task's arrival index.
   * Rejects with {@link BrokenBarrierError} when the barrier is or becomes broken;
   * a `timeout` breaks the barrier for everyone (as `threading.Barrier` does);
   * aborting the `signal` only withdraws this task (rejecting with `signal.reason`).
   *
   * @example
   * ```ts
   * const index = await barrier.wait({ timeout: 5000 });
   * ```
   */
  wait(options?: WaitOptions): Promise<number> {
    let parsed: ReturnType<typeof parseWaitOptions>;
    try {
      parsed = parseWaitOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (parsed.signal?.aborted) return Promise.reject(parsed.signal.reason);
    if (this.#broken) return Promise.reject(new BrokenBarrierError());
    if (this.#waiters.length + 1 === this.#parties) {
      let index = 0;
      for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) {
        w.resolve(index++);
      }
      return Promise.resolve(index);
    }
    if (parsed.timeout === 0) {
      this.abort();
      return Promise.reject(new BrokenBarrierError('Barrier wait timed out'));
    }
    return new Waiter(this.#waiters, parsed.signal, parsed.timeout, (waiter) => {
      waiter.reject(new BrokenBarrierError('Barrier wait timed out'));
      this.abort();
    }).promise;
  }

  /** Breaks the barrier: current and future waits reject until `reset()`. */
  abort(): void {
    this.#broken = true;
    this.#breakWaiters();
  }

  /** Returns to the empty, unbroken state; tasks waiting now reject with BrokenBarrierError. */
  reset(): void {
    this.#breakWaiters();
    this.#broken = false;
  }

  #breakWaiters(): void {
    for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) {
      w.reject(new BrokenBarrierError());
    }
  }
}
