// Transfer handlers that make shared primitives, passed as ordinary task
// arguments or returned as results, arrive in the other thread as working
// objects on the same shared memory. A thread that may receive any primitive
// (a worker, a pool's owner) registers every decoder here; a primitive used on
// its own registers only itself (see registry.ts).
import { registerBarrier } from './barrier.js';
import { registerCondition } from './condition.js';
import { registerEvent } from './event.js';
import { registerLock } from './lock.js';
import { registerRLock } from './rlock.js';
import { registerSemaphore } from './semaphore.js';
import { registerValue } from './value.js';

/**
 * Registers the transfer handlers of the shared primitives (every kind) and of
 * @par/queue queues (idempotent). Called by ThreadPool, Thread and the worker
 * entries; user code never needs it.
 * @internal
 */
export function registerSharedHandlers(): void {
  registerLock();
  registerRLock();
  registerSemaphore();
  registerEvent();
  registerBarrier();
  registerCondition();
  registerValue();
}
