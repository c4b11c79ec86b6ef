import { isThenable, onAbort } from './abort.js';
import { afterTurn } from './settle-window.js';
import { clearTimer, setTimer, type Timer } from './timer.js';
import {
  optionMessage,
  validateOneOf,
  validateOptions,
  validateSignal,
  validateTimeout,
} from './validate.js';

/** When {@link wait} returns. */
export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

/** @internal Validates `returnWhen` of `wait` (here and for futures): `'ALL_COMPLETED'` when absent. */
export function validateReturnWhen(value: unknown): ReturnWhen {
  return validateOneOf('returnWhen', value ?? 'ALL_COMPLETED', [
    'FIRST_COMPLETED',
    'FIRST_EXCEPTION',
    'ALL_COMPLETED',
  ]);
}

/** Options of {@link wait}. */
export interface WaitForOptions {
  /**
   * `'FIRST_COMPLETED'`: as soon as one promise settles; `'FIRST_EXCEPTION'`: as soon as one
   * rejects (or all settle); `'ALL_COMPLETED'`: when all settle. As `asyncio.wait`, `done`
   * then holds every promise already settled, those settled in the same turn included.
   * @default 'ALL_COMPLETED'
   */
  returnWhen?: ReturnWhen;
  /**
   * Milliseconds to wait at most. On timeout `wait` still resolves (never rejects),
   * with the unsettled promises in `pending`, as `asyncio.wait` does.
   * @default undefined (no limit)
   */
  timeout?: number;
  /**
   * Stops waiting: rejects with `signal.reason`.
   * @default undefined
   */
  signal?: AbortSignal;
}

/** The result of {@link wait}: the original promises, split by whether they settled. */
export interface WaitResult<T> {
  done: Set<Promise<T>>;
  pending: Set<Promise<T>>;
}

/**
 * Waits for some or all `promises` (`asyncio.wait`) and returns them split into
 * `done` and `pending` Sets of the very same promise objects. It neither cancels
 * anything nor rejects on timeout; read results with `await` on the promises in `done`.
 *
 * @example
 * ```ts
 * const { done, pending } = await wait([a, b, c], { returnWhen: 'FIRST_COMPLETED', timeout: 1000 });
 * for (const p of done) console.log(await p);
 * ```
 */
export function wait<T>(
  promises: Iterable<Promise<T>>,
  options?: WaitForOptions,
): Promise<WaitResult<T>>;
/** Promises of different types: the Sets hold promises of the union of their values. */
export function wait<P extends Promise<unknown>>(
  promises: Iterable<P>,
  options?: WaitForOptions,
): Promise<WaitResult<Awaited<P>>>;
export function wait<T>(
  promises: Iterable<Promise<T>>,
  options?: WaitForOptions,
): Promise<WaitResult<T>> {
  let list: Promise<T>[];
  let returnWhen: ReturnWhen;
  let timeout: number | undefined;
  let signal: AbortSignal | undefined;
  try {
    const opts = validateOptions<WaitForOptions>('options', options);
    returnWhen = validateReturnWhen(opts.returnWhen);
    timeout = validateTimeout('timeout', opts.timeout);
    signal = validateSignal('signal', opts.signal);
    if (promises == null || typeof (promises as Iterable<T>)[Symbol.iterator] !== 'function') {
      throw new TypeError(optionMessage('promises', 'an iterable of promises', promises));
    }
    list = [...new Set(promises)];
    for (let i = 0; i < list.length; i++) {
      if (!isThenable(list[i])) {
        throw new TypeError(optionMessage(`promises[${i}]`, 'a promise', list[i]));
      }
    }
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(signal.reason);

  return new Promise<WaitResult<T>>((resolve, reject) => {
    const done = new Set<Promise<T>>();
    let finished = false;
    let timer: Timer | undefined;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimer(timer);
      removeAbort();
      const pending = new Set<Promise<T>>();
      for (const p of list) if (!done.has(p)) pending.add(p);
      resolve({ done: new Set(done), pending });
    };
    // promises settling in the same turn as the abort or the deadline still count
    const removeAbort = onAbort(signal, () => {
      const reason = (signal as AbortSignal).reason;
      afterTurn(() => {
        if (finished) return;
        finished = true;
        if (timer !== undefined) clearTimer(timer);
        reject(reason);
      });
    });
    if (list.length === 0) return finish();
    if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY) {
      timer = setTimer(() => {
        timer = undefined;
        afterTurn(finish);
      }, timeout);
    }
    // As asyncio.wait: `done` holds every promise settled when wait returns. The first
    // settlement ends a FIRST_* wait only after the turn, so the promises already settled
    // (their handlers are queued behind it) or settling in the same turn count as done.
    const first = (): void => afterTurn(finish);
    for (const p of list) {
      p.then(
        () => {
          done.add(p);
          if (done.size === list.length) finish();
          else if (returnWhen === 'FIRST_COMPLETED') first();
        },
        () => {
          done.add(p);
          if (done.size === list.length) finish();
          else if (returnWhen !== 'ALL_COMPLETED') first();
        },
      );
    }
  });
}
