import type { WorkerBoot } from '@par/core';
import { startWorkerRuntime } from '@par/core/worker';
import { installProcessTransferHandlers } from './transfer-handlers.js';
import { createProcessPort } from './worker-port.js';

/**
 * The child side of a pool worker: read the boot record, then run @par/core's
 * runtime. `beforeUserCode` (the watchdog thread) runs before the first task
 * module, task or initializer; `onFirstResults` once the first results were written.
 */
export function startPoolChild(beforeUserCode: () => void, onFirstResults?: () => void): void {
  installProcessTransferHandlers();
  const port = createProcessPort(
    beforeUserCode,
    (message) => {
      const m = message as { t?: string; boot?: WorkerBoot };
      if (m?.t !== 'par:boot' || !m.boot) {
        throw new Error('@par/processes: expected a boot record');
      }
      startWorkerRuntime(port, m.boot);
    },
    onFirstResults,
  );
}
