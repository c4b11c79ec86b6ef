// Starts a real redis-server for the samples that need one (the @par/cluster recipe):
// on a free loopback port, in its own temporary directory, stopped after the tests.
// A machine without redis-server fails those tests with a message that says how to
// install it: the cluster samples never pass (or skip) silently.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const redisServerCommand = process.env.REDIS_SERVER ?? 'redis-server';

export function missingRedisMessage(command: string): string {
  return [
    `No redis-server found (tried \`${command}\`). The @par/cluster samples run against a real`,
    "Redis. Install Debian's package: `sudo apt-get install -y redis-server` (any Redis 7 works),",
    'or point REDIS_SERVER at a redis-server binary.',
  ].join(' ');
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server, waits for its exit and removes its directory. */
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function launch(command: string, port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    command,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(missingRedisMessage(command)) : error),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
}

/** Starts redis-server on a free loopback port. */
export async function startRedis(command = redisServerCommand): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'par-docs-redis-'));
  let child: ChildProcess;
  try {
    child = await launch(command, port, dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
