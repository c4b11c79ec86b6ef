import assert from 'node:assert/strict';
import {
  ClusterPool,
  ConnectionLostError,
  InlineRemoteError,
  PayloadTooLargeError,
  startWorker,
  TaskNotAllowedError,
  tasks,
} from '@par/cluster';

const connection = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const queue = 'troubleshooting';
const root = new URL('./', import.meta.url);
const t = tasks(new URL('./joblib-tasks.mjs', import.meta.url));
const notAllowed = tasks(new URL('./trouble-tasks.mjs', import.meta.url));
const show = (error) => console.log(`${error.name}: ${error.message}`);

// a worker that serves joblib-tasks.mjs only
const worker = await startWorker({
  connection,
  queue,
  root,
  allow: ['joblib-tasks.mjs'],
  threads: 1,
});
const pool = new ClusterPool({ connection, queue, root, maxPayloadBytes: 1024 });
try {
  // an inline function: refused at the caller, nothing is sent
  const cube = (n) => n ** 3;
  await assert.rejects(pool.run(cube, 3), (error) => {
    show(error);
    return error instanceof InlineRemoteError && error.code === 'PAR_INLINE_REMOTE';
  });

  // a module the worker was not started with --allow for
  await assert.rejects(pool.run(notAllowed.normOfData, { x: 3, y: 4 }), (error) => {
    show(error);
    return error instanceof TaskNotAllowedError && error.module === 'trouble-tasks.mjs';
  });

  // arguments above maxPayloadBytes (1 KiB here; 16 MiB by default)
  await assert.rejects(pool.run(t.square, new Float64Array(1_000)), (error) => {
    show(error);
    return error instanceof PayloadTooLargeError && error.limit === 1024;
  });

  assert.equal(await pool.run(t.square, 12), 144); // the pool goes on
} finally {
  await pool.close();
  await worker.close();
}

// a Redis nobody answers at: the calls reject after connectionTimeout instead of hanging
const lost = new ClusterPool({
  connection: 'redis://127.0.0.1:9', // the discard port: nothing listens there
  queue,
  root,
  connectionTimeout: 500,
});
try {
  await assert.rejects(lost.run(t.square, 2), (error) => {
    show(error);
    return error instanceof ConnectionLostError && error.code === 'PAR_CONNECTION_LOST';
  });
} finally {
  await lost.terminate();
}
