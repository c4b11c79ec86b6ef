import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// On Linux the kernel can kill a child when its parent dies (prctl
// PR_SET_PDEATHSIG), which covers a child busy in a loop without a watchdog
// thread of its own: that thread's start-up (a second V8 isolate and Node
// environment) cost about as much CPU as the rest of a pool child's start-up.
// Node cannot set it, so a pool child is started through util-linux's
// `setpriv --pdeathsig KILL -- node …`, which sets it and execs node (same pid).

let launcher: string | null | undefined;

/**
 * The path of a `setpriv` that supports `--pdeathsig`, found once per process on
 * the parent's PATH, or null (not Linux, not installed, too old): then a child
 * starts its watchdog thread instead.
 */
export function parentDeathLauncher(): string | null {
  if (launcher !== undefined) return launcher;
  launcher = null;
  if (process.platform !== 'linux') return launcher;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'setpriv');
    if (!existsSync(candidate)) continue;
    // --pdeathsig arrived in util-linux 2.33: check that this one takes it
    const probe = spawnSync(candidate, ['--pdeathsig', 'KILL', '--', candidate, '--version'], {
      stdio: 'ignore',
      timeout: 5000,
    });
    if (probe.status === 0) launcher = candidate;
    break;
  }
  return launcher;
}

/**
 * How to start `node nodeArgs` so that the kernel kills the child when this
 * process dies: through setpriv, with this process's pid appended to the
 * arguments (the child compares it with its parent's, to catch a parent that
 * died before the signal was armed); or plain node where that is not available.
 */
export function childCommand(nodeArgs: string[]): { command: string; args: string[] } {
  const setpriv = parentDeathLauncher();
  if (setpriv === null) return { command: process.execPath, args: nodeArgs };
  return {
    command: setpriv,
    args: ['--pdeathsig', 'KILL', '--', process.execPath, ...nodeArgs, String(process.pid)],
  };
}
