// How a shared primitive waits. Every algorithm is written once, as a generator
// that yields "wait on this Int32 word while it still holds this value" requests;
// a synchronous driver answers them with Atomics.wait (worker threads may block)
// and an asynchronous driver with Atomics.waitAsync (the main thread must never
// block its event loop). The same generator therefore backs `lock.acquire()` in
// a worker (returns a boolean) and on the main thread (returns a promise).

/** One futex-style wait: sleep while `i32[index] === value`, at most `timeout` ms. */
export interface WaitRequest {
  readonly i32: Int32Array;
  readonly index: number;
  readonly value: number;
  /** Milliseconds; `Infinity` waits until notified. */
  readonly timeout: number;
}

/** What Atomics.wait answers. */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

/** A primitive's algorithm: yields waits, returns its result. */
export type Steps<T> = Generator<WaitRequest, T, WaitResult>;

interface WorkerThreadsModule {
  isMainThread: boolean;
  threadId: number;
}

interface ProcessLike {
  getBuiltinModule?: (id: string) => unknown;
}

// Atomics.waitAsync is ES2024 (Node 16+, Chrome 87+); the project's lib is ES2023.
interface AtomicsWithWaitAsync {
  waitAsync(
    i32: Int32Array,
    index: number,
    value: number,
    timeout?: number,
  ):
    | { async: false; value: 'not-equal' | 'timed-out' }
    | { async: true; value: Promise<'ok' | 'timed-out'> };
}
const atomics: AtomicsWithWaitAsync =
  typeof (Atomics as Partial<AtomicsWithWaitAsync>).waitAsync === 'function'
    ? (Atomics as unknown as AtomicsWithWaitAsync)
    : { waitAsync: pollingWaitAsync };

/** @internal */
// For engines without Atomics.waitAsync (some older browsers): watch the word
// on a timer. Slower to wake, same answers.
export function pollingWaitAsync(
  i32: Int32Array,
  index: number,
  value: number,
  timeout = Number.POSITIVE_INFINITY,
): ReturnType<AtomicsWithWaitAsync['waitAsync']> {
  if (Atomics.load(i32, index) !== value) return { async: false, value: 'not-equal' };
  if (timeout <= 0) return { async: false, value: 'timed-out' };
  const end = now() + timeout;
  return {
    async: true,
    value: new Promise((resolve) => {
      const check = (): void => {
        if (Atomics.load(i32, index) !== value) resolve('ok');
        else if (now() >= end) resolve('timed-out');
        else setTimeout(check, 1);
      };
      setTimeout(check, 1);
    }),
  };
}

let blocking: boolean | undefined;
let ownId: number | undefined;

function nodeWorkerThreads(): WorkerThreadsModule | undefined {
  const proc = (globalThis as { process?: ProcessLike }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  return proc.getBuiltinModule('node:worker_threads') as WorkerThreadsModule | undefined;
}

/**
 * Whether this thread may block in `Atomics.wait`: true in Node worker threads
 * and in Web Workers, false on Node's main thread (allowed by V8 but it would
 * freeze the event loop) and on a browser's window thread (not allowed).
 */
export function canBlock(): boolean {
  if (blocking === undefined) {
    const wt = nodeWorkerThreads();
    if (wt) blocking = !wt.isMainThread;
    else {
      const scope = (globalThis as { WorkerGlobalScope?: abstract new () => unknown })
        .WorkerGlobalScope;
      blocking = typeof scope === 'function' && globalThis instanceof scope;
    }
  }
  return blocking;
}

/**
 * A number that identifies this thread among the threads sharing memory with it
 * (never 0): Node's `threadId + 1`, or a random id in a browser realm.
 */
export function currentThreadId(): number {
  if (ownId === undefined) {
    const wt = nodeWorkerThreads();
    if (wt) ownId = wt.threadId + 1;
    else {
      const words = new Uint32Array(1);
      globalThis.crypto.getRandomValues(words);
      // never 0, and small enough that a lock word holds it shifted left once below
      // its owner-died bit (bit 30)
      ownId = ((words[0] ?? 1) & 0x0fffffff) + 1;
    }
  }
  return ownId;
}

/**
 * The id {@link currentThreadId} gives in the worker thread whose Node
 * `threadId` is `threadId` (what a pool knows of its workers).
 */
export function sharedIdOfThread(threadId: number): number {
  return threadId + 1;
}

/**
 * This thread's id where it should be remembered as holding a semaphore permit
 * or waiting at a barrier, or 0 for a thread that cannot die without its whole
 * program (Node's main thread, a browser window): only worker threads are tracked.
 */
export function trackedThreadId(): number {
  return canBlock() ? currentThreadId() : 0;
}

/** The current time in milliseconds for deadlines (monotonic). */
export function now(): number {
  return performance.now();
}

/** Runs an algorithm to completion, blocking the thread in Atomics.wait. */
export function runSync<T>(steps: Steps<T>): T {
  let step = steps.next();
  while (!step.done) {
    const { i32, index, value, timeout } = step.value;
    step = steps.next(Atomics.wait(i32, index, value, timeout));
  }
  return step.value;
}

/**
 * Runs an algorithm on the event loop with Atomics.waitAsync. When `signal`
 * aborts, the algorithm is closed (its `finally` blocks run) and the promise
 * rejects with `signal.reason`; a wake-up that later reaches the abandoned wait
 * is passed on to the next waiter, so no notification is lost.
 */
export async function runAsync<T>(steps: Steps<T>, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  let step = steps.next();
  let onAbort: (() => void) | undefined;
  const aborted = signal
    ? new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      })
    : undefined;
  // the race below may leave `aborted` unobserved when the signal never fires
  aborted?.catch(() => {});
  try {
    while (!step.done) {
      signal?.throwIfAborted();
      const { i32, index, value, timeout } = step.value;
      const waited = atomics.waitAsync(i32, index, value, timeout);
      let result: WaitResult;
      if (!waited.async) result = waited.value;
      else {
        // A pending Atomics.waitAsync does not keep Node's event loop alive: without
        // this timer, `await sem.acquire({ timeout: 50 })` in a script with nothing
        // else to do would end the process (exit code 13) instead of resolving false.
        // An interval, not a timer of `timeout`: on a busy machine the wait's own
        // timeout may be reported after a timer of the same length has fired.
        const keepAlive = Number.isFinite(timeout) ? setInterval(noop, KEEP_ALIVE_MS) : undefined;
        try {
          if (!aborted) result = await waited.value;
          else {
            const pending = waited.value;
            try {
              result = await Promise.race([pending, aborted]);
            } catch (reason) {
              void pending.then((late: WaitResult) => {
                if (late === 'ok') Atomics.notify(i32, index, 1);
              });
              throw reason;
            }
          }
        } finally {
          if (keepAlive !== undefined) clearInterval(keepAlive);
        }
      }
      step = steps.next(result);
    }
    return step.value;
  } catch (err) {
    steps.return(undefined as T);
    throw err;
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function noop(): void {}

/** The period of the interval that keeps the event loop alive during a timed wait. */
const KEEP_ALIVE_MS = 60_000;

/** A deadline from a timeout in ms (`undefined` = none). */
export function deadline(timeout: number | undefined): number {
  return timeout === undefined ? Number.POSITIVE_INFINITY : now() + timeout;
}

/** Milliseconds left until `end` (never negative; Infinity for no deadline). */
export function remaining(end: number): number {
  if (end === Number.POSITIVE_INFINITY) return end;
  return Math.max(0, end - now());
}
