import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { Queue } from '@par/queue';
import { type ServedQueue, serveQueue } from '../src/queue-handle-host.js';
import type { ChannelPort } from '../src/transfer-handlers.js';

const fixture = new URL('./fixtures/queue-handle-worker.mjs', import.meta.url);

export function channelPort(port: MessagePort): ChannelPort {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (handler) => port.on('message', handler),
    onClose: (handler) => port.once('close', handler),
    close: () => port.close(),
  };
}

/** Runs a scenario of fixtures/queue-handle-worker.mjs with a handle on `queue`. */
export function withHandle<T>(
  queue: Queue<unknown>,
  scenario: string,
  data: Record<string, unknown> = {},
): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  serveQueue(queue as unknown as ServedQueue, channelPort(port1));
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(fixture, {
      workerData: { scenario, port: port2, maxsize: queue.maxsize, data },
      transferList: [port2],
    });
    let result: { value: T } | undefined;
    worker.once('message', (value: T) => {
      result = { value };
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      port1.close();
      if (result) resolve(result.value);
      else reject(new Error(`worker exited with code ${code} before answering`));
    });
  });
}
