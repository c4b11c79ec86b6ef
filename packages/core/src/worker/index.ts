export { startWorkerRuntime } from './runtime.js';
