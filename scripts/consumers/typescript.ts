// A TypeScript consumer of the installed tarballs' declarations, compiled (not run)
// in a Node-only setup: lib ES2023 without DOM, types ["node"], skipLibCheck false,
// once with moduleResolution node16 and once with bundler.
import * as parAsync from '@par/async';
import { gather, sleep } from '@par/async';
import * as parCluster from '@par/cluster';
import { ClusterPool } from '@par/cluster';
import * as parCore from '@par/core';
import * as parJoblib from '@par/joblib-style';
import { delayed, Parallel } from '@par/joblib-style';
import * as parProcesses from '@par/processes';
import { ProcessPool } from '@par/processes';
import * as parQueue from '@par/queue';
import { Queue } from '@par/queue';
import * as parThreads from '@par/threads';
import { Lock, type RemoteQueue, ThreadPool, tasks, Value } from '@par/threads';

export const packages: object[] = [
  parAsync,
  parQueue,
  parCore,
  parThreads,
  parProcesses,
  parJoblib,
  parCluster,
];

interface TaskModule {
  square(n: number): number;
  addUnderLock(lock: Lock, counter: Value<'i32'>, times: number): void;
}

export async function main(): Promise<number[]> {
  const t = tasks<TaskModule>(new URL('./threads-tasks.mjs', import.meta.url));
  const threads = new ThreadPool({ maxWorkers: 2 });
  const squared: number = await threads.run(t.square, 3);
  await threads.run(t.addUnderLock, new Lock(), new Value('i32', 0), 10);
  await threads.close();

  const processes = new ProcessPool({ maxWorkers: 1 });
  const doubled: number[] = await processes.map((n: number) => n * 2, [1, 2]);
  await processes.close();

  const parallel: number[] = await Parallel({ nJobs: 2 })([1, 2].map((x) => delayed(t.square)(x)));

  const queue = new Queue<number>();
  await queue.put(squared);
  const [item] = await gather([queue.get(), sleep(1)]);
  const remote = {} as RemoteQueue<number>;
  const size: number = await remote.size;

  const cluster = new ClusterPool({
    connection: 'redis://127.0.0.1:6379',
    queue: 'jobs',
    root: new URL('./', import.meta.url),
  });
  await cluster.terminate();
  return [item, size, ...doubled, ...parallel];
}
