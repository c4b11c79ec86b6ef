// joblib's AutoBatchingMixin (_parallel_backends.py): the batch size doubles at
// most per step while batches take less than 200 ms, and shrinks sharply when
// they take more than 2 s. Durations are in milliseconds here.

/** One change of the batch size made by `batchSize: 'auto'`. */
export interface BatchSizeDecision {
  /** The batch size before the change. */
  previous: number;
  /** The new batch size. */
  batchSize: number;
  /** The smoothed batch duration (ms) that triggered the change. */
  duration: number;
  /** `'too fast'` (batches shorter than 200 ms: grow) or `'too slow'` (longer than 2 s: shrink). */
  reason: 'too fast' | 'too slow';
}

/**
 * The adaptive batch size of `batchSize: 'auto'`, exactly joblib's algorithm:
 * call `computeBatchSize()` before each dispatch and `batchCompleted(size, ms)`
 * when a batch finishes (duration from dispatch to completion).
 *
 * @example
 * ```ts
 * const batcher = new AutoBatcher((d) => console.log(d));
 * batcher.batchCompleted(1, 10); // a batch of 1 took 10 ms
 * batcher.computeBatchSize();    // 2 (at most doubles per step)
 * ```
 */
export class AutoBatcher {
  /** Batches shorter than this (ms) grow. @default 200 */
  static readonly MIN_IDEAL_BATCH_DURATION = 200;
  /** Batches longer than this (ms) shrink. @default 2000 */
  static readonly MAX_IDEAL_BATCH_DURATION = 2000;

  #size = 1;
  #smoothed = 0;
  readonly #onDecision: ((decision: BatchSizeDecision) => void) | undefined;

  /** @param onDecision called with each change of the batch size */
  constructor(onDecision?: (decision: BatchSizeDecision) => void) {
    this.#onDecision = onDecision;
  }

  /** The current batch size. */
  get batchSize(): number {
    return this.#size;
  }

  /** The smoothed duration (ms) of batches of the current size, 0 when unknown. */
  get smoothedDuration(): number {
    return this.#smoothed;
  }

  /** Decides the size of the next batch from the smoothed duration. */
  computeBatchSize(): number {
    const old = this.#size;
    const d = this.#smoothed;
    let size = old;
    let reason: BatchSizeDecision['reason'] | undefined;
    if (d > 0 && d < AutoBatcher.MIN_IDEAL_BATCH_DURATION) {
      const ideal = Math.trunc((old * AutoBatcher.MIN_IDEAL_BATCH_DURATION) / d) * 2;
      size = Math.max(Math.min(2 * old, ideal), 1);
      reason = 'too fast';
    } else if (d > AutoBatcher.MAX_IDEAL_BATCH_DURATION && old >= 2) {
      const ideal = Math.trunc((old * AutoBatcher.MIN_IDEAL_BATCH_DURATION) / d);
      size = Math.max(2 * ideal, 1);
      reason = 'too slow';
    }
    if (size !== old) {
      this.#size = size;
      this.#smoothed = 0;
      if (reason !== undefined) {
        this.#onDecision?.({ previous: old, batchSize: size, duration: d, reason });
      }
    }
    return size;
  }

  /** Records that a batch of `size` calls took `duration` ms (only current-size batches count). */
  batchCompleted(size: number, duration: number): void {
    if (size !== this.#size) return;
    this.#smoothed = this.#smoothed === 0 ? duration : 0.8 * this.#smoothed + 0.2 * duration;
  }
}
