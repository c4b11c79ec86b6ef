// The owner's side of a queue handle: the queue's operations, served over the
// remote-handle layer (remote-host.ts).

import { giveBack } from '@par/queue/internal';
import { Op } from './queue-handle-wire.js';
import { type RemoteCallContext, serveRemote } from './remote-host.js';
import type { RemoteOp } from './remote-wire.js';
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
  /** Puts back, as the next item, an item taken for a getter that is gone. */
  [giveBack]?(item: unknown): void;
}

/**
 * Registers what to withdraw if the pool gives up call `callId` (the engine's
 * `SerializeContext#onCallGivenUp`); returns the unregister function.
 */
export type OnCallGivenUp = (callId: number, withdraw: (reason: unknown) => void) => () => void;

function waitOptions(timeout: unknown, signal: AbortSignal | undefined) {
  const options: { timeout?: number; signal?: AbortSignal } = {};
  if (typeof timeout === 'number') options.timeout = timeout;
  if (signal !== undefined) options.signal = signal;
  return options;
}

function unsupported(name: string): never {
  throw new TypeError(`This queue has no ${name}() (a SimpleQueue?)`);
}

/**
 * Serves `queue` to the handle at the other end of `port` until the channel
 * closes. When it closes, gets still waiting are withdrawn (so no item is taken
 * for a reader that is gone); puts still waiting complete, so no item is lost.
 * With `onCallGivenUp` (a pool's worker connection), a get made by a task is
 * withdrawn as soon as the pool gives that task's call up (timeout, abort). An item
 * taken for a get that was withdrawn, or whose channel closed, goes back to the
 * front of the queue.
 */
export function serveQueue(
  queue: ServedQueue,
  port: ChannelPort,
  onCallGivenUp?: OnCallGivenUp,
): void {
  const dispatch = (op: RemoteOp, args: unknown[], context: RemoteCallContext): unknown => {
    const [a, b, c] = args;
    switch (op) {
      case Op.Put:
        // a put is withdrawable only when its caller can abandon it
        return queue.put(a, waitOptions(b, c === true ? context.signal : undefined));
      case Op.Get: {
        // a get is always withdrawable: the worker may go away, its task be given up
        // (registered first: a get of a task given up already never takes an item)
        const unregister =
          typeof c === 'number' && onCallGivenUp !== undefined
            ? onCallGivenUp(c, (reason) => context.withdraw(reason))
            : undefined;
        const item = queue.get(waitOptions(a, context.signal));
        if (unregister !== undefined) item.then(unregister, unregister);
        return item;
      }
      case Op.PutNowait:
        return queue.putNowait(a);
      case Op.GetNowait:
        return queue.getNowait();
      case Op.TaskDone:
        return (queue.taskDone ?? (() => unsupported('taskDone'))).call(queue);
      case Op.Join:
        return (queue.join ?? (() => unsupported('join'))).call(queue);
      case Op.Shutdown:
        return (queue.shutdown ?? (() => unsupported('shutdown'))).call(queue, {
          immediate: a === true,
        });
      case Op.Size:
        return queue.size;
      case Op.Empty:
        return queue.empty();
      case Op.Full:
        return queue.full?.() ?? false;
      case Op.IsShutDown:
        return queue.isShutDown ?? false;
      default:
        throw new TypeError(`Unknown queue op ${String(op)}`);
    }
  };
  serveRemote(port, dispatch, {
    abandonOnClose: (op) => op === Op.Get,
    giveBack: (op, item) => {
      const back = queue[giveBack];
      if (op !== Op.Get || back === undefined) return false;
      back.call(queue, item);
      return true;
    },
  });
}
