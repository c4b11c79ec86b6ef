// Applies @par/core's transfer-handler registry to a Process's arguments, the way
// the engine applies it to a pool task's: each top-level argument that a handler
// takes travels as `{ __parTransfer: name, data }` and is rebuilt in the child.
import type { DeserializeContext, SerializeContext, TransferHandler } from '@par/core';

const ENVELOPE = '__parTransfer';
// The registry lives on globalThis under this key (see @par/core's DESIGN.md), so
// that every copy of @par/core in a process shares it.
const registryKey = Symbol.for('@par/core.transferHandlers');

function registry(): Map<string, TransferHandler> {
  return (
    (globalThis as unknown as Record<symbol, Map<string, TransferHandler> | undefined>)[
      registryKey
    ] ?? new Map()
  );
}

export function encodeArg(value: unknown, context: SerializeContext): unknown {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return value;
  for (const handler of registry().values()) {
    if (handler.canHandle(value)) {
      const [data] = handler.serialize(value, context);
      return { [ENVELOPE]: handler.name, data };
    }
  }
  return value;
}

export function decodeArg(value: unknown, context: DeserializeContext): unknown {
  if (typeof value !== 'object' || value === null || !(ENVELOPE in value)) return value;
  const { [ENVELOPE]: name, data } = value as { [ENVELOPE]: string; data: unknown };
  const handler = registry().get(name);
  if (!handler) {
    throw new TypeError(
      `No transfer handler named '${name}' is registered in the child; import the module that registers it from the task module`,
    );
  }
  return handler.deserialize(data, context);
}
