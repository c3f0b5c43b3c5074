// A WordPress blog brought over with one command, read in a real browser: the fixture export
// (tests/fixtures/wordpress/export.xml, with its media folder) is imported with
// `fieldnotes import wordpress`, built with the app shell of the release build, and served. The
// imported post shows its nested lists, its captioned figure and its readers' comments threaded;
// the comment that tried to run a script is inert; the post's old WordPress addresses (its
// permalink and its `/?p=ID` short link) land on it, and so does a link another post wrote with
// the old blog's address; the About page and a category page work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, dist, fieldnotes, openPage, appReady, serveBuilt } from './harness.mjs';

const fixture = path.join(root, 'tests/fixtures/wordpress');
const work = path.join(root, 'target/wordpress-import');
const content = path.join(work, 'content');
const POST = 'day-1-phnom-penh';

let browser;
let site;
let stop;

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  fieldnotes('import', 'wordpress', path.join(fixture, 'export.xml'), '--content', content,
    '--media', path.join(fixture, 'uploads'));
  ({ site, browser, close: stop } = await serveBuilt(content, path.join(work, 'site')));
});

after(async () => {
  await stop?.();
});

test('the imported post reads as it did: nested list, captioned figure, table, Khmer text', async () => {
  const { page, problems, close } = await openPage(browser);
  await page.goto(`${site.url}/posts/${POST}/`);
  await appReady(page);
  const article = page.locator('article.post');
  await article.locator('h1', { hasText: 'Day 1: Landing in Phnom Penh' }).waitFor();
  const nested = article.locator('.prose ul > li > ul > li');
  assert.deepEqual(await nested.allTextContents(), ['one for temples, with sleeves', 'one for everything else']);
  const figure = article.locator('.prose figure', { has: page.locator('img[alt="Boats tied along the riverfront"]') });
  assert.equal((await figure.locator('figcaption').textContent()).trim(), 'Sisowath Quay at dusk');
  // The image was copied from the media folder (as resized copies): served by the site itself,
  // and it loaded.
  const img = figure.locator('picture img');
  const src = await img.evaluate((i) => i.currentSrc || i.src);
  assert.ok(src.startsWith(site.url + '/data/media/'), src);
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => {
    const i = document.querySelector('.prose figure picture img');
    return i && i.complete && i.naturalWidth > 0;
  });
  assert.equal(await article.locator('.prose table tr').count(), 3);
  assert.match(await article.locator('.prose').innerText(), /សួស្តី/);
  // The video is a plain link: nothing was asked of another site.
  assert.equal(await article.locator('iframe').count(), 0);
  assert.ok(await article.locator('a[href="https://www.youtube.com/watch?v=abc123XYZ"]').count() >= 1);
  assert.deepEqual(problems, []);
  await close();
});

test('the readers\' comments are under the post, threaded three deep, and the hostile one is inert', async () => {
  const { page, problems, requests, close } = await openPage(browser);
  await page.addInitScript(() => { window.__ran = false; });
  await page.goto(`${site.url}/posts/${POST}/`);
  await appReady(page);
  const thread = page.locator('main section.comments');
  await thread.waitFor();
  const third = thread.locator('ol.comment-list > li > ol.comment-replies > li > ol.comment-replies > li');
  assert.equal(await third.count(), 1, 'a reply to a reply');
  assert.match(await third.innerText(), /cucumber/);
  const mallory = thread.locator('article.comment', { hasText: 'Mallory' });
  assert.equal(await mallory.count(), 1);
  assert.equal(await mallory.locator('script, iframe, [onerror], [onclick], a[href^="javascript:"]').count(), 0);
  assert.equal(await page.evaluate(() => window.__ran), false, 'no script of the comment ran');
  for (const link of await thread.locator('.prose a').all()) {
    assert.match(await link.getAttribute('rel'), /\bnofollow\b.*\bugc\b/);
  }
  // Pingbacks and unapproved comments were left out.
  assert.equal(await thread.locator('article.comment').count(), 4);
  assert.ok(requests.every((url) => url.startsWith(site.url)), 'no request left the site');
  assert.deepEqual(problems, []);
  await close();
});

test('old WordPress addresses land on the post: its permalink and its ?p= short link', async () => {
  const { page, problems, close } = await openPage(browser);
  await page.goto(`${site.url}/2024/03/05/${POST}/`);
  await page.waitForURL(`${site.url}/posts/${POST}/`);
  await page.locator('article.post h1', { hasText: 'Day 1' }).waitFor();
  // A link between two posts, written with the old blog's address, stays inside the site.
  await page.goto(`${site.url}/posts/${encodeURIComponent('សៀមរាប')}/`);
  await appReady(page);
  await page.locator('article.post .prose').getByRole('link', { name: 'day one' }).click();
  await page.waitForURL(`${site.url}/posts/${POST}/`);
  await page.locator('article.post h1', { hasText: 'Day 1' }).waitFor();
  await page.goto(`${site.url}/?p=10`);
  await page.waitForURL(`${site.url}/posts/${POST}/`);
  await appReady(page);
  await page.locator('article.post h1', { hasText: 'Day 1' }).waitFor();
  assert.deepEqual(problems, []);
  await close();
});

test('the imported About page and a category page open', async () => {
  const { page, problems, close } = await openPage(browser);
  await page.goto(`${site.url}/`);
  await appReady(page);
  await page.locator('header nav').getByRole('link', { name: 'About' }).click();
  await page.waitForURL(`${site.url}/about/`);
  await page.locator('main h1').first().waitFor();
  await page.goto(`${site.url}/categories/Cambodia/`);
  await appReady(page);
  await page.locator('main').getByRole('link', { name: 'Day 1: Landing in Phnom Penh' }).waitFor();
  assert.deepEqual(problems, []);
  await close();
});
