import { TaskClosureError, type WireTask } from '@par/core';
import { processCapabilities } from './entry.js';
import { HandleClient } from './handle-client.js';
import { reviveHandles } from './handle-wire.js';
import { IpcChannels } from './ipc-channels.js';
import { loadTask } from './load-task.js';
import { installPipeReviver } from './pipe.js';
import { decodeArg } from './transfer-codec.js';
import { installProcessTransferHandlers } from './transfer-handlers.js';

interface RunMessage {
  t: 'par:run';
  task: WireTask;
  args: unknown[];
  name: string;
}

function send(message: unknown, callback?: (error: Error | null) => void): void {
  if (!process.send || !process.connected) {
    callback?.(null);
    return;
  }
  process.send(message, undefined, {}, callback ?? (() => {}));
}

// Exit only after everything sent so far (pipe messages included) left the channel:
// the callback of the last message runs once the earlier ones were written.
function finish(code: number): void {
  send({ t: 'par:end', code }, () => process.exit(code));
}

/** "x is not defined" in a self-contained function: say which variable and what to do. */
function closureError(error: unknown, task: WireTask): unknown {
  if (task.source === undefined || !(error instanceof ReferenceError)) return error;
  const variable = /^(\S+) is not defined$/.exec(error.message)?.[1];
  if (variable === undefined || variable in globalThis) return error;
  return new TaskClosureError(
    `The function \`${task.name}\` sent to a process uses \`${variable}\`, a variable from outside its own source; a self-contained function carries only its source text. Pass \`${variable}\` in \`args\`, or export the function from a module and pass a reference: tasks(new URL('./tasks.js', import.meta.url)).${task.name}`,
    variable,
    { cause: error },
  );
}

async function run(
  client: HandleClient,
  channels: IpcChannels,
  message: RunMessage,
): Promise<void> {
  try {
    const fn = await loadTask(message.task);
    const context = {
      capabilities: processCapabilities,
      channel: (id: number) => channels.port(id),
    };
    const args = reviveHandles(
      message.args.map((arg) => decodeArg(arg, context)),
      client.revive,
    );
    await fn(...args);
  } catch (caught) {
    const error = closureError(caught, message.task);
    const shown = error instanceof Error ? (error.stack ?? String(error)) : String(error);
    process.stderr.write(`Process ${message.name}:\n${shown}\n`);
    finish(1);
    return;
  }
  finish(typeof process.exitCode === 'number' ? process.exitCode : 0);
}

/** The child side of a `Process`: say ready, run the one task, exit. */
export function startProcessChild(): void {
  installPipeReviver();
  installProcessTransferHandlers();
  const client = new HandleClient((message) => send(message));
  const channels = new IpcChannels((message) => send(message));
  process.on('disconnect', () => {
    client.disconnect();
    channels.closeAll();
  });
  process.on('message', (message: unknown) => {
    if (client.handle(message) || channels.handle(message)) return;
    const m = message as RunMessage;
    if (m?.t === 'par:run') void run(client, channels, m);
  });
  send({ t: 'par:ready' });
}
