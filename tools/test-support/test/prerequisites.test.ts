// The browser and Redis tests need Chromium and redis-server from the system; without
// them they fail with a message that says how to install them, never skip.
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../src/chromium.js';
import { startRedis } from '../src/redis-server.js';

describe('a missing prerequisite', () => {
  it('fails the browser tests with a message that says how to install Chromium', async () => {
    const launching = launchChromium('/nonexistent/chromium');
    await expect(launching).rejects.toThrow(/No Chromium at \/nonexistent\/chromium/);
    await expect(launching).rejects.toThrow(/apt-get install -y chromium/);
    await expect(launching).rejects.toThrow(/CHROMIUM_PATH/);
  });

  it('fails the Redis tests with a message that says how to install redis-server', async () => {
    const starting = startRedis({ command: '/nonexistent/redis-server' });
    await expect(starting).rejects.toThrow(/No redis-server found/);
    await expect(starting).rejects.toThrow(/apt-get install -y redis-server/);
    await expect(starting).rejects.toThrow(/REDIS_SERVER/);
  });
});
