// Reading in Firefox: the release build in dist/, served on 127.0.0.1 like a static host, read by
// headless Firefox ESR over WebDriver BiDi. The core journeys of the Chromium suite (tests/e2e/),
// checked on a second engine: the list, a post, search in Khmer, tags, and the copy a reader
// without JavaScript gets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../e2e/static-server.mjs';
import { dist, postsOf, launchFirefox, openPage as open, appReady, texts, waitForText, clickLink } from './harness.mjs';

let browser;
let site;

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  browser = await launchFirefox();
  // Compressed as a CDN sends it: Firefox decodes brotli itself.
  site = await serve(dist, { compress: true });
});

after(async () => {
  await browser?.close();
  await site?.close();
});

const openPage = () => open(browser);
const posts = postsOf(dist);
const bySlug = (slug) => posts.find((p) => p.slug === slug);
const perPage = () => JSON.parse(fs.readFileSync(path.join(dist, 'data/manifest.json'), 'utf8')).site.posts_per_page;

test('home lists the newest posts; a click opens a post in the app, its article drawn', async () => {
  const target = bySlug('day-06-the-long-bus');
  const { page, problems, close } = await openPage();
  try {
    const response = await page.goto(site.url + '/');
    assert.equal(response.status(), 200);
    await appReady(page);
    await page.waitForSelector('.post-list .post-card');
    assert.deepEqual(await texts(page, '.post-card h2'), posts.slice(0, perPage()).map((p) => p.title));
    assert.equal(await page.title(), 'Fieldnotes');
    // A full page load would lose this marker.
    await page.evaluate(() => { window.sameDocument = true; });

    await clickLink(page, '.post-card h2', target.title);
    await page.waitForFunction((p) => location.pathname === p, {}, `/posts/${target.slug}/`);
    await waitForText(page, 'article.post h1', target.title);
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'the app drew the post, no page load');
    assert.ok(await page.$eval('article.post .prose', (el) => el.querySelectorAll('table tr').length) >= 3, 'the table is drawn');
    assert.equal(await page.title(), `${target.title} · Fieldnotes`);

    await page.goBack();
    await page.waitForFunction(() => location.pathname === '/');
    await waitForText(page, '.post-card h2', posts[0].title);
    assert.equal(await page.evaluate(() => window.sameDocument), true, 'Back stays in the app');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a post loaded directly answers 200 and renders the article, with its Khmer text intact', async () => {
  const target = bySlug('day-02-the-central-market');
  const { page, problems, requests, close } = await openPage();
  try {
    const response = await page.goto(`${site.url}/posts/${target.slug}/`);
    assert.equal(response.status(), 200);
    await appReady(page);
    await waitForText(page, 'article.post h1', target.title);
    const prose = await page.$eval('article.post .prose', (el) => el.innerText);
    assert.ok(prose.length > 500, 'the post text is shown');
    assert.match(prose, /ផ្សារ/);
    assert.match(prose, /[“”’]/, 'smart punctuation');
    assert.equal(await page.title(), `${target.title} · Fieldnotes`);
    const fetched = requests.filter((u) => new URL(u).pathname.startsWith('/data/posts/'));
    assert.equal(fetched.length, 1, `the post's file is fetched once: ${fetched}`);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('search in Khmer finds the Khmer post, typed in the box and loaded from its address', async () => {
  const market = bySlug('day-02-the-central-market');
  const word = 'ផ្សារ'; // "market", written without spaces around it in the post
  const { page, problems, close } = await openPage();
  try {
    await page.goto(site.url + '/');
    await appReady(page);
    await page.type('#search-box', word);
    await page.waitForFunction((q) => location.pathname === '/search/' && new URLSearchParams(location.search).get('q') === q, {}, word);
    await waitForText(page, '.search-results h2', market.title);
    assert.match(await page.$eval('.search-status', (el) => el.textContent), /^\d+ posts? found$/);

    // The chunks fetched ahead once the first page is drawn finish first: a load the next
    // navigation cuts short is the test's doing, not a failure of the page.
    await page.waitForNetworkIdle({ idleTime: 300, timeout: 10_000 });
    await page.goto(`${site.url}/search/?q=${encodeURIComponent(word)}`);
    await appReady(page);
    await waitForText(page, '.search-results h2', market.title);
    assert.equal(await page.$eval('#search-box', (el) => el.value), word, 'the box shows the query');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('tags list every tag with its count; a tag and a tag filter list exactly their posts', async () => {
  const counts = {};
  for (const p of posts) for (const t of p.tags) counts[t] = (counts[t] ?? 0) + 1;
  const { page, problems, close } = await openPage();
  try {
    const response = await page.goto(site.url + '/tags/');
    assert.equal(response.status(), 200);
    await appReady(page);
    await page.waitForSelector('.tag-cloud li');
    assert.equal((await texts(page, '.tag-cloud li')).length, Object.keys(counts).length);
    const food = (await texts(page, '.tag-cloud li')).find((t) => t.includes('food'));
    assert.match(food, new RegExp(`${counts.food} posts`));
    assert.equal(await page.title(), 'Tags · Fieldnotes');

    await clickLink(page, '.tag-cloud', 'temples');
    await page.waitForFunction(() => location.pathname === '/tags/temples/');
    await waitForText(page, 'main h1', 'Tagged');
    assert.deepEqual(await texts(page, '.post-card h2'), posts.filter((p) => p.tags.includes('temples')).map((p) => p.title));

    // Two tags chosen on the search page: the posts that have both.
    const both = posts.filter((p) => p.tags.includes('food') && p.tags.includes('markets')).map((p) => p.title);
    assert.ok(both.length >= 1);
    await page.goto(site.url + '/search/?tag=food,markets');
    await appReady(page);
    await waitForText(page, '.search-results h2', both[0]);
    assert.deepEqual(await texts(page, '.search-results h2'), both);
    const chip = await page.waitForFunction(() => [...document.querySelectorAll('.tag-filter a')].find((a) => a.textContent.includes('markets')));
    assert.equal(await chip.evaluate((a) => a.getAttribute('aria-current')), 'true');
    assert.equal(await chip.evaluate((a) => a.querySelector('.count').textContent), String(both.length));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('without JavaScript a post page still shows the article, and no script of the app runs', async () => {
  // BiDi has no switch for scripts in Firefox 153 (`page.setJavaScriptEnabled` answers "unknown
  // command"), so a second Firefox runs with the preference a reader would turn off. The driver
  // still reads the page: its own scripts run apart from the page's.
  const noScript = await launchFirefox({ 'javascript.enabled': false });
  const target = bySlug('day-02-the-central-market');
  const before = site.requests.length;
  try {
    const page = await noScript.newPage();
    const response = await page.goto(`${site.url}/posts/${target.slug}/`);
    assert.equal(response.status(), 200);
    assert.equal(await page.title(), `${target.title} · Fieldnotes`);
    assert.equal(await page.$eval('#prerendered article h1', (el) => el.textContent), target.title);
    assert.ok(await page.$eval('#prerendered article', (el) => el.querySelectorAll('table tr').length) >= 2, 'the table is in the HTML');
    assert.match(await page.$eval('#prerendered article', (el) => el.innerText), /ផ្សារ/);
    // The app draws in well under a second here; with scripts on it would have replaced the copy.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(await page.$('#prerendered'), 'the copy stays: nothing took it over');
    assert.equal(await page.evaluate(() => typeof window.wasmBindings), 'undefined', 'the loader never ran');
    const app = site.requests.slice(before).filter((p) => /^\/fieldnotes-app-[0-9a-f]+\.js$/.test(p));
    assert.deepEqual(app, [], 'the app\'s script was never fetched');
  } finally {
    await noScript.close();
  }
});
