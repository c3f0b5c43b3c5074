// What the browser tests and the measurement commands (bench/perf/) share: where the build is, how
// Chromium is started (the system's own, never a downloaded one), pages that record what goes
// wrong, and the signal that the app has drawn. Not a test file (node --test runs only *.test.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dist = path.join(root, 'dist');
export const artifacts = path.join(root, 'tests/artifacts');
export const TIMEOUT = 15_000;

/** Headless Chromium with no background traffic; bounded in time like everything in the tests. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: TIMEOUT,
  });
}

/** The posts of a built site, newest first. */
export function postsOf(site = dist) {
  const manifest = JSON.parse(fs.readFileSync(path.join(site, 'data/manifest.json'), 'utf8'));
  return JSON.parse(fs.readFileSync(path.join(site, 'data', manifest.all_posts), 'utf8')).posts;
}

/** The fieldnotes CLI, built by cargo (the same binary the Trunk hooks run). */
export function fieldnotes(...args) {
  execFileSync('cargo', ['run', '--quiet', '--bin', 'fieldnotes', '--', ...args], { cwd: root, stdio: 'pipe' });
}

/**
 * A fresh context (empty cache and storage) and page that records console errors, uncaught
 * exceptions, dialogs and requests. `serviceWorkers: 'block'` keeps the site's service worker out,
 * for tests that stand in for the network with `page.route` (which never sees requests the
 * worker answers).
 */
export async function openPage(
  browser,
  { viewport = { width: 1280, height: 900 }, colorScheme = 'light', serviceWorkers = 'allow' } = {},
) {
  const context = await browser.newContext({ viewport, colorScheme, serviceWorkers });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = [];
  const requests = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('request', (req) => requests.push(req.url()));
  return { page, context, problems, requests, close: () => context.close() };
}

/** The app has drawn its own view (the build's no-JavaScript copy is gone). */
export async function appReady(page) {
  await page.waitForFunction(() => !document.getElementById('prerendered'));
}
