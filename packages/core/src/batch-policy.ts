// How much work travels in one message. Every sizing decision of the engine lives
// here, the way joblib keeps its auto-batching in one class: the batches a busy
// worker is handed (src/engine/scheduler.ts) and the chunks of map / imap
// (src/map.ts). Both follow run times the workers measured, kept per task.

import { BATCH_WORK_MS } from './batch-target.js';
import type { Call } from './call.js';
import type { TaskDef } from './function-registry.js';
import { TaskFlag } from './protocol.js';

/**
 * @internal The engine's batch-size policy. Stateless: the measurements it reads
 * live on each task's definition (`mean`, `chunkMean`), updated by {@link record}.
 */
export class BatchPolicy {
  /**
   * A batch of separate calls handed to a worker that is already busy aims at about
   * this much work (ms). Small on purpose: the calls of a batch are committed to
   * one worker, so a larger batch could leave another worker idle at the end, and
   * each call's caller waits for it. But every message costs the pool's owner a
   * wake-up, 100–200 µs of CPU on a busy two-core machine, taken from the workers'
   * cores, and costs the worker its results' write and its port's read (a process
   * child on a virtual machine: about 100 µs per batch); 8 ms is 40–80 times that.
   * 500 µs tasks on 2 processes ran at 88.5–92.6% of the ideal with 4 ms against
   * 90.9–94.0% with 8 ms (three runs of twenty rounds, the two pools alternating),
   * 16 ms no better than 8; on 2 threads 94.6–95.9% either way. Before, 2 ms against
   * 4 ms: 82–91% against 87–95% on processes.
   */
  static readonly CALL_BATCH_TARGET_MS = BATCH_WORK_MS;
  /** Calls whose mean run time is this long (ms) or longer are never batched. */
  static readonly BATCH_BELOW_MS = 2;
  /** Calls a busy worker holds ahead for a task too long to batch ({@link callsAhead}). */
  static readonly CALLS_AHEAD = 1;
  /** The most calls in one batch, whatever the measured run time. */
  static readonly MAX_CALL_BATCH = 1024;
  /** Run times are floored at this (ms) when sizing, so a near-zero mean stays finite. */
  static readonly MIN_MEAN_MS = 0.0005;
  /**
   * A busy worker that has not answered for this many mean run times (and at least
   * {@link MIN_STALL_MS}) is stalled: no batch is piled behind its long call.
   */
  static readonly STALL_FACTOR = 20;
  static readonly MIN_STALL_MS = 2;
  /**
   * An adaptive map chunk (imap over a stream of unknown length) aims at about this
   * much work (ms). Larger than a call batch: a chunk's items share one message and
   * one result, so the target only has to make the per-message cost (tens of µs)
   * negligible, and the chunks of a stream are spread over all workers anyway.
   */
  static readonly CHUNK_TARGET_MS = 10;
  /** Adaptive chunks grow or shrink by at most this factor per finished chunk. */
  static readonly CHUNK_STEP = 2;
  /** The largest adaptive chunk when no `bufferSize` bounds it. */
  static readonly MAX_ADAPTIVE_CHUNK = 4096;
  /** Weight of the newest run time in a task's moving mean (EWMA). */
  static readonly SMOOTHING = 0.2;
  /** `map` over a known length splits it in this many chunks per worker (Python's rule). */
  static readonly CHUNKS_PER_WORKER = 4;

  /** Folds a measured run time (ms) into the task's mean for single calls or for chunks. */
  record(def: TaskDef, chunk: boolean, ms: number): void {
    const a = BatchPolicy.SMOOTHING;
    if (chunk) def.chunkMean = Number.isNaN(def.chunkMean) ? ms : def.chunkMean * (1 - a) + ms * a;
    else def.mean = Number.isNaN(def.mean) ? ms : def.mean * (1 - a) + ms * a;
  }

  /** The mean run time that applies to `call` (NaN until one result of its kind came back). */
  meanOf(call: Call | undefined): number {
    if (call === undefined) return Number.NaN;
    return call.flags & TaskFlag.Chunk ? call.def.chunkMean : call.def.mean;
  }

  /**
   * How many calls beyond its concurrency a busy worker may take in one message:
   * 0 (no batching) for unknown or long tasks (mean ≥ {@link BATCH_BELOW_MS}), else
   * enough calls for {@link CALL_BATCH_TARGET_MS} of work, at most {@link MAX_CALL_BATCH}.
   */
  callBatch(mean: number): number {
    const target = BatchPolicy.CALL_BATCH_TARGET_MS;
    if (!(mean < BatchPolicy.BATCH_BELOW_MS)) return 0;
    return Math.min(
      BatchPolicy.MAX_CALL_BATCH,
      Math.max(1, Math.floor(target / Math.max(mean, BatchPolicy.MIN_MEAN_MS))),
    );
  }

  /**
   * How many calls beyond its concurrency a busy worker holds for a task too long
   * to batch, so that it starts the next one without waiting for the round trip
   * (~100–200 µs, some 3% of a 5 ms call): one, as Python's ProcessPoolExecutor
   * queues one call ahead; none while the run time is unmeasured, or when the queue
   * holds no more calls than there are workers (the last calls go to whichever
   * worker frees first, so the end of a run stays balanced).
   */
  callsAhead(mean: number, queued: number, workers: number): number {
    return Number.isNaN(mean) || queued <= workers ? 0 : BatchPolicy.CALLS_AHEAD;
  }

  /** How long (ms) a busy worker may go without answering before batching skips it. */
  stalledAfter(mean: number): number {
    return Math.max(BatchPolicy.MIN_STALL_MS, BatchPolicy.STALL_FACTOR * mean);
  }

  /**
   * How many calls to send a busy worker now: a batch, bounded by its room (it holds
   * up to two batches beyond its concurrency, so it never waits for the round trip)
   * and by its fair share of the queue. 0 means "not now".
   */
  batchFor(
    batch: number,
    outstanding: number,
    concurrency: number,
    queued: number,
    workers: number,
  ): number {
    const room = concurrency + 2 * batch - outstanding;
    if (room <= 0 || (room < batch && room < queued)) return 0;
    const fair = Math.ceil(queued / workers);
    return Math.max(1, Math.min(room, fair, batch));
  }

  /** Python's default: chunksize, extra = divmod(n, workers * 4); +1 if extra. */
  autoChunkSize(length: number, workers: number): number {
    if (length === 0) return 1;
    return Math.max(1, Math.ceil(length / (workers * BatchPolicy.CHUNKS_PER_WORKER)));
  }

  /** The largest adaptive chunk: a `bufferSize` keeps at least two chunks per worker in it. */
  maxAdaptiveChunk(bufferSize: number | undefined, workers: number): number {
    return bufferSize === undefined
      ? BatchPolicy.MAX_ADAPTIVE_CHUNK
      : Math.max(1, Math.floor(bufferSize / (2 * workers)));
  }

  /**
   * The next adaptive chunk size after a chunk of `count` items took `runMs`: toward
   * {@link CHUNK_TARGET_MS} of work, by at most {@link CHUNK_STEP}× per step.
   */
  nextChunk(current: number, runMs: number, count: number, max: number): number {
    if (count === 0) return current;
    const step = BatchPolicy.CHUNK_STEP;
    const perItem = runMs / count;
    const ideal = perItem > 0 ? Math.floor(BatchPolicy.CHUNK_TARGET_MS / perItem) : current * step;
    if (ideal > current) return Math.min(current * step, ideal, max);
    if (ideal < current / step) return Math.max(1, Math.floor(current / step));
    return current;
  }
}

/** @internal The policy every pool uses. */
export const batchPolicy = new BatchPolicy();
