import {
  type DeserializeContext,
  registerQueueHandler,
  registerTransferHandler,
  type SerializeContext,
} from '@par/core';
import { Connection, remoteConnection } from './connection.js';
import { HandleClient } from './handle-client.js';
import { HandleLink } from './handle-host.js';
import type { HandleMarker } from './handle-wire.js';

interface ConnectionData {
  /** The channel the child's calls travel on. */
  ch: number;
  marker: HandleMarker;
}

// Each call (or Process) that receives a pipe end gets its own copy of it, like a
// duplicated file descriptor: a channel of the child's connection plus a holder
// token. The copy closes when the task calls close(), when the task ends (the
// engine's onTaskEnd / onCallSettled; for a Process, when it exits), or when the
// child exits — whichever comes first.

function serialize(connection: Connection, context: SerializeContext): [ConnectionData, []] {
  const { id, port } = context.openChannel();
  const link = new HandleLink((message) => port.post(message));
  const data = { ch: id, marker: connection.toHandleMarker(link.adopt) };
  port.onMessage((message) => link.handle(message));
  port.onClose(() => link.dispose());
  // the call settled (also when it never reached a worker): its copy is gone
  context.onCallSettled?.(() => port.close());
  return [data, []];
}

function deserialize(data: ConnectionData, context: DeserializeContext): Connection {
  const port = context.channel(data.ch);
  const client = new HandleClient((message) => port.post(message));
  port.onMessage((message) => client.handle(message));
  port.onClose(() => client.disconnect());
  const connection = remoteConnection(client, data.marker, () => port.close());
  context.onTaskEnd?.(() => connection.close());
  return connection;
}

let installed = false;

/**
 * Registers the handlers that let a pipe `Connection` and a @par/queue `Queue`
 * cross into a task: the parent keeps the object and serves the child's handle
 * over a channel of the child's connection. Idempotent; called by ProcessPool,
 * Process and the child entry.
 */
export function installProcessTransferHandlers(): void {
  if (installed) return;
  installed = true;
  // a @par/queue Queue arrives as a handle served by its owner (the same handler as threads')
  registerQueueHandler();
  registerTransferHandler<Connection, ConnectionData>({
    name: '@par/processes:Connection',
    canHandle: (value): value is Connection => value instanceof Connection,
    serialize,
    deserialize,
  });
}
