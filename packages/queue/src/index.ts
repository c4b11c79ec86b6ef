export type { WaitOptions } from '@par/async';
export { type ConsumeOptions, consume } from './consume.js';
export { QueueEmpty, QueueFull, QueueShutDown } from './errors.js';
export { LifoQueue } from './lifo-queue.js';
export { PriorityQueue, type PriorityQueueOptions } from './priority-queue.js';
export { Queue, type QueueOptions, type ShutdownOptions } from './queue.js';
export type { ConsumableQueue } from './queue-like.js';
export { SimpleQueue } from './simple-queue.js';
