// Reading offline in Firefox: after one visit the site's service worker holds the app and the post
// opened; the server then stops for real (its port refuses connections) and the reader reloads.
// The worker's finer rules (saving a tag, deploys, the cache's limit) are in tests/e2e/offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../e2e/static-server.mjs';
import { dist, postsOf, launchFirefox, openPage, appReady, texts, waitForText, clickLink } from './harness.mjs';

let browser;

before(async () => {
  browser = await launchFirefox();
});

after(async () => {
  await browser?.close();
});

const posts = postsOf(dist);
/** The text of the home card that links to `title`. */
const cardText = (page, title) => page.$$eval('.post-card', (cards, title) =>
  cards.find((c) => [...c.querySelectorAll('h2 a')].some((a) => a.textContent.trim() === title))?.textContent ?? '', title);

test('after one visit a post reads offline: reloaded, from the list, and a clear message for one never opened', async () => {
  const server = await serve(dist);
  const { page, problems, close } = await openPage(browser);
  const [opened, unopened] = [posts[1], posts[2]];
  try {
    await page.goto(server.url + '/');
    await appReady(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await clickLink(page, '.post-card h2', opened.title);
    await waitForText(page, 'article.post h1', opened.title);
    // The worker keeps each post opened, and the app's files once it has installed.
    await page.waitForFunction((url) => caches.match(url).then(Boolean), {}, `/data/${opened.file}`);
    await page.waitForFunction(() => caches.keys().then((names) => names.some((n) => n.startsWith('fieldnotes-shell-'))));

    await server.close();
    await assert.rejects(fetch(server.url + '/'), 'the server is gone');
    await page.reload();
    assert.equal(new URL(page.url()).pathname, `/posts/${opened.slug}/`);
    await appReady(page);
    await waitForText(page, 'article.post h1', opened.title);
    assert.ok((await page.$eval('article.post .prose', (el) => el.innerText)).length > 200, 'the post text is shown');
    assert.equal(await page.$eval('article.post .offline-mark', (el) => el.textContent), 'Available offline');

    await page.goto(server.url + '/');
    await appReady(page);
    // Which of the two the badge says follows the browser's `navigator.onLine` (Firefox without a
    // network of its own reports offline); the Chromium tests check each case.
    await waitForText(page, '.offline-badge', /^(Offline|The site is having trouble; showing saved copies)$/);
    assert.match(await cardText(page, opened.title), /Available offline/);
    assert.match(await cardText(page, unopened.title), /Not saved for offline reading/);
    await clickLink(page, '.post-card h2', unopened.title);
    await waitForText(page, 'main h1', 'This post is not saved for offline reading');
    assert.deepEqual(await texts(page, 'article.post h1'), []);
    // The worker's answer for the post it does not hold is the only failed load.
    assert.deepEqual(problems, [`status of 503: ${server.url}/data/${unopened.file}`]);
  } finally {
    await close();
    await server.close();
  }
});
