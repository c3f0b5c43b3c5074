// What the Firefox tests share: the system's Firefox ESR (Debian's `firefox-esr`, never one a tool
// downloads) driven over WebDriver BiDi by puppeteer-core, pages that record what goes wrong, and
// small waits on what the reader sees. Where the build is, its posts and the app's "drawn" signal
// come from the Chromium suite's harness, so both engines read the same build the same way. Not a
// test file (node --test runs only *.test.mjs).
import puppeteer from 'puppeteer-core';
import { TIMEOUT, recordProblems } from '../e2e/harness.mjs';

// `appReady` only waits on a function of the page, which Puppeteer's pages take as Playwright's do.
export { root, dist, postsOf, appReady, TIMEOUT } from '../e2e/harness.mjs';

/**
 * Headless Firefox ESR; `prefs` adds preferences (such as `javascript.enabled: false`) to those
 * puppeteer gives every profile it makes (no updates, telemetry, safe browsing or first-run pages).
 * Bounded in time like everything in the tests.
 */
export function launchFirefox(prefs = {}) {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    timeout: TIMEOUT,
    protocolTimeout: TIMEOUT * 2,
    extraPrefsFirefox: prefs,
  });
}

/**
 * A fresh browsing context (its own cache, storage and service workers) and page that records
 * console errors, uncaught exceptions, dialogs, failed loads and requests, like the Chromium
 * suite's `openPage`.
 */
export async function openPage(browser) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.setViewport({ width: 1280, height: 900 });
  const recorded = recordProblems(page);
  // Chromium logs a failed load as a console error; Firefox does not, so it is counted here.
  page.on('response', (res) => {
    if (res.status() >= 400) recorded.problems.push(`status of ${res.status()}: ${res.url()}`);
  });
  page.on('requestfailed', (req) => recorded.problems.push(`failed to load: ${req.url()} (${req.failure()?.errorText})`));
  return { page, context, ...recorded, close: () => context.close() };
}

/** The text of every element `selector` matches, in document order. */
export function texts(page, selector) {
  return page.$$eval(selector, (els) => els.map((el) => el.textContent));
}

/** Waits until an element `selector` matches has text that `wanted` (a string or RegExp) matches. */
export function waitForText(page, selector, wanted) {
  const [source, flags] = wanted instanceof RegExp ? [wanted.source, wanted.flags] : [null, null];
  return page.waitForFunction(
    (selector, plain, source, flags) => [...document.querySelectorAll(selector)].some((el) =>
      (source === null ? el.textContent.includes(plain) : new RegExp(source, flags).test(el.textContent))),
    {},
    selector,
    typeof wanted === 'string' ? wanted : null,
    source,
    flags,
  );
}

/** Clicks the link inside `scope` whose text is exactly `text`. */
export async function clickLink(page, scope, text) {
  const link = await page.waitForFunction(
    (scope, text) => [...document.querySelectorAll(`${scope} a`)].find((a) => a.textContent.trim() === text),
    {},
    scope,
    text,
  );
  await link.asElement().click();
}
