// Standalone pages and categories in the real release build (dist/), served like a static host and
// read by headless Chromium: the About page from the nav (and its comments), a post's categories and their pages, the
// categories index, direct loads with and without JavaScript, and the `category:` search filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { dist, launchBrowser, postsOf, openPage as open, appReady, resultTitles } from './harness.mjs';

let browser;
let site;

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  browser = await launchBrowser();
  site = await serve(dist);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

const openPage = () => open(browser);
/** The sample posts that carry `category`, newest first. */
const inCategory = (category) => postsOf(dist).filter((p) => (p.categories ?? []).includes(category));

test('the About page opens from the nav, renders its text, and has no date, tags or neighbours', async () => {
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/');
  await appReady(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.locator('header nav[aria-label="Site"] a', { hasText: 'About' }).click();
  await page.waitForURL(site.url + '/about/');
  const article = page.locator('article.standalone');
  await article.locator('h1', { hasText: 'About' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page load');
  assert.equal(await page.title(), 'About · Fieldnotes');
  await article.locator('.prose h2', { hasText: 'Why a field journal' }).waitFor();
  assert.match(await article.locator('.prose').innerText(), /school librarian/);
  assert.equal(await article.locator('time').count(), 0, 'a page has no date');
  assert.equal(await page.locator('main .post-meta, main .tags, main nav.post-nav').count(), 0);
  assert.equal(await page.locator('meta[name="description"]').getAttribute('content'),
    'Who keeps this Cambodia field journal, and why it is written the way it is.');
  // Its comments, under it as under a post (WordPress takes comments on pages too).
  const comments = page.locator('section.comments');
  await comments.locator('h2', { hasText: '1 comment' }).waitFor();
  assert.match(await comments.innerText(), /I read them on the bus to work\./);
  assert.deepEqual(problems, []);
  await close();
});

test('/about/ loaded directly answers 200 with the page, also without JavaScript', async () => {
  const { page, problems, close } = await openPage();
  const response = await page.goto(site.url + '/about/');
  assert.equal(response.status(), 200);
  await appReady(page);
  await page.locator('article.standalone h1', { hasText: 'About' }).waitFor();
  assert.deepEqual(problems, []);
  await close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const noJs = await context.newPage();
  const plain = await noJs.goto(site.url + '/about/');
  assert.equal(plain.status(), 200);
  assert.equal(await noJs.title(), 'About · Fieldnotes');
  assert.match(await noJs.locator('#prerendered article.standalone .prose').innerText(), /school librarian/);
  assert.equal(await noJs.locator('#prerendered article.standalone time').count(), 0);
  // Its comments too, and their file preloaded for the app beside the page's.
  assert.match(await noJs.locator('#prerendered section.comments').innerText(), /on the bus to work/);
  const preloads = await noJs.locator('link[rel="preload"][as="fetch"][href^="/data/"]').evaluateAll((links) => links.map((l) => l.getAttribute('href')));
  assert.equal(preloads.length, 2, preloads.join(' '));
  assert.match(preloads[0], /^\/data\/pages\/about\.[0-9a-f]{16}\.json$/);
  assert.match(preloads[1], /^\/data\/comments\/about\.[0-9a-f]{16}\.json$/);
  await context.close();
});

test("a post shows its categories before its tags; one leads to the category's page listing it", async () => {
  const cambodia = inCategory('Cambodia');
  assert.ok(cambodia.length >= 2, 'the sample files a few posts under Cambodia');
  const post = cambodia.find((p) => p.categories.includes('Day by day'));
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/posts/' + post.slug + '/');
  await appReady(page);
  const meta = page.locator('article.post header .post-meta');
  await meta.locator('ul.categories').waitFor();
  assert.deepEqual(await meta.locator('ul.categories a.category').allTextContents(), post.categories);
  assert.deepEqual(await meta.locator('ul > li > a').allTextContents(), [...post.categories, ...post.tags],
    'categories come first');
  await page.evaluate(() => { window.__sameDocument = true; });
  await meta.locator('a.category', { hasText: 'Cambodia' }).click();
  await page.waitForURL(site.url + '/categories/Cambodia/');
  await page.locator('main h1', { hasText: 'In “Cambodia”' }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page load');
  assert.equal(await page.title(), 'In “Cambodia” · Fieldnotes');
  await page.locator('.post-card').first().waitFor();
  assert.deepEqual(await page.locator('.post-card h2').allTextContents(), cambodia.map((p) => p.title));
  assert.ok(await page.locator('.post-card h2', { hasText: post.title }).count());
  assert.deepEqual(problems, []);
  await close();
});

test('/categories/ lists every category with its count; it and a category answer 200 directly, without JavaScript too', async () => {
  const counts = {};
  for (const p of postsOf(dist)) for (const c of p.categories ?? []) counts[c] = (counts[c] ?? 0) + 1;
  assert.deepEqual(Object.keys(counts).sort(), ['Cambodia', 'Day by day', 'Thailand']);
  const { page, problems, close } = await openPage();
  const response = await page.goto(site.url + '/categories/');
  assert.equal(response.status(), 200);
  await appReady(page);
  const items = page.locator('.tag-cloud li');
  await items.first().waitFor();
  assert.equal(await items.count(), 3);
  assert.equal(await page.title(), 'Categories · Fieldnotes');
  for (const [name, n] of Object.entries(counts)) {
    assert.match(await page.locator('.tag-cloud li', { hasText: name }).innerText(), new RegExp(`${n} posts?`));
  }
  await page.locator('.tag-cloud a', { hasText: 'Day by day' }).click();
  await page.waitForURL(site.url + '/categories/Day%20by%20day/');
  await page.locator('main h1', { hasText: 'In “Day by day”' }).waitFor();
  assert.deepEqual(problems, []);
  await close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const noJs = await context.newPage();
  for (const [route, heading] of [['/categories/', 'Categories'], ['/categories/Thailand/', 'In “Thailand”']]) {
    const plain = await noJs.goto(site.url + route);
    assert.equal(plain.status(), 200, route);
    assert.equal(await noJs.locator('#prerendered main h1').textContent(), heading, route);
  }
  const thai = inCategory('Thailand').map((p) => p.title);
  assert.deepEqual(await noJs.locator('#prerendered .post-card h2').allTextContents(), thai);
  await context.close();
});

test('typing category: in the search narrows the results to that category', async () => {
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/search/?q=' + encodeURIComponent('category:cambodia'));
  await appReady(page);
  const titles = page.locator('.search-results h2');
  await titles.first().waitFor();
  const cambodia = inCategory('Cambodia').map((p) => p.title);
  assert.deepEqual(await titles.allTextContents(), cambodia, 'the category alone lists its posts');
  assert.equal(await page.locator('.search-status').textContent(), `${cambodia.length} posts found`);

  // With words: only the matches in the category. "river" is in posts of several categories.
  const river = postsOf(dist).filter((p) => JSON.stringify(p).toLowerCase().includes('river'));
  assert.ok(river.some((p) => !(p.categories ?? []).includes('Cambodia')), 'the word reaches beyond the category');
  await page.goto(site.url + '/search/?q=' + encodeURIComponent('river category:Cambodia'));
  await appReady(page);
  const found = await resultTitles(page);
  assert.ok(found.length >= 1);
  assert.ok(found.every((t) => cambodia.includes(t)), found.join());

  await page.goto(site.url + '/search/?q=' + encodeURIComponent('category:"day by day"'));
  await appReady(page);
  await titles.first().waitFor();
  assert.deepEqual(await titles.allTextContents(), inCategory('Day by day').map((p) => p.title));
  assert.deepEqual(problems, []);
  await close();
});
