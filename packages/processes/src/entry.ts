import { fileURLToPath } from 'node:url';
import type { TransportCapabilities } from '@par/core';

/**
 * The file a child process starts with, next to this module in dist/ (and in the
 * installed package): it runs the child entry, process-entry.cjs, with its code cache.
 */
export function entryPath(): string {
  return fileURLToPath(new URL('./process-boot.cjs', import.meta.url));
}

/** What a child process can carry: copies only (v8 serialization), channels multiplexed over IPC. */
export const processCapabilities: TransportCapabilities = Object.freeze({
  kind: 'processes',
  sharedMemory: false,
  transfer: false,
  messagePorts: false,
});
