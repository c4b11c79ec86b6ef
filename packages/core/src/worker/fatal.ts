// Fatal exits: a task that calls process.exit() or throws from a timer kills the
// worker. Before it dies, the runtime posts the results it finished and
// `[FATAL, error, startedIds, exitCode]`, so the parent knows which calls were
// running (they fail with WorkerCrashedError) and which never started (requeued).

import { serializeError } from '../error-codec.js';
import { Msg } from '../protocol.js';
import type { WorkerPort } from '../transport.js';

/**
 * @internal Wraps `process.exit` and installs `uncaughtException` /
 * `unhandledRejection` handlers (nothing to do where there is no `process`).
 */
export function installFatalHandlers(
  port: WorkerPort,
  flush: () => void,
  startedIds: () => number[],
): void {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (proc === undefined || typeof proc.on !== 'function') return;
  const realExit = proc.exit.bind(proc);
  let dying = false;
  const die = (error: unknown, code: number) => {
    if (dying) return realExit(code);
    dying = true;
    try {
      flush();
      port.post([
        Msg.Fatal,
        error === undefined ? undefined : serializeError(error),
        startedIds(),
        code,
      ]);
    } catch {
      // nothing more we can do: the parent falls back to what it knows
    }
    return realExit(code);
  };
  proc.exit = ((code?: number | string | null) => {
    const n =
      code === undefined || code === null
        ? typeof proc.exitCode === 'number'
          ? proc.exitCode
          : 0
        : Number(code);
    return die(undefined, Number.isFinite(n) ? n : 1);
  }) as typeof proc.exit;
  proc.on('uncaughtException', (error) => die(error, 1));
  proc.on('unhandledRejection', (reason) => die(reason, 1));
}
