import type { DeserializeContext, SerializeContext } from '@par/core';
import { RemoteClient, registerErrorClass, serveRemote } from '@par/core/remote';
// from the worker entry, not the root: the child process registers these too, and
// must not load the engine to do so
import { registerQueueHandler, registerTransferHandler } from '@par/core/worker';
import { Connection, remoteConnection } from './connection.js';
import { EOFError } from './errors.js';
import { heldBy, releaseToken } from './pipe-holders.js';

interface ConnectionData {
  /** The channel the child's calls travel on. */
  ch: number;
}

// Each call (or Process) that receives a pipe end gets its own copy of it, like a
// duplicated file descriptor: a channel of the child's connection, on which the
// parent serves the end (the remote-handle layer of @par/core), and a holder
// token. The copy closes when the task calls close(), when the task ends (the
// engine's onTaskEnd / onCallSettled; for a Process, when it exits), or when the
// child exits — whichever comes first.

function serialize(connection: Connection, context: SerializeContext): [ConnectionData, []] {
  const token = connection.toHolderToken();
  const { id, port } = context.openChannel();
  serveRemote(
    port,
    (op, args, call) => {
      const end = heldBy(token);
      if (!end) throw new EOFError('The connection is closed');
      return end.call(String(op), args, {
        token,
        get signal() {
          return call.signal;
        },
      });
    },
    { onClose: () => releaseToken(token) },
  );
  // the call settled (also when it never reached a worker): its copy is gone
  context.onCallSettled?.(() => port.close());
  return [{ ch: id }, []];
}

function deserialize(data: ConnectionData, context: DeserializeContext): Connection {
  const port = context.channel(data.ch);
  const client = new RemoteClient(port, () => new EOFError('The parent process is gone'));
  const connection = remoteConnection(client, () => port.close());
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
  // a pipe's EOFError, raised by the parent, arrives in the child as an EOFError
  registerErrorClass('PAR_EOF', EOFError);
  registerTransferHandler<Connection, ConnectionData>({
    name: '@par/processes:Connection',
    canHandle: (value): value is Connection => value instanceof Connection,
    serialize,
    deserialize,
  });
}
