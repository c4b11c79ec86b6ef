export { type AsCompletedOptions, asCompleted } from './as-completed.js';
export { Barrier } from './barrier.js';
export { type Clock, systemClock } from './clock.js';
export { Condition } from './condition.js';
export { BrokenBarrierError, CancelledError, ParError, TimeoutError } from './errors.js';
export { Event } from './event.js';
export {
  type Awaitable,
  type GatherOptions,
  type GatherResult,
  type GatherResults,
  type GatherSettled,
  gather,
} from './gather.js';
export { type LimitFunction, type LimitOptions, limit } from './limit.js';
export { type AcquireOptions, Lock } from './lock.js';
export { type MapOptions, map } from './map.js';
export { type MapIterOptions, mapIter } from './map-iter.js';
export { type RateAcquireOptions, RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
export type { ReleaseHandle } from './release-handle.js';
export { type RetryOptions, retry } from './retry.js';
export { BoundedSemaphore, Semaphore } from './semaphore.js';
export { type ShieldOptions, shield } from './shield.js';
export { type SleepOptions, sleep } from './sleep.js';
export { TaskGroup, type TaskGroupOptions, taskGroup } from './task-group.js';
export { type ThrottledFunction, throttle } from './throttle.js';
export { type TimeoutOptions, timeout } from './timeout.js';
export { type ReturnWhen, type WaitForOptions, type WaitResult, wait } from './wait.js';
export type { WaitOptions } from './waiter.js';
