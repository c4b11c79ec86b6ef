// A Redis connection given as a URL (`redis://:password@host:6379/0`,
// `rediss://` for TLS) or as ioredis options. BullMQ opens the connections of its
// Queue / Worker / QueueEvents from it; the pool and the worker open one more for
// cancellation, heartbeats and the connection watchdog.

import { optionMessage } from '@par/async/internal';
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/** A Redis URL string or ioredis options (host, port, password, tls, …). */
export type RedisConnection = string | URL | RedisOptions;

/** @internal The validated connection. */
export interface ResolvedConnection {
  /** For BullMQ (`maxRetriesPerRequest: null`: commands wait across outages). */
  readonly bull: ConnectionOptions;
  /** A new ioredis client of our own. */
  create(): Redis;
  /** Printable form, without the password. */
  readonly label: string;
}

/** @internal */
export function resolveConnection(name: string, value: unknown): ResolvedConnection {
  if (value instanceof URL) value = value.href;
  if (typeof value === 'string') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new TypeError(optionMessage(name, 'a redis:// or rediss:// URL', value));
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new TypeError(optionMessage(name, 'a redis:// or rediss:// URL', value));
    }
    const href = value;
    if (url.password) url.password = '***';
    return {
      bull: { url: href, maxRetriesPerRequest: null },
      create: () => new Redis(href, { maxRetriesPerRequest: null }),
      label: url.href,
    };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const options = { ...(value as RedisOptions), maxRetriesPerRequest: null };
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? 6379;
    return {
      bull: options as ConnectionOptions,
      create: () => new Redis(options),
      label: `${options.tls ? 'rediss' : 'redis'}://${host}:${port}`,
    };
  }
  throw new TypeError(optionMessage(name, 'a Redis URL string or ioredis options', value));
}
