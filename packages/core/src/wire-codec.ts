// The one codec that walks a call's values for the transfer handlers, on both
// sides of the wire: the parent encodes arguments (top-level arguments, the items
// of a map chunk, each element of a starmap row) and decodes results; the worker
// decodes arguments and encodes results. `transfer()` markers are unwrapped on the
// way out; envelopes (`{ __parTransfer: name, data }`) are rebuilt on the way in.

import { ENVELOPE, type Envelope, TaskFlag } from './protocol.js';
import { isTransfer } from './transfer.js';
import {
  type DeserializeContext,
  findTransferHandler,
  getTransferHandler,
  hasTransferHandlers,
  type SerializeContext,
} from './transfer-handlers.js';

/** @internal What encoding collected: objects to transfer, and whether it made an envelope. */
export class EncodeSink {
  transfer: Transferable[] | undefined = undefined;
  encoded = false;

  addTransfer(list: readonly Transferable[]): void {
    if (list.length === 0) return;
    this.transfer ??= [];
    for (const t of list) this.transfer.push(t);
  }
}

function isObjectLike(value: unknown): boolean {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/**
 * @internal Encodes one value: unwraps `transfer()`, and applies the first transfer
 * handler that takes it. Throws what the handler throws.
 */
export function encodeOne(value: unknown, context: SerializeContext, sink: EncodeSink): unknown {
  let v = value;
  if (isTransfer(v)) {
    sink.addTransfer(v.transferList);
    v = v.value;
  }
  const handler = findTransferHandler(v);
  if (handler === undefined) return v;
  const [data, list] = handler.serialize(v, context);
  sink.addTransfer(list);
  sink.encoded = true;
  return { [ENVELOPE]: handler.name, data } satisfies Envelope;
}

/** Encodes the elements of `values` that are objects; copies the array only if one changed. */
function encodeList(values: unknown[], context: SerializeContext, sink: EncodeSink): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const a = values[i];
    if (!isObjectLike(a)) continue;
    const v = encodeOne(a, context, sink);
    if (v !== a) {
      copy ??= [...values];
      copy[i] = v;
    }
  }
  return copy ?? values;
}

/**
 * @internal The wire form of a call's arguments (parent side). Never changes `args`
 * in place (a requeued call is encoded again). Throws what a handler throws.
 */
export function encodeArgs(
  args: unknown[],
  flags: number,
  context: SerializeContext,
  sink: EncodeSink,
): unknown[] {
  if ((flags & TaskFlag.Chunk) === 0) return encodeList(args, context, sink);
  const items = args[0];
  // a packed chunk is a Float64Array: nothing to encode
  if (!Array.isArray(items) || !hasTransferHandlers()) return args;
  if ((flags & TaskFlag.Star) === 0) {
    const encoded = encodeList(items, context, sink);
    return encoded === items ? args : [encoded];
  }
  let copy: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const row = items[i] as unknown[];
    const encoded = encodeList(row, context, sink);
    if (encoded !== row) {
      copy ??= [...items];
      copy[i] = encoded;
    }
  }
  return copy === undefined ? args : [copy];
}

/** @internal Whether `value` is a transfer-handler envelope. */
export function isEnvelope(value: unknown): value is Envelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Envelope>)[ENVELOPE] === 'string'
  );
}

/**
 * @internal Rebuilds one value: an envelope becomes the handler's object, anything
 * else passes through. `missing(name)` words the TypeError for an unregistered handler.
 */
export function decodeOne(
  value: unknown,
  context: DeserializeContext,
  missing: (name: string) => string,
): unknown {
  if (!isEnvelope(value)) return value;
  const handler = getTransferHandler(value[ENVELOPE]);
  if (handler === undefined) throw new TypeError(missing(value[ENVELOPE]));
  return handler.deserialize(value.data, context);
}

const missingInWorker = (name: string) =>
  `No transfer handler named '${name}' is registered in the worker: register it in a module that the task module imports`;

/** @internal Decodes a call's arguments in place (worker side), mirroring {@link encodeArgs}. */
export function decodeArgs(args: unknown[], flags: number, context: DeserializeContext): void {
  if ((flags & TaskFlag.Chunk) === 0) {
    for (let i = 0; i < args.length; i++) args[i] = decodeOne(args[i], context, missingInWorker);
    return;
  }
  const items = args[0] as unknown[];
  const star = (flags & TaskFlag.Star) !== 0;
  for (let i = 0; i < items.length; i++) {
    if (star) {
      const row = items[i] as unknown[];
      for (let j = 0; j < row.length; j++) row[j] = decodeOne(row[j], context, missingInWorker);
    } else items[i] = decodeOne(items[i], context, missingInWorker);
  }
}
