export { resolveWireTask, startWorkerRuntime } from './runtime.js';
