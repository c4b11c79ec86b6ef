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

// One channel (and one holder token) per pipe end and worker connection, reused by
// every later call that passes the same end to that worker, so channels do not pile
// up in a long-lived child. It ends when the child closes its copy or exits.
const served = new WeakMap<SerializeContext, Map<Connection, ConnectionData>>();
const revived = new WeakMap<DeserializeContext, Map<number, Connection>>();

function serialize(connection: Connection, context: SerializeContext): [ConnectionData, []] {
  let ends = served.get(context);
  if (!ends) {
    ends = new Map();
    served.set(context, ends);
  }
  const known = ends.get(connection);
  if (known) return [known, []];
  const { id, port } = context.openChannel();
  const link = new HandleLink((message) => port.post(message));
  const data = { ch: id, marker: connection.toHandleMarker(link.adopt) };
  const byConnection = ends;
  byConnection.set(connection, data);
  port.onMessage((message) => link.handle(message));
  port.onClose(() => {
    link.dispose();
    byConnection.delete(connection);
  });
  return [data, []];
}

function deserialize(data: ConnectionData, context: DeserializeContext): Connection {
  let byChannel = revived.get(context);
  if (!byChannel) {
    byChannel = new Map();
    revived.set(context, byChannel);
  }
  const known = byChannel.get(data.ch);
  if (known) return known;
  const port = context.channel(data.ch);
  const client = new HandleClient((message) => port.post(message));
  const connection = remoteConnection(client, data.marker, () => port.close());
  const channels = byChannel;
  channels.set(data.ch, connection);
  port.onMessage((message) => client.handle(message));
  port.onClose(() => {
    client.disconnect();
    channels.delete(data.ch);
  });
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
