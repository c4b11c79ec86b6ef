// A Redis connection given as a URL (`redis://:password@host:6379/0`,
// `rediss://` for TLS) or as ioredis options. BullMQ opens the connections of its
// Queue / Worker / QueueEvents from it; the pool and the worker open one more for
// cancellation, heartbeats and the connection watchdog.

import { optionMessage } from '@par/async/internal';
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis URL string (`redis://:password@host:6379/0`, `rediss://…` for TLS), ioredis
 * options (host, port, password, tls, …), or both: `{ url, ...options }`, e.g.
 * `{ url: 'rediss://:pw@redis.internal:6380', tls: { ca } }` for a private CA.
 */
export type RedisConnection = string | URL | RedisOptions | (RedisOptions & { url: string | URL });

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
  if (typeof value === 'string') return fromUrl(name, value, {});
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { url?: unknown }).url !== undefined
  ) {
    const { url, ...rest } = value as RedisOptions & { url: unknown };
    const href = url instanceof URL ? url.href : url;
    if (typeof href !== 'string') {
      throw new TypeError(optionMessage(`${name}.url`, 'a redis:// or rediss:// URL', url));
    }
    return fromUrl(`${name}.url`, href, rest);
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

function fromUrl(name: string, href: string, options: RedisOptions): ResolvedConnection {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new TypeError(optionMessage(name, 'a redis:// or rediss:// URL', href));
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(optionMessage(name, 'a redis:// or rediss:// URL', href));
  }
  if (url.password) url.password = '***';
  const merged = { ...options, maxRetriesPerRequest: null };
  return {
    // BullMQ opens `new Redis(url, rest)` from `{ url, ...rest }`
    bull: { url: href, ...merged } as ConnectionOptions,
    create: () => new Redis(href, merged),
    label: url.href,
  };
}
