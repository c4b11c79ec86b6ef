// Launches the system's headless Chromium for the site tests. The tests never download
// a browser: a missing one fails them with a message that says how to install it, so a
// machine without Chromium cannot pass the browser tests silently.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function missingChromiumMessage(path: string): string {
  return [
    `No Chromium at ${path}. The site tests load every page in real headless Chromium`,
    "and never download one. Install Debian's package: `sudo apt-get install -y chromium`,",
    'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  ].join(' ');
}

export async function launchChromium(path = chromiumPath): Promise<Browser> {
  if (!existsSync(path)) throw new Error(missingChromiumMessage(path));
  return chromium.launch({
    executablePath: path,
    // without the background-networking flags Chromium tries to reach Google's hosts
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
