import { fileURLToPath } from 'node:url';
import type { TransportCapabilities } from '@par/core';

/** The child entry, next to this module in dist/ (and in the installed package). */
export function entryPath(): string {
  return fileURLToPath(new URL('./process-entry.cjs', import.meta.url));
}

/** What a child process can carry: copies only (v8 serialization), channels multiplexed over IPC. */
export const processCapabilities: TransportCapabilities = Object.freeze({
  kind: 'processes',
  sharedMemory: false,
  transfer: false,
  messagePorts: false,
});
