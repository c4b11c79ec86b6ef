import { registerQueueHandler, registerTransferHandler } from '@par/core';
import { HandleClient } from './handle-client.js';
import { HandleLink } from './handle-host.js';
import type { HandleMarker } from './handle-wire.js';
import { Connection, remoteConnection } from './pipe.js';

interface ConnectionData {
  /** The channel the child's calls travel on. */
  ch: number;
  marker: HandleMarker;
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
    serialize(connection, context) {
      const { id, port } = context.openChannel();
      const link = new HandleLink((message) => port.post(message));
      const marker = connection.toHandleMarker(link.adopt);
      port.onMessage((message) => link.handle(message));
      port.onClose(() => link.dispose());
      return [{ ch: id, marker }, []];
    },
    deserialize(data, context) {
      const port = context.channel(data.ch);
      const client = new HandleClient((message) => port.post(message));
      port.onMessage((message) => client.handle(message));
      port.onClose(() => client.disconnect());
      return remoteConnection(client, data.marker, () => port.close());
    },
  });
}
