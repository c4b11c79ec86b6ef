// Building blocks shared by the @par packages (the ring buffer, deferreds,
// option validation, abort helpers). Exported from `@par/async/internal` for the
// other @par packages; not part of the documented API, and may change in any release.
export { type Deferred, deferred } from './deferred.js';
export { Deque } from './deque.js';
export {
  optionMessage,
  validateFunction,
  validateInteger,
  validateNumber,
  validateOneOf,
  validateOptions,
  validateSignal,
  validateTimeout,
} from './validate.js';
