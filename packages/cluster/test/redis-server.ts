// Starts a real redis-server on a free loopback port with its own temporary
// directory (append-only file on, so a restart keeps the jobs) and stops it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
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

function launch(port: number, dir: string, extra: readonly string[]): Promise<ChildProcess> {
  const child = spawn(
    process.env.REDIS_SERVER ?? 'redis-server',
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
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
}

/**
 * Starts redis-server; `password` turns on AUTH (the URL then carries it); `tls`
 * serves only TLS (`rediss://` URL), with a certificate from a throwaway CA.
 */
export async function startRedis(
  options: { password?: string; tls?: boolean } = {},
): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'par-cluster-redis-'));
  const extra = options.password === undefined ? [] : ['--requirepass', options.password];
  let ca: string | undefined;
  if (options.tls === true) {
    const files = makeCertificates(dir);
    ca = readFileSync(files.ca, 'utf8');
    extra.push('--port', '0', '--tls-port', String(port));
    extra.push('--tls-cert-file', files.cert, '--tls-key-file', files.key);
    extra.push('--tls-ca-cert-file', files.ca, '--tls-auth-clients', 'no');
  }
  const scheme = options.tls === true ? 'rediss' : 'redis';
  let child: ChildProcess | undefined = await launch(port, dir, extra);
  const stop = async () => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null) return;
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
      child = await launch(port, dir, extra);
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
