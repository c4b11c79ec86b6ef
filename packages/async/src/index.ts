export { CancelledError, ParError, TimeoutError } from './errors.js';
