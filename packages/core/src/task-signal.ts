// taskSignal(): the AbortSignal of the task running in this worker. The context
// is kept in AsyncLocalStorage so that it survives `await` in async tasks; the
// store lives on globalThis so that every copy of @par/core in a worker (the
// runtime bundled in an entry file, the task module's own import) sees it.

import type { AsyncLocalStorage } from 'node:async_hooks';

/** @internal What a running task can see. */
export interface TaskContext {
  /** Created lazily: most tasks never ask for their signal. */
  controller: AbortController | undefined;
  /** Set when an abort arrived before the signal was first asked for. */
  reason: unknown;
  aborted: boolean;
  /** The id of the call running in this context (-1: none, e.g. the initializer). */
  callId: number;
}

interface TaskScope {
  storage: AsyncLocalStorage<TaskContext> | undefined;
  /** Runs in a task context not finished yet (an async task's, until it settles). */
  live?: number;
  /** Whether a check that switches the storage off once no run is live is scheduled. */
  idleCheck?: boolean;
}

const scopeKey = Symbol.for('@par/core.taskScope');
const globalScope = globalThis as unknown as { [scopeKey]?: TaskScope };

function scope(): TaskScope {
  let s = globalScope[scopeKey];
  if (s === undefined) {
    const hooks = (
      globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
    ).process?.getBuiltinModule?.('node:async_hooks') as
      | { AsyncLocalStorage: new () => AsyncLocalStorage<TaskContext> }
      | undefined;
    s = { storage: hooks ? new hooks.AsyncLocalStorage() : undefined };
    globalScope[scopeKey] = s;
  }
  return s;
}

let syncContext: TaskContext | undefined;

/**
 * @internal Runs `fn` with `context` as the current task context. For a `fn` that
 * returns a thenable, the context lasts until it settles, and the result is a
 * promise that settles with it.
 *
 * On Node 20, an AsyncLocalStorage that has run a callback turns on promise hooks
 * for the whole thread until it is disabled, which makes every later `await` of the
 * program about half as fast: once no run is live, the storage is disabled again
 * (after the current turn, so that a stream of tasks does not pay for switching).
 */
export function runInTaskContext<A extends unknown[], R>(
  context: TaskContext,
  fn: (...args: A) => R,
  ...args: A
): R {
  const s = scope();
  const storage = s.storage;
  if (storage !== undefined) {
    s.live = (s.live ?? 0) + 1;
    let result: R;
    try {
      result = storage.run(context, fn, ...args);
    } catch (error) {
      leave(s);
      throw error;
    }
    if (!isThenable(result)) {
      leave(s);
      return result;
    }
    // `then` once, as anyone awaiting a thenable would
    return new Promise((resolve, reject) => {
      result.then(
        (value) => {
          leave(s);
          resolve(value);
        },
        (error: unknown) => {
          leave(s);
          reject(error);
        },
      );
    }) as R;
  }
  // No AsyncLocalStorage (browsers): the context holds for the synchronous part.
  const previous = syncContext;
  syncContext = context;
  try {
    return fn(...args);
  } finally {
    syncContext = previous;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A run ended: with none live, the storage is disabled at the next check. */
function leave(s: TaskScope): void {
  s.live = (s.live ?? 1) - 1;
  if (s.live > 0 || s.idleCheck) return;
  s.idleCheck = true;
  setImmediate(() => {
    s.idleCheck = false;
    if (s.live === 0) s.storage?.disable();
  });
}

/** @internal A fresh context. */
export function createTaskContext(callId = -1): TaskContext {
  return { controller: undefined, reason: undefined, aborted: false, callId };
}

/**
 * @internal The id of the pool call whose task is running here, or `undefined`
 * outside a task: a handle passes it along so the owner knows which call waits.
 */
export function currentCallId(): number | undefined {
  const context = scope().storage?.getStore() ?? syncContext;
  const id = context?.callId;
  return id === undefined || id < 0 ? undefined : id;
}

/** @internal Aborts the context's signal (now, or when it is first asked for). */
export function abortTaskContext(context: TaskContext, reason: unknown): void {
  if (context.aborted) return;
  context.aborted = true;
  context.reason = reason;
  context.controller?.abort(reason);
}

function signalOf(context: TaskContext): AbortSignal {
  if (context.controller === undefined) {
    context.controller = new AbortController();
    if (context.aborted) context.controller.abort(context.reason);
  }
  return context.controller.signal;
}

/**
 * The AbortSignal of the task running in this worker. It aborts when the caller's
 * `signal` aborts or the call's `timeout` passes (with that reason), so a task can
 * stop cooperatively before the pool terminates the worker after the grace period.
 * Works in async tasks across `await`. Outside a task it returns a signal that
 * never aborts.
 *
 * @example
 * ```ts
 * import { taskSignal } from '@par/threads';
 * export async function crawl(urls: string[]) {
 *   const signal = taskSignal();
 *   for (const url of urls) await fetch(url, { signal });
 * }
 * ```
 */
export function taskSignal(): AbortSignal {
  const context = scope().storage?.getStore() ?? syncContext;
  if (context === undefined) return neverAborted();
  return signalOf(context);
}

let never: AbortSignal | undefined;
function neverAborted(): AbortSignal {
  never ??= new AbortController().signal;
  return never;
}
