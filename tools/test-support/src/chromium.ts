// Launches the system's headless Chromium for the browser tests (playwright-core with
// Debian's /usr/bin/chromium). The tests never download a browser: a missing one
// fails them with a message that says how to install it, so a machine without
// Chromium cannot pass (or skip) the browser tests silently.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The Chromium the tests drive: `CHROMIUM_PATH`, else Debian's package. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What a test that needs Chromium says when there is none at `path`. */
export function missingChromiumMessage(path: string): string {
  return [
    `No Chromium at ${path}. These tests run in real headless Chromium and never download`,
    "one. Install Debian's package: `sudo apt-get install -y chromium` (`bash .ci/run`",
    'installs it when it runs as root), or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  ].join(' ');
}

/**
 * Launches headless Chromium from `path`; rejects with {@link missingChromiumMessage}
 * when there is no file there.
 */
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
