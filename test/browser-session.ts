/**
 * A real headless Chromium for the browser tests, driven by playwright-core:
 * Debian's `chromium` package (Playwright's own downloads are not used), and
 * a record of everything the page reports that a person would call broken:
 * console errors and warnings, uncaught page errors, failed requests and
 * HTTP errors (a missing favicon included).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser; DIGITNET_CHROMIUM overrides. */
export const CHROMIUM = process.env.DIGITNET_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launch Chromium, or throw an error that says how to install it (CI installs it; the tests fail rather than skip). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser tests need Chromium at ${CHROMIUM}, and it is not there: install it with ` +
        '`sudo apt-get install -y --no-install-recommends chromium` (as .ci/run does), or set DIGITNET_CHROMIUM to a Chromium binary',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
}

/** Every complaint from `page` and the workers it starts, as one line each. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('worker', (worker) => {
    worker.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`worker console ${message.type()}: ${message.text()}`);
    });
  });
  return problems;
}
