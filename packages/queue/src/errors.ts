import { ParError } from '@par/async';
import { brand } from '@par/async/internal';

/**
 * Raised when no item could be taken: `getNowait()` on an empty queue, or a
 * `get({ timeout })` whose deadline passed (Python's `queue.Empty` /
 * `asyncio.QueueEmpty`).
 *
 * @example
 * ```ts
 * const queue = new Queue<number>();
 * try {
 *   queue.getNowait();
 * } catch (err) {
 *   if (err instanceof QueueEmpty) console.log(err.code); // 'PAR_QUEUE_EMPTY'
 * }
 * ```
 */
export class QueueEmpty extends ParError {
  constructor(message = 'The queue is empty', options?: ErrorOptions) {
    super(message, 'PAR_QUEUE_EMPTY', options);
  }
}

/**
 * Raised when no room could be found: `putNowait()` on a full queue, or a
 * `put(item, { timeout })` whose deadline passed (Python's `queue.Full` /
 * `asyncio.QueueFull`).
 *
 * @example
 * ```ts
 * const queue = new Queue<number>({ maxsize: 1 });
 * queue.putNowait(1);
 * try {
 *   queue.putNowait(2);
 * } catch (err) {
 *   if (err instanceof QueueFull) console.log(err.code); // 'PAR_QUEUE_FULL'
 * }
 * ```
 */
export class QueueFull extends ParError {
  constructor(message = 'The queue is full', options?: ErrorOptions) {
    super(message, 'PAR_QUEUE_FULL', options);
  }
}

/**
 * Raised by `put` after `shutdown()`, and by `get` once a shut-down queue is
 * empty (Python 3.13's `queue.ShutDown` / `asyncio.QueueShutDown`).
 *
 * @example
 * ```ts
 * const queue = new Queue<number>();
 * queue.shutdown();
 * await queue.put(1).catch((err) => err instanceof QueueShutDown); // true
 * ```
 */
export class QueueShutDown extends ParError {
  constructor(message = 'The queue has been shut down', options?: ErrorOptions) {
    super(message, 'PAR_QUEUE_SHUT_DOWN', options);
  }
}

/** True for a {@link QueueShutDown}, also one that crossed a realm or thread and kept its `code`. */
export function isQueueShutDown(error: unknown): boolean {
  return (
    error instanceof QueueShutDown ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { code?: unknown }).code === 'PAR_QUEUE_SHUT_DOWN')
  );
}

// recognised across copies of @par/queue (a pool's child process runs a bundled one)
brand(QueueEmpty, '@par/queue.QueueEmpty');
brand(QueueFull, '@par/queue.QueueFull');
brand(QueueShutDown, '@par/queue.QueueShutDown');
