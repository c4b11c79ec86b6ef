import type { WorkerBoot } from '@par/core';
import { startWorkerRuntime } from '@par/core/worker';
import { installProcessTransferHandlers } from './transfer-handlers.js';
import { createProcessPort } from './worker-port.js';

/** The child side of a pool worker: wait for the boot record, then run @par/core's runtime. */
export function startPoolChild(): void {
  installProcessTransferHandlers();
  const port = createProcessPort();
  let booted = false;
  process.on('message', (message: unknown) => {
    if (booted) {
      port.deliver(message);
      return;
    }
    const m = message as { t?: string; boot?: WorkerBoot };
    if (m?.t !== 'par:boot' || !m.boot) return;
    booted = true;
    startWorkerRuntime(port, m.boot);
  });
}
