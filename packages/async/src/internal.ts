// Building blocks shared by the @par packages (the ring buffer, deferreds,
// option validation, abort helpers). Exported from `@par/async/internal` for the
// other @par packages; not part of the documented API, and may change in any release.

export { abortError, isThenable, noop, onAbort } from './abort.js';
export { brand, isBrandedInstance } from './brand.js';
export { type Clock, systemClock } from './clock.js';
export { type Deferred, deferred } from './deferred.js';
export { Deque } from './deque.js';
export {
  checkIterable,
  closeInput,
  isAsyncIterable,
  isIterable,
  readAllInput,
} from './iterate.js';
export { notHeldError, overReleaseError } from './release-errors.js';
export { type Releasable, type ReleaseHandle, releaseHandle } from './release-handle.js';
export { clearTimer, MAX_TIMER_MS, setTimer, type Timer } from './timer.js';
export {
  optionMessage,
  validateBoolean,
  validateFunction,
  validateInteger,
  validateNumber,
  validateOneOf,
  validateOptions,
  validateSignal,
  validateTimeout,
} from './validate.js';
export { validateReturnWhen } from './wait.js';
export {
  type ParsedWait,
  parseWaitOptions,
  Waiter,
  type WaiterList,
  type WaitOptions,
} from './waiter.js';
