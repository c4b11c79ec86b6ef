import { describe, expect, it } from 'vitest';
import { launchChromium } from './chromium.js';

describe('the browser tests without Chromium', () => {
  it('fail with a message that says how to install Chromium', async () => {
    const launching = launchChromium('/nonexistent/chromium');
    await expect(launching).rejects.toThrow(/No Chromium at \/nonexistent\/chromium/);
    await expect(launching).rejects.toThrow(/apt-get install -y chromium/);
    await expect(launching).rejects.toThrow(/CHROMIUM_PATH/);
  });
});
