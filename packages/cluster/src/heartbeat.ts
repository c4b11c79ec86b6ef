// Live workers, by heartbeat: each worker refreshes a key that expires after
// three missed beats and lists its id in a set; readers drop ids whose key expired.

import type { Redis } from 'ioredis';
import type { parKeys } from './wire.js';

/** What a worker announces in its heartbeat. */
export interface WorkerInfo {
  /** The worker's id (host, pid and a random suffix). */
  id: string;
  /** Host name of the machine. */
  host: string;
  /** Process id on that machine. */
  pid: number;
  /** Jobs it runs at once. */
  concurrency: number;
  /** Modules it serves (relative to its root). */
  allow: string[];
}

/** @internal The workers whose heartbeat is alive (stale ids are removed). */
export async function liveWorkers(
  client: Redis,
  keys: ReturnType<typeof parKeys>,
): Promise<WorkerInfo[]> {
  const ids = await client.smembers(keys.workers);
  if (ids.length === 0) return [];
  const values = await client.mget(ids.map((id) => keys.worker(id)));
  const live: WorkerInfo[] = [];
  const stale: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      stale.push(ids[i] as string);
      continue;
    }
    try {
      live.push(JSON.parse(value) as WorkerInfo);
    } catch {
      stale.push(ids[i] as string);
    }
  }
  if (stale.length > 0) await client.srem(keys.workers, ...stale);
  return live;
}
