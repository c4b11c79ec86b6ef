import type { WireTask } from '@par/core';
import { decodeValue, resolveWireTask, TaskClosureError } from '@par/core/worker';
import { processCapabilities } from './entry.js';
import { IpcChannels } from './ipc-channels.js';
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

// Exit only after everything sent so far (pipe and queue calls included) left the
// channel: the callback of the last message runs once the earlier ones were written.
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
  channels: IpcChannels,
  message: RunMessage,
  beforeUserCode: () => void,
): Promise<void> {
  try {
    beforeUserCode();
    const fn = await resolveWireTask(message.task);
    const context = {
      capabilities: processCapabilities,
      channel: (id: number) => channels.port(id),
    };
    const args = message.args.map((arg) => decodeValue(arg, context));
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

/**
 * The child side of a `Process`: say ready, run the one task, exit.
 * `beforeUserCode` (the watchdog thread) runs before the task's module is imported.
 */
export function startProcessChild(beforeUserCode: () => void): void {
  installProcessTransferHandlers();
  const channels = new IpcChannels((message) => send(message));
  process.on('disconnect', () => channels.closeAll());
  process.on('message', (message: unknown) => {
    if (channels.handle(message)) return;
    const m = message as RunMessage;
    if (m?.t === 'par:run') void run(channels, m, beforeUserCode);
  });
  send({ t: 'par:ready' });
}
