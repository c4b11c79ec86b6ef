// A small HTTP server on 127.0.0.1 that answers every request after a fixed
// latency, standing in for a slow API. It counts what it sees, so the I/O section
// can show the server's side of a concurrency limit: the most requests in flight.
import { createServer } from 'node:http';

/**
 * @param {{ latency: number }} options latency in ms
 * @returns {Promise<{ url: string, stats: { requests: number, inFlight: number, maxInFlight: number }, resetStats(): void, close(): Promise<void> }>}
 */
export async function startLatencyServer({ latency }) {
  const stats = { requests: 0, inFlight: 0, maxInFlight: 0 };
  const server = createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const id = new URL(req.url ?? '/', 'http://localhost').searchParams.get('id');
    setTimeout(() => {
      stats.inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: Number(id) }));
    }, latency);
  });
  await /** @type {Promise<void>} */ (
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: '127.0.0.1' }, resolve);
    })
  );
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/`,
    stats,
    resetStats() {
      Object.assign(stats, { requests: 0, inFlight: 0, maxInFlight: 0 });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
