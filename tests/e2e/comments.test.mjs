// Readers' comments in a real browser: threaded under the post on the sample site, counted on its
// card, the same thread in the page without JavaScript, hostile comments inert (a fixture site
// over the same built app), and a post opened once, or saved, shows its comments offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { root, dist, launchBrowser, postsOf, fieldnotes, openPage as open, appReady } from './harness.mjs';

let browser;
let site;
let hostile;
let hostileDir;

/** The sample post with a thread three levels deep (see content/comments/). */
const THREADED = 'day-04-a-river-village';
const openPage = (options = {}) => open(browser, options);
/** A post's thread as the app (or the static page, `scope`) shows it. */
const section = (page, scope = 'main') => page.locator(`${scope} section.comments`);

/** The comment file a built site's slug shards name for `slug`. */
function commentFile(dir, slug) {
  // Every slug shard of the build (each named by its content's hash).
  const shards = path.join(dir, 'data/lists/slugs');
  for (const name of fs.readdirSync(shards)) {
    const entry = JSON.parse(fs.readFileSync(path.join(shards, name), 'utf8')).posts[slug];
    if (entry) return entry.comments;
  }
  return undefined;
}

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  browser = await launchBrowser();
  site = await serve(dist);
  // The same built app over a fixture site whose comments try every trick.
  hostileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-comments-'));
  fs.cpSync(dist, hostileDir, { recursive: true });
  fieldnotes('build', '--content', path.join(root, 'tests/fixtures/comments'), '--out', path.join(hostileDir, 'data'));
  fs.rmSync(path.join(hostileDir, 'posts'), { recursive: true, force: true });
  fieldnotes('stubs', '--dist', hostileDir);
  hostile = await serve(hostileDir);
});

after(async () => {
  await browser?.close();
  await site?.close();
  await hostile?.close();
  if (hostileDir) fs.rmSync(hostileDir, { recursive: true, force: true });
});

test('a post with comments shows them threaded under it, and its card counts them', async () => {
  const post = postsOf(dist).find((p) => p.slug === THREADED);
  assert.equal(post.comments, 4, 'the sample thread');
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/');
  await appReady(page);
  const card = page.locator('.post-card', { has: page.getByRole('link', { name: post.title, exact: true }) });
  assert.equal(await card.locator('.comment-count').textContent(), '4 comments');
  await card.getByRole('link', { name: post.title, exact: true }).click();
  await page.locator('article.post h1', { hasText: post.title }).waitFor();
  const thread = section(page);
  await thread.waitFor();
  // Named by its heading, after the article.
  assert.equal(await thread.getAttribute('aria-labelledby'), 'comments-heading');
  assert.equal(await thread.locator('h2#comments-heading').textContent(), '4 comments');
  assert.ok(await page.evaluate(() => !!document.querySelector('article.post ~ section.comments')));
  // Two at the top, a reply under the first and a reply under that: nested lists.
  assert.equal(await thread.locator(':scope > ol.comment-list > li').count(), 2);
  const third = thread.locator('ol.comment-list > li > ol.comment-replies > li > ol.comment-replies > li');
  assert.equal(await third.count(), 1);
  // textContent: the bodies are below the fold, where `content-visibility: auto` leaves innerText empty.
  assert.match(await third.locator('.prose').textContent(), /dolphin pools/);
  const first = thread.locator('ol.comment-list > li').first().locator(':scope > article.comment');
  const author = first.locator('.comment-author');
  assert.equal(await author.textContent(), 'Lina');
  assert.equal(await author.getAttribute('href'), 'https://lina.example.org');
  assert.match(await author.getAttribute('rel'), /\bnofollow\b.*\bugc\b/);
  assert.equal(await first.locator('time').getAttribute('datetime'), '2025-02-08T19:05:00+07:00');
  assert.equal(await first.locator('time').textContent(), '8 February 2025');
  assert.deepEqual(problems, []);
  await close();
});

test('the Khmer thread reads in its script, replies nested', async () => {
  const { page, problems, close } = await openPage();
  await page.goto(`${site.url}/posts/day-02-the-central-market/`);
  await appReady(page);
  const thread = section(page);
  await thread.waitFor();
  assert.equal(await thread.locator('h2').textContent(), '3 comments');
  assert.match(await thread.locator('ol.comment-list > li').first().textContent(), /ផ្សារ/);
  assert.equal(await thread.locator('ol.comment-replies ol.comment-replies > li').count(), 1);
  assert.deepEqual(problems, []);
  await close();
});

test('without JavaScript the post page holds the same thread', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${site.url}/posts/${THREADED}/`);
  const thread = section(page, '#prerendered');
  assert.equal(await thread.locator('h2').textContent(), '4 comments');
  assert.equal(await thread.locator('li').count(), 4);
  assert.equal(
    await thread.locator('ol.comment-list > li > ol.comment-replies > li > ol.comment-replies > li').count(),
    1,
  );
  const staticText = await thread.textContent();
  assert.match(staticText, /dolphin pools/);
  await context.close();
  // The app draws the same words.
  const { page: live, close } = await openPage();
  await live.goto(`${site.url}/posts/${THREADED}/`);
  await appReady(live);
  await section(live).waitFor();
  assert.equal(await section(live).textContent(), staticText);
  await close();
  // And the raw HTML names the comment file for the browser to fetch at once.
  const html = await (await fetch(`${site.url}/posts/${THREADED}/`)).text();
  assert.ok(html.includes(`<link rel="preload" href="/data/${commentFile(dist, THREADED)}"`), 'preloaded');
});

test('hostile comments do nothing: no script, no handler, no image, links marked nofollow ugc', async () => {
  const { page, problems, requests, close } = await openPage();
  await page.goto(hostile.url + '/posts/talked-about/');
  await appReady(page);
  const thread = section(page);
  await thread.locator('li#comment-hostile').waitFor();
  assert.equal(await page.evaluate(() => window.__commentScriptRan), undefined, 'no script ran');
  assert.equal(await page.locator('[onerror], [onclick]').count(), 0, 'no handler attribute anywhere');
  assert.equal(await thread.locator('script, iframe, img, [onerror], [onclick], h1').count(), 0);
  const hostileItem = thread.locator('li#comment-hostile');
  assert.match(await hostileItem.textContent(), /<script>window.__commentScriptRan = true<\/script>/, 'raw HTML is text');
  assert.equal(await hostileItem.locator('.comment-author').evaluate((e) => e.tagName), 'SPAN', 'the javascript: website is gone');
  assert.equal(await hostileItem.locator('.comment-author').textContent(), '<b>Mallory</b>');
  const links = await thread.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('rel')]));
  assert.ok(links.length >= 3, JSON.stringify(links));
  for (const [href, rel] of links) {
    assert.match(href, /^https:\/\//, href);
    assert.equal(rel, 'nofollow ugc noopener noreferrer', href);
  }
  // The would-be link is text: clicking it goes nowhere.
  const before = page.url();
  await hostileItem.getByText('a trap').click();
  assert.equal(page.url(), before);
  assert.equal(await page.evaluate(() => window.__commentScriptRan), undefined);
  // The tracking image was never requested.
  assert.deepEqual(requests.filter((u) => !u.startsWith(hostile.url)), []);
  assert.deepEqual(problems, []);
  await close();
});

test('a post opened once shows its comments offline', async () => {
  const server = await serve(dist);
  const { page, problems, close } = await openPage();
  const file = commentFile(dist, THREADED);
  try {
    await page.goto(server.url + '/');
    await appReady(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    const post = postsOf(dist).find((p) => p.slug === THREADED);
    await page.getByRole('link', { name: post.title, exact: true }).click();
    await section(page).waitFor();
    await page.waitForFunction((url) => caches.match(url).then(Boolean), `/data/${file}`);
    await server.close();
    await page.reload();
    await appReady(page);
    await page.locator('article.post h1', { hasText: post.title }).waitFor();
    assert.equal(await section(page).locator('h2').textContent(), '4 comments');
    assert.equal(await section(page).locator('li').count(), 4);
  } finally {
    await server.close();
    await close();
  }
  const real = problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED|status of 503/.test(p));
  assert.deepEqual(real, []);
});

test('a post saved for offline, never opened, shows its comments offline', async () => {
  const server = await serve(dist);
  const { page, problems, close } = await openPage();
  const posts = postsOf(dist);
  try {
    await page.goto(server.url + '/offline');
    await appReady(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await page.getByRole('button', { name: /^Save all posts for offline/ }).click();
    await page.locator('.save-status', { hasText: `Saved ${posts.length} posts for offline reading` }).waitFor();
    const saved = await page.evaluate(async () => (await (await caches.open('fieldnotes-saved')).keys()).map((r) => new URL(r.url).pathname));
    assert.ok(saved.includes(`/data/${commentFile(dist, 'day-02-the-central-market')}`), saved.join(' '));
    await server.close();
    await page.goto(`${server.url}/posts/day-02-the-central-market/`);
    await appReady(page);
    assert.equal(await section(page).locator('h2').textContent(), '3 comments');
  } finally {
    await server.close();
    await close();
  }
  const real = problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED|status of 503/.test(p));
  assert.deepEqual(real, []);
});
