// The caller's decoding of a job's failure text, for tests that add raw BullMQ jobs.
export { decodeFailure as decodeFailureForTest } from '../src/wire.js';
