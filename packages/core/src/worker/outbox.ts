// The outbox: results wait here and go to the parent in one message per flush
// (`[RESULTS, id, status, value, runMs, …]`). A result that does not clone fails
// alone; callbacks that must wait until a result was posted (a transfer handler's
// onTaskEnd / onCallSettled) run right after the flush that carried it.

import type { ChannelHub } from '../channel-hub.js';
import { findLostInstance, lostInstanceReason } from '../clone-check.js';
import { serializeError } from '../error-codec.js';
import { NotCloneableError } from '../errors.js';
import { Msg, Status } from '../protocol.js';
import type { SerializeContext } from '../transfer-handlers.js';
import type { WorkerPort } from '../transport.js';
import { EncodeSink, encodeOne } from '../wire-codec.js';
import { now } from './clock.js';
import type { Entry } from './task-loader.js';

function taskName(entry: Entry | undefined): string {
  return entry === undefined ? 'the task' : `task \`${entry.name || '<anonymous>'}\``;
}

/** @internal */
export class Outbox {
  #message: unknown[] = [Msg.Results];
  #sink = new EncodeSink();
  /** The task of each result in the outbox, to name it if its result does not clone. */
  #entries: (Entry | undefined)[] = [];
  /**
   * Where each result's transferables end in the sink's transfer list, so that a
   * result posted alone carries only its own: a transfer list naming a buffer an
   * earlier post already moved makes `postMessage` send nothing, without an error.
   */
  #transferEnds: number[] = [];
  /** Callbacks to run once the results in the outbox are posted. */
  #afterFlush: (() => void)[] | undefined;
  /** When the outbox was last sent. */
  since = now();
  /** How results are encoded by transfer handlers (once per worker). */
  readonly serializeContext: SerializeContext;

  constructor(
    private readonly port: WorkerPort,
    hub: ChannelHub,
  ) {
    this.serializeContext = {
      capabilities: port.capabilities,
      openChannel: () => hub.open(),
      // a result is settled for the worker once it is posted
      onCallSettled: (callback) => this.runAfterFlush([callback]),
    };
  }

  /** Adds a result as it is (already in wire form). */
  push(id: number, status: number, value: unknown, ms: number, entry?: Entry): void {
    this.#message.push(id, status, value, ms);
    this.#entries.push(entry);
    this.#transferEnds.push(this.#sink.transfer?.length ?? 0);
  }

  /** Adds a task's value: `transfer()` unwrapped, an object a transfer handler takes encoded. */
  pushValue(id: number, value: unknown, ms: number, entry: Entry): void {
    if (value === null || typeof value !== 'object') {
      this.push(id, Status.Ok, value, ms, entry);
      return;
    }
    const sink = this.#sink;
    sink.encoded = false;
    let v: unknown;
    try {
      v = encodeOne(value, this.serializeContext, sink);
    } catch (error) {
      this.pushError(id, error, ms, entry);
      return;
    }
    const lost = findLostInstance(v, 'result');
    if (lost !== undefined) {
      // it would arrive as {}: fail now rather than lose its data silently
      this.pushError(
        id,
        new NotCloneableError(
          `The result of ${taskName(entry)} (${lost.path}, an instance of class ${lost.className}) could not be sent back to the caller: ${lostInstanceReason(lost)}`,
        ),
        ms,
        entry,
      );
      return;
    }
    this.push(id, sink.encoded ? Status.OkEncoded : Status.Ok, v, ms, entry);
  }

  pushError(id: number, error: unknown, ms: number, entry?: Entry): void {
    this.push(id, Status.Error, serializeError(error), ms, entry);
  }

  /** Runs `callbacks` after the next flush (they wait for the results now in the outbox). */
  runAfterFlush(callbacks: readonly (() => void)[] | undefined): void {
    if (callbacks === undefined || callbacks.length === 0) return;
    this.#afterFlush ??= [];
    for (const cb of callbacks) this.#afterFlush.push(cb);
  }

  /** Posts what the outbox holds. */
  flush(): void {
    this.since = now();
    if (this.#message.length === 1) return;
    const message = this.#message;
    const transfer = this.#sink.transfer;
    const entries = this.#entries;
    const transferEnds = this.#transferEnds;
    this.#message = [Msg.Results];
    this.#sink = new EncodeSink();
    this.#entries = [];
    this.#transferEnds = [];
    try {
      this.port.post(message, transfer);
    } catch {
      // Some result does not clone: send them one by one, replacing the culprits.
      for (let i = 1; i < message.length; i += 4) {
        const one = [Msg.Results, message[i], message[i + 1], message[i + 2], message[i + 3]];
        const k = (i - 1) / 4;
        const own = transfer?.slice(k === 0 ? 0 : transferEnds[k - 1], transferEnds[k]);
        try {
          this.port.post(one, own !== undefined && own.length > 0 ? own : undefined);
        } catch (error) {
          one[2] = Status.Error;
          one[3] = serializeError(
            new NotCloneableError(
              `The result of ${taskName(entries[(i - 1) / 4])} could not be sent back to the caller: ${(error as Error)?.message ?? String(error)}`,
            ),
          );
          this.port.post(one);
        }
      }
    }
    this.#runAfterFlush();
  }

  #runAfterFlush(): void {
    const callbacks = this.#afterFlush;
    if (callbacks === undefined) return;
    this.#afterFlush = undefined;
    for (const cb of callbacks) {
      try {
        cb();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
