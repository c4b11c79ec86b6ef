import { onAbort } from './abort.js';
import type { Deque } from './deque.js';

/**
 * One pending wait in a FIFO of waiters (locks, semaphores, events, barriers).
 * It leaves its queue by itself when its signal aborts or its timeout fires,
 * so an abandoned wait never leaves a waiter behind.
 */
export class Waiter<T> {
  readonly promise: Promise<T>;
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;
  #settled = false;
  #removeAbort: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param queue the FIFO the waiter is pushed onto (and removed from on abort/timeout)
   * @param onTimeout decides what a timeout means (reject, resolve `false`, break a barrier)
   */
  constructor(
    queue: Deque<Waiter<T>>,
    signal: AbortSignal | undefined,
    timeout: number | undefined,
    onTimeout: (waiter: Waiter<T>) => void,
  ) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    queue.push(this);
    this.#removeAbort = onAbort(signal, () => {
      queue.remove(this);
      this.reject((signal as AbortSignal).reason);
    });
    if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        queue.remove(this);
        onTimeout(this);
      }, timeout);
    }
  }

  get settled(): boolean {
    return this.#settled;
  }

  resolve(value: T): void {
    if (this.#settled) return;
    this.#cleanup();
    this.#resolve(value);
  }

  reject(reason: unknown): void {
    if (this.#settled) return;
    this.#cleanup();
    this.#reject(reason);
  }

  #cleanup(): void {
    this.#settled = true;
    this.#removeAbort();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}

/** Common `{ signal, timeout }` of every wait. */
export interface WaitOptions {
  /**
   * Stops waiting: the wait rejects with `signal.reason` and leaves the queue.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Milliseconds to wait at most; `undefined` or `Infinity` waits forever.
   * @default undefined
   */
  timeout?: number;
}
