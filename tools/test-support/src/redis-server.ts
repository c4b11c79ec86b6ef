// Starts a real redis-server for the tests that need one, on a free loopback port in
// its own temporary directory (append-only file on, so a restart keeps the jobs), and
// stops it. A machine without redis-server fails those tests with a message that says
// how to install it: they never pass (or skip) silently.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The redis-server the tests start: `REDIS_SERVER`, else the one on the PATH. */
export const redisServerCommand = process.env.REDIS_SERVER ?? 'redis-server';

/** What a test that needs Redis says when `command` cannot be started. */
export function missingRedisMessage(command: string): string {
  return [
    `No redis-server found (tried \`${command}\`). These tests run against a real Redis.`,
    "Install Debian's package: `sudo apt-get install -y redis-server` (any Redis 7 works;",
    '`bash .ci/run` installs it when it runs as root), or point REDIS_SERVER at a',
    'redis-server binary.',
  ].join(' ');
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` (`rediss://` with `tls`, with the password when there is one) */
  readonly url: string;
  /** With `tls`: the PEM of the throwaway CA that signed the server's certificate. */
  readonly ca?: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server (SIGTERM: it writes its append-only file) and waits for its exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

export interface RedisOptions {
  /** Turns on AUTH; the URL then carries the password. */
  password?: string;
  /** Serves only TLS (`rediss://` URL), with a certificate from a throwaway CA. */
  tls?: boolean;
  /** The redis-server binary. Default: {@link redisServerCommand}. */
  command?: string;
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

/** A throwaway CA and a certificate for 127.0.0.1 it signed, made with openssl in `dir`. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt')].concat([
      '-days',
      '1',
      '-subj',
      '/CN=par test CA',
    ]),
  );
  openssl(
    ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr')].concat([
      '-subj',
      '/CN=127.0.0.1',
    ]),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt')]
      .concat(['-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.crt')])
      .concat(['-days', '1', '-extfile', file('san.ext')]),
  );
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}

function launch(
  command: string,
  port: number,
  dir: string,
  extra: readonly string[],
): Promise<ChildProcess> {
  const child = spawn(
    command,
    [
      ...(extra.includes('--tls-port') ? [] : ['--port', String(port)]),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
      ...extra,
    ],
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

/** Starts redis-server on a free loopback port; rejects with {@link missingRedisMessage} without one. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const command = options.command ?? redisServerCommand;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'par-redis-'));
  const extra = options.password === undefined ? [] : ['--requirepass', options.password];
  let ca: string | undefined;
  let child: ChildProcess | undefined;
  try {
    if (options.tls === true) {
      const files = makeCertificates(dir);
      ca = readFileSync(files.ca, 'utf8');
      extra.push('--port', '0', '--tls-port', String(port));
      extra.push('--tls-cert-file', files.cert, '--tls-key-file', files.key);
      extra.push('--tls-ca-cert-file', files.ca, '--tls-auth-clients', 'no');
    }
    child = await launch(command, port, dir, extra);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const scheme = options.tls === true ? 'rediss' : 'redis';
  const stop = async () => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGTERM');
    await exited;
  };
  return {
    url:
      options.password === undefined
        ? `${scheme}://127.0.0.1:${port}`
        : `${scheme}://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`,
    ...(ca === undefined ? {} : { ca }),
    port,
    dir,
    stop,
    async start() {
      child = await launch(command, port, dir, extra);
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
