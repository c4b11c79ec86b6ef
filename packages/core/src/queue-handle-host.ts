// The owner's side of a queue handle: runs each request on the real queue, in
// arrival order, and answers over the channel.

import { encodeError, Op, type Reply, type Request, Status } from './queue-handle-wire.js';
import type { ChannelPort } from './transfer-handlers.js';

/** What the owner side needs from a queue (Queue, LifoQueue, PriorityQueue, SimpleQueue). */
export interface ServedQueue {
  put(item: unknown, options?: { timeout?: number; signal?: AbortSignal }): Promise<void>;
  get(options?: { timeout?: number; signal?: AbortSignal }): Promise<unknown>;
  putNowait(item: unknown): void;
  getNowait(): unknown;
  taskDone?(): void;
  join?(): Promise<void>;
  shutdown?(options?: { immediate?: boolean }): void;
  readonly size: number;
  empty(): boolean;
  full?(): boolean;
  readonly isShutDown?: boolean;
}

const cancelled = Symbol('cancelled');

/**
 * Serves `queue` to the handle at the other end of `port` until the channel
 * closes. When it closes, gets still waiting are withdrawn (so no item is taken
 * for a reader that is gone); puts still waiting complete, so no item is lost.
 */
export function serveQueue(queue: ServedQueue, port: ChannelPort): void {
  // waiting put/get calls by request id, to cancel them
  const waiting = new Map<number, { controller: AbortController; isGet: boolean }>();
  let open = true;

  const reply = (message: Reply): void => {
    if (open) port.post(message);
  };

  const settle = (id: number, work: () => unknown): void => {
    let value: unknown;
    try {
      value = work();
    } catch (error) {
      reply([id, Status.Error, encodeError(error)]);
      return;
    }
    if (value instanceof Promise) {
      value.then(
        (v: unknown) => {
          waiting.delete(id);
          reply([id, Status.Ok, v]);
        },
        (error: unknown) => {
          waiting.delete(id);
          if (error === cancelled) reply([id, Status.Cancelled]);
          else reply([id, Status.Error, encodeError(error)]);
        },
      );
    } else reply([id, Status.Ok, value]);
  };

  const waitOptions = (id: number, timeout: unknown, cancellable: unknown, isGet: boolean) => {
    const options: { timeout?: number; signal?: AbortSignal } = {};
    if (typeof timeout === 'number') options.timeout = timeout;
    // a get must be withdrawable when the worker goes away; a put only on request
    if (cancellable === true || isGet) {
      const controller = new AbortController();
      waiting.set(id, { controller, isGet });
      options.signal = controller.signal;
    }
    return options;
  };

  const unsupported = (name: string): never => {
    throw new TypeError(`This queue has no ${name}() (a SimpleQueue?)`);
  };

  port.onMessage((message) => {
    const [id, op, a, b, c] = message as Request;
    switch (op) {
      case Op.Put:
        return settle(id, () => queue.put(a, waitOptions(id, b, c, false)));
      case Op.Get:
        return settle(id, () => queue.get(waitOptions(id, a, b, true)));
      case Op.PutNowait:
        return settle(id, () => queue.putNowait(a));
      case Op.GetNowait:
        return settle(id, () => queue.getNowait());
      case Op.TaskDone:
        return settle(id, () => (queue.taskDone ?? (() => unsupported('taskDone'))).call(queue));
      case Op.Join:
        return settle(id, () => (queue.join ?? (() => unsupported('join'))).call(queue));
      case Op.Shutdown:
        return settle(id, () =>
          (queue.shutdown ?? (() => unsupported('shutdown'))).call(queue, {
            immediate: a === true,
          }),
        );
      case Op.Size:
        return settle(id, () => queue.size);
      case Op.Empty:
        return settle(id, () => queue.empty());
      case Op.Full:
        return settle(id, () => queue.full?.() ?? false);
      case Op.IsShutDown:
        return settle(id, () => queue.isShutDown ?? false);
      case Op.Cancel:
        waiting.get(id)?.controller.abort(cancelled);
        return;
      default:
        return reply([id, Status.Error, encodeError(new TypeError(`Unknown queue op ${op}`))]);
    }
  });

  port.onClose(() => {
    open = false;
    for (const { controller, isGet } of waiting.values()) {
      if (isGet) controller.abort(cancelled);
    }
  });
}
