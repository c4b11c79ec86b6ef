import { constants } from 'node:os';

/** Python's exit code convention: the code, or minus the signal number when a signal ended it. */
export function toExitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal !== null) return -(constants.signals[signal] ?? 0);
  return code ?? 0;
}
