// Makes a @par/queue queue passed as a task argument arrive in the worker as a
// QueueHandle. One channel per (queue, worker connection), opened on first use
// and kept until the worker exits, so calls from successive tasks stay in order
// and channels do not pile up.

import { Queue, SimpleQueue } from '@par/queue';
import { QueueHandle } from './queue-handle.js';
import { type ServedQueue, serveQueue } from './queue-handle-host.js';
import {
  type ChannelPort,
  type DeserializeContext,
  registerTransferHandler,
  type SerializeContext,
} from './transfer-handlers.js';

/** The handler name on the wire. */
export const QUEUE_HANDLER = '@par/core:Queue';

interface QueueData {
  channel: number;
  maxsize: number;
}

type AnyQueue = Queue<unknown> | SimpleQueue<unknown>;

// parent side: per connection, the channel serving each queue
const served = new WeakMap<SerializeContext, WeakMap<AnyQueue, number>>();
// worker side: per connection, the handle of each channel
const handles = new WeakMap<DeserializeContext, Map<number, QueueHandle<unknown>>>();

function isQueue(value: unknown): value is AnyQueue {
  return value instanceof Queue || value instanceof SimpleQueue;
}

function serialize(queue: AnyQueue, context: SerializeContext): [QueueData, Transferable[]] {
  let channels = served.get(context);
  if (channels === undefined) {
    channels = new WeakMap();
    served.set(context, channels);
  }
  const maxsize = queue instanceof Queue ? queue.maxsize : 0;
  const known = channels.get(queue);
  if (known !== undefined) return [{ channel: known, maxsize }, []];
  const { id, port } = context.openChannel();
  channels.set(queue, id);
  port.onClose(() => channels.delete(queue));
  serveQueue(queue as unknown as ServedQueue, port, context.onCallGivenUp?.bind(context));
  return [{ channel: id, maxsize }, []];
}

function deserialize(data: QueueData, context: DeserializeContext): QueueHandle<unknown> {
  let byChannel = handles.get(context);
  if (byChannel === undefined) {
    byChannel = new Map();
    handles.set(context, byChannel);
  }
  const known = byChannel.get(data.channel);
  if (known) return known;
  const port: ChannelPort = context.channel(data.channel);
  const handle = new QueueHandle<unknown>(port, data.maxsize);
  byChannel.set(data.channel, handle);
  port.onClose(() => byChannel.delete(data.channel));
  return handle;
}

let registered = false;

/**
 * Registers the transfer handler that turns a @par/queue queue passed to a task
 * into a {@link QueueHandle} in the worker (idempotent). Every transport calls
 * it in the parent (its pool / process class) and in its worker entry.
 *
 * @example
 * ```ts
 * registerQueueHandler(); // before the first task that receives a Queue
 * ```
 */
export function registerQueueHandler(): void {
  if (registered) return;
  registered = true;
  registerTransferHandler<AnyQueue, QueueData>({
    name: QUEUE_HANDLER,
    canHandle: isQueue,
    serialize,
    deserialize: (data, context) => deserialize(data, context) as unknown as AnyQueue,
  });
}
