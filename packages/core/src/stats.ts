import type { Percentiles, PoolStats } from './pool-options.js';
import { type Slot, SlotState } from './slot.js';

/** @internal The last `size` samples, for percentiles without unbounded memory. */
export class SampleRing {
  #values: Float64Array;
  #count = 0;

  constructor(size = 2048) {
    this.#values = new Float64Array(size);
  }

  add(value: number): void {
    this.#values[this.#count % this.#values.length] = value;
    this.#count++;
  }

  percentiles(): Percentiles {
    const n = Math.min(this.#count, this.#values.length);
    if (n === 0) return { p50: 0, p90: 0, p99: 0 };
    const sorted = this.#values.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))] as number;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
  }
}

/**
 * @internal The pool's counters. `completed`, `failed`, `running`, `aborting` and
 * the wait times are kept by `CallLedger`; run times by the scheduler as results
 * arrive; worker lifetimes by the worker lifecycle.
 */
export class StatsRecorder {
  completed = 0;
  failed = 0;
  running = 0;
  /** Calls aborted or timed out whose task has not stopped yet (grace period). */
  aborting = 0;
  /** Sum of the run times workers reported (ms). */
  runTimeTotal = 0;
  /** Lifetimes of the workers that exited (ms). */
  deadWorkerTime = 0;
  readonly runTimes = new SampleRing();
  readonly waitTimes = new SampleRing();

  /** The public snapshot (`Pool#stats()`). */
  snapshot(slots: readonly Slot[], queued: number, now: number): PoolStats {
    let idle = 0;
    let aliveTime = this.deadWorkerTime;
    for (const slot of slots) {
      if (slot.state !== SlotState.Dead) aliveTime += now - slot.bornAt;
      if (slot.outstanding === 0) idle++;
    }
    return {
      workers: slots.length,
      idle,
      running: this.running,
      aborting: this.aborting,
      queued,
      completed: this.completed,
      failed: this.failed,
      utilization: aliveTime > 0 ? Math.min(1, this.runTimeTotal / aliveTime) : 0,
      runTime: this.runTimes.percentiles(),
      waitTime: this.waitTimes.percentiles(),
    };
  }
}
