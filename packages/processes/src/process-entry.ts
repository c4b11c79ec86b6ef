// The entry file of every child process @par/processes starts. The parent forks
// it with `argv[2]` naming the mode: 'process' runs one task and exits (Process).
import type { WireTask } from '@par/core';
import { HandleClient } from './handle-client.js';
import { reviveHandles } from './handle-wire.js';
import { loadTask } from './load-task.js';
import { installPipeReviver } from './pipe.js';
import { watchParent } from './watchdog.js';

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

watchParent();
installPipeReviver();
const client = new HandleClient((message) => send(message));
process.on('disconnect', () => client.disconnect());

// Exit only after everything sent so far (pipe messages included) left the channel:
// the callback of the last message runs once the earlier ones were written.
function finish(code: number): void {
  send({ t: 'par:end', code }, () => process.exit(code));
}

async function runProcess(message: RunMessage): Promise<void> {
  try {
    const fn = await loadTask(message.task);
    const args = reviveHandles(message.args, client.revive);
    await fn(...args);
  } catch (error) {
    const shown = error instanceof Error ? (error.stack ?? String(error)) : String(error);
    process.stderr.write(`Process ${message.name}:\n${shown}\n`);
    finish(1);
    return;
  }
  finish(typeof process.exitCode === 'number' ? process.exitCode : 0);
}

process.on('message', (message: unknown) => {
  if (client.handle(message)) return;
  const m = message as RunMessage;
  if (m?.t === 'par:run') void runProcess(m);
});

send({ t: 'par:ready' });
