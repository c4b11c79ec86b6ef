// One number both sides of a pool follow: the pool hands a busy worker batches of
// about this much work, and the worker reports their results as often. Its own module
// so the worker's bundle takes the number without the pool's BatchPolicy.

/**
 * @internal How much work (ms) a batch of quick calls carries, and how often a worker
 * reports the results of a long run of them. The reasons are on
 * `BatchPolicy.CALL_BATCH_TARGET_MS`.
 */
export const BATCH_WORK_MS = 8;
