// Building blocks for other @par packages, e.g. a handle that forwards a queue's
// calls from another thread or process to the queue's owner: the for-await
// iterator over any ConsumableQueue, the shut-down check that also recognises a
// serialized error by its code, and the validation of { signal, timeout }.
// Exported from `@par/queue/internal`; not part of the documented API.
export { isQueueShutDown } from './errors.js';
export { QueueIterator } from './queue-iterator.js';
export { giveBack } from './store.js';
export { type ParsedWait, parseWaitOptions } from './waiter.js';
