// End-to-end tests: the real release build in dist/, served on 127.0.0.1 like a static host,
// read by headless Chromium. Run by scripts/test after `trunk build --release --offline`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { root, dist, artifacts, launchBrowser, postsOf, fieldnotes, openPage as open, appReady } from './harness.mjs';

let browser;
let site;
let hostile;
let hostileDir;

/** The sample site's posts, newest first, as the build wrote them. */
const samplePosts = () => postsOf(dist);

/** A page of its own (fresh context) that records problems and requests. */
const openPage = (viewport, options = {}) => open(browser, { viewport, ...options });
/** For tests that fail or slow the network with `page.route`: without the service worker, as on a
 * first visit (the worker's own answers offline are tested in offline.test.mjs). */
const openPageWithoutWorker = () => openPage(undefined, { serviceWorkers: 'block' });

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  fs.mkdirSync(artifacts, { recursive: true });
  browser = await launchBrowser();
  site = await serve(dist);

  // The same built app over a fixture site of hostile Markdown.
  hostileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-hostile-'));
  fs.cpSync(dist, hostileDir, { recursive: true });
  fieldnotes('build', '--content', path.join(root, 'tests/fixtures/hostile'), '--out', path.join(hostileDir, 'data'));
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

/** Posts on a page of the home list, as site.toml sets it. */
function perPage() {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, 'data/manifest.json'), 'utf8'));
  return manifest.site.posts_per_page;
}

test('home lists the published posts, newest first, a page at a time, with date, summary and tags', async () => {
  const posts = samplePosts();
  const size = perPage();
  assert.ok(posts.length > size, `the sample journal (${posts.length} posts) spans two pages of ${size}`);
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/');
  await appReady(page);
  const cards = page.locator('.post-list .post-card');
  await cards.first().waitFor();
  assert.equal(await cards.count(), size);
  const titles = await page.locator('.post-card h2').allTextContents();
  assert.deepEqual(titles, posts.slice(0, size).map((p) => p.title));
  const first = cards.first();
  assert.equal(await first.locator('time').first().getAttribute('datetime'), posts[0].date);
  assert.equal((await first.locator('.summary').textContent()).trim(), posts[0].summary);
  assert.deepEqual(await first.locator('.tag').allTextContents(), posts[0].tags);
  assert.equal(await page.title(), 'Fieldnotes');
  assert.equal(await page.locator('text=Day 13').count(), 0, 'the draft is not listed');
  await page.screenshot({ path: path.join(artifacts, 'home-1280.png') });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.screenshot({ path: path.join(artifacts, 'home-375.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  // The header carries the nav links of site.toml.
  const nav = page.locator('header nav[aria-label="Site"] a');
  assert.deepEqual(await nav.allTextContents(), ['Tags', 'Archive', 'Start at day 1', 'About']);
  assert.equal(await nav.nth(2).getAttribute('href'), '/posts/day-01-arriving-in-phnom-penh/');
  assert.equal(await nav.last().getAttribute('href'), '/about/');
  // The second page holds the rest; Newer leads back.
  await page.locator('nav.pagination a', { hasText: 'Older posts' }).click();
  await page.waitForURL(site.url + '/page/2/');
  await page.locator('.post-card h2', { hasText: posts[size].title }).waitFor();
  assert.deepEqual(await page.locator('.post-card h2').allTextContents(), posts.slice(size).map((p) => p.title));
  assert.equal(await page.locator('nav.pagination > span').textContent(), 'Page 2 of 2');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the new page heading');
  assert.deepEqual(problems, []);
  await close();
});

test('clicking a post navigates without a page load, shows the article and its table; Back returns', async () => {
  const posts = samplePosts();
  // On the first page, with a table and an image.
  const target = posts.find((p) => p.slug === 'day-06-the-long-bus');
  assert.ok(target, 'the sample has the post');
  const { page, problems, requests, close } = await openPage();
  await page.goto(site.url + '/');
  await appReady(page);
  // A full page load would lose this marker.
  await page.evaluate(() => { window.__sameDocument = true; });
  const htmlRequestsBefore = requests.filter((u) => !/\.(js|wasm|css|json|svg)$/.test(new URL(u).pathname)).length;

  await page.locator('.post-card h2 a', { hasText: target.title }).click();
  await page.waitForURL(site.url + '/posts/' + target.slug + '/');
  const article = page.locator('article.post');
  await article.locator('h1', { hasText: target.title }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no full page load');
  const htmlRequestsAfter = requests.filter((u) => !/\.(js|wasm|css|json|svg)$/.test(new URL(u).pathname)).length;
  assert.equal(htmlRequestsAfter, htmlRequestsBefore, 'no HTML document was requested');

  const table = article.locator('.prose table');
  await table.waitFor();
  assert.ok((await table.locator('tr').count()) >= 3, 'the table has a header and rows');
  assert.equal(await page.title(), `${target.title} · Fieldnotes`);
  assert.equal(await article.getAttribute('lang'), 'en');
  // Images resolve and load from the site itself.
  const img = article.locator('.prose img').first();
  await img.waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('.prose img')].every((i) => i.complete && i.naturalWidth > 0));
  assert.ok((await img.getAttribute('alt')).length > 0, 'images keep their alt text');

  await page.goBack();
  await page.waitForURL(site.url + '/');
  await page.locator('.post-list .post-card').first().waitFor();
  assert.equal(await page.locator('.post-card').count(), perPage());
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'Back stays in the app');
  assert.equal(await page.title(), 'Fieldnotes');
  assert.deepEqual(problems, []);
  await close();
});

test('Back returns to the same place in the list', async () => {
  const { page, problems, close } = await openPage({ width: 1280, height: 700 });
  await page.goto(site.url + '/');
  await appReady(page);
  const card = page.locator('.post-card').nth(6);
  await card.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 150));
  await page.waitForTimeout(100);
  const before = await page.evaluate(() => window.scrollY);
  assert.ok(before > 300, `the list is scrolled (${before})`);
  const title = await card.locator('h2').textContent();
  await card.locator('h2 a').click();
  await page.locator('main h1', { hasText: title }).waitFor();
  assert.ok((await page.evaluate(() => window.scrollY)) < 50, 'a new page starts at the top');
  await page.goBack();
  await page.locator('.post-list').waitFor();
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 5, before, { timeout: 5000 });
  assert.deepEqual(problems, []);
  await close();
});

test('pointing at a post fetches it ahead; opening it then needs no request', async () => {
  const posts = samplePosts();
  const target = posts[2];
  const { page, problems, requests, close } = await openPage();
  await page.goto(site.url + '/');
  await appReady(page);
  const card = page.locator('.post-card', { has: page.locator('h2', { hasText: target.title }) });
  // The post and its slug shard (its links), found through the lists' directory.
  const fetched = Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/data/' + target.file)),
    page.waitForResponse((r) => /\/data\/lists\/slugs\/\d+\.[0-9a-f]{16}\.json$/.test(r.url())),
  ]);
  await card.hover();
  await fetched;
  const before = requests.length;
  await card.locator('h2 a').click();
  await page.locator('main h1', { hasText: target.title }).waitFor();
  await page.locator('article.post .prose').waitFor();
  assert.deepEqual(requests.slice(before).filter((u) => u.includes('/data/')), [], 'shown from what was prefetched');
  assert.equal(requests.filter((u) => u.endsWith('/data/' + target.file)).length, 1);
  assert.deepEqual(problems, []);
  await close();
});

test('tags, a tag, the archive and page 2 answer 200 when loaded directly and list the right posts', async () => {
  const posts = samplePosts();
  const { page, problems, close } = await openPage();
  let response = await page.goto(site.url + '/tags/');
  assert.equal(response.status(), 200);
  await appReady(page);
  const counts = {};
  for (const p of posts) for (const t of p.tags) counts[t] = (counts[t] ?? 0) + 1;
  const items = page.locator('.tag-cloud li');
  await items.first().waitFor();
  assert.equal(await items.count(), Object.keys(counts).length);
  assert.match(await page.locator('.tag-cloud li', { hasText: 'food' }).innerText(), new RegExp(`${counts.food} posts`));
  assert.equal(await page.title(), 'Tags · Fieldnotes');

  await page.locator('.tag-cloud a', { hasText: 'temples' }).click();
  await page.waitForURL(site.url + '/tags/temples/');
  await page.locator('main h1', { hasText: 'Tagged' }).waitFor();
  const tagged = posts.filter((p) => p.tags.includes('temples')).map((p) => p.title);
  assert.deepEqual(await page.locator('.post-card h2').allTextContents(), tagged);

  response = await page.goto(site.url + '/archive');
  assert.equal(response.status(), 200);
  await appReady(page);
  await page.locator('main h2', { hasText: '2025' }).waitFor();
  assert.equal(await page.locator('main h3').first().textContent(), 'February 2025');
  assert.equal(await page.locator('.archive-list li').count(), posts.length);

  response = await page.goto(site.url + '/page/2/');
  assert.equal(response.status(), 200);
  await appReady(page);
  await page.locator('.post-card').first().waitFor();
  assert.equal(await page.locator('.post-card').count(), posts.length - perPage());

  for (const missing of ['/page/3', '/tags/no-such-tag']) {
    response = await page.goto(site.url + missing);
    assert.equal(response.status(), 404);
    await appReady(page);
    await page.locator('main h1', { hasText: 'Page not found' }).waitFor();
  }
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await close();
});

test('every tag has its page, whatever its characters: in the app and loaded directly', async () => {
  // The same built app over a fixture whose tags hold `/`, `?`, `#`, `%`, dots, spaces and
  // non-Latin script.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-routes-'));
  fs.cpSync(dist, dir, { recursive: true });
  for (const folder of ['posts', 'tags', 'page']) fs.rmSync(path.join(dir, folder), { recursive: true, force: true });
  fieldnotes('build', '--content', path.join(root, 'tests/fixtures/routes'), '--base-path', '/', '--out', path.join(dir, 'data'));
  fieldnotes('stubs', '--dist', dir);
  const server = await serve(dir);
  const { page, problems, close } = await openPage();
  try {
    await page.goto(server.url + '/tags');
    await appReady(page);
    const tags = await page.locator('.tag-cloud a').allTextContents();
    assert.equal(tags.length, 12, `${tags}`);
    for (const [i, tag] of tags.entries()) {
      const heading = page.locator('main h1', { hasText: `Tagged “${tag}”` });
      // From the tags page, inside the app.
      await page.goto(server.url + '/tags');
      await appReady(page);
      await page.locator('.tag-cloud a').nth(i).click();
      await heading.waitFor();
      assert.ok((await page.locator('.post-card').count()) >= 1, tag);
      // The same address loaded directly: its own file, then the app on the same tag.
      const response = await page.goto(page.url());
      assert.equal(response.status(), 200, `${tag}: ${page.url()}`);
      await appReady(page);
      await heading.waitFor();
      assert.equal(await page.title(), `Tagged “${tag}” · Route Fixture`);
    }
    assert.deepEqual(problems, []);
  } finally {
    await close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a post has its contents, and links to the newer and older posts', async () => {
  const posts = samplePosts();
  const i = posts.findIndex((p) => p.slug === 'day-06-the-long-bus');
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/posts/day-06-the-long-bus/');
  await appReady(page);
  const toc = page.locator('nav.toc a');
  await toc.first().waitFor();
  const headings = await page.locator('.prose h2').evaluateAll((hs) => hs.map((h) => [h.id, h.textContent]));
  assert.ok(headings.length >= 3);
  const first = await toc.first().getAttribute('href');
  assert.equal(first, '#' + headings[0][0]);
  // A contents link moves the focus to its section (the next Tab continues there) and names it
  // in the address, without leaving the page.
  await toc.nth(1).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.activeElement?.id === id, headings[1][0]);
  assert.equal(new URL(page.url()).hash, '#' + headings[1][0]);
  assert.equal(new URL(page.url()).pathname, '/posts/day-06-the-long-bus/');
  assert.equal(await page.locator('nav.post-nav a[rel=prev]').getAttribute('href'), '/posts/' + posts[i - 1].slug + '/');
  assert.equal(await page.locator('nav.post-nav a[rel=next]').getAttribute('href'), '/posts/' + posts[i + 1].slug + '/');
  // Related posts share a tag with this one.
  const related = await page.locator('nav.related a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.ok(related.length >= 1 && related.length <= 3, `related: ${related}`);
  for (const href of related) {
    const other = posts.find((p) => '/posts/' + p.slug + '/' === href);
    assert.ok(other.tags.some((t) => posts[i].tags.includes(t)), `${href} shares a tag`);
  }
  await page.screenshot({ path: path.join(artifacts, 'post-1280.png'), fullPage: true });
  await page.locator('nav.post-nav a[rel=next]').click();
  await page.waitForURL(site.url + '/posts/' + posts[i + 1].slug + '/');
  await page.locator('main h1', { hasText: posts[i + 1].title }).waitFor();
  // The focus follows once the new page is painted (see Ready).
  await page.waitForFunction((title) => document.activeElement?.textContent === title, posts[i + 1].title);
  assert.deepEqual(problems, []);
  await close();
});

test('a post URL loaded directly answers 200 and renders the article, footnotes and smart quotes', async () => {
  const { page, problems, requests, close } = await openPage({ width: 375, height: 812 });
  const response = await page.goto(site.url + '/posts/day-06-the-long-bus/');
  assert.equal(response.status(), 200);
  await appReady(page);
  const article = page.locator('article.post');
  await article.locator('h1', { hasText: 'Day 6: The Long Bus' }).waitFor();
  assert.equal(await article.locator('.prose table').count(), 1);
  assert.ok((await article.locator('.prose h2[id]').count()) >= 2, 'headings carry ids');
  assert.match(await page.locator('article.post .prose').innerText(), /[“”’]/, 'smart punctuation');
  assert.equal(await page.title(), 'Day 6: The Long Bus · Fieldnotes');
  const fetched = requests.filter((u) => new URL(u).pathname.startsWith('/data/posts/'));
  assert.equal(fetched.length, 1, `the post's JSON is fetched once: ${fetched}`);
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'a first load keeps the browser focus');
  await page.screenshot({ path: path.join(artifacts, 'post-375.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await close();
});

test('the post page without JavaScript still shows the article', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto(site.url + '/posts/day-02-the-central-market');
  assert.equal(response.status(), 200);
  assert.equal(await page.title(), 'Day 2: The Central Market · Fieldnotes');
  assert.ok(await page.locator('#prerendered article table').count(), 'the article is in the HTML');
  await context.close();
});

test('mixed scripts render: Khmer and Thai text reach the page intact', async () => {
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/posts/day-11-a-bangkok-stopover');
  await appReady(page);
  await page.locator('article.post .prose').waitFor();
  assert.match(await page.locator('article.post').innerText(), /ขอบคุณ/);
  await page.goto(site.url + '/posts/day-02-the-central-market');
  await appReady(page);
  await page.locator('article.post .prose').waitFor();
  assert.match(await page.locator('article.post').innerText(), /ផ្សារ/);
  assert.deepEqual(problems, []);
  await close();
});

test('an unknown slug, an unknown route and a draft show the not-found view', async () => {
  const { page, problems, close } = await openPage();
  for (const route of ['/posts/no-such-post', '/no/such/page', '/posts/day-13-draft-notes']) {
    const response = await page.goto(site.url + route);
    assert.equal(response.status(), 404, `${route} answers 404 on a static host`);
    await appReady(page);
    await page.locator('main h1', { hasText: 'Page not found' }).waitFor();
    assert.match(await page.title(), /^Page not found/);
    const home = page.locator('main a', { hasText: 'See all posts' });
    assert.equal(await home.getAttribute('href'), '/');
  }
  // The only console errors allowed are the 404 responses themselves.
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await close();
});

test('raw HTML and javascript: links in a post do nothing', async () => {
  const { page, problems, requests, close } = await openPage();
  await page.goto(hostile.url + '/posts/hostile');
  await appReady(page);
  const prose = page.locator('article.post .prose');
  await prose.waitFor();
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
  assert.equal(await prose.locator('script, iframe, [onerror], [onclick]').count(), 0);
  const text = await prose.innerText();
  assert.match(text, /<script>window.__pwned = 'block';<\/script>/, 'raw HTML shows as text');
  assert.match(text, /<img src="x" onerror=/, 'raw HTML shows as text');
  const hrefs = await prose.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, ['/posts/plain'], 'only the safe link is a link');
  assert.equal(await prose.locator('img').count(), 0, 'the javascript: image is dropped');
  // The would-be links are plain text: clicking them goes nowhere.
  const before = page.url();
  await prose.getByText('a javascript link').click();
  await prose.getByText('a data link').click();
  assert.equal(page.url(), before);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // Nothing was requested from another origin (the iframe and image never existed).
  assert.deepEqual(requests.filter((u) => !u.startsWith(hostile.url)), []);
  assert.deepEqual(problems, []);
  await close();
});

test('no request leaves the site while reading', async () => {
  const { page, problems, requests, close } = await openPage();
  await page.goto(site.url + '/posts/day-01-arriving-in-phnom-penh/');
  await appReady(page);
  await page.locator('article.post .prose').waitFor();
  await page.waitForLoadState('networkidle');
  assert.deepEqual(requests.filter((u) => !u.startsWith(site.url)), []);
  assert.deepEqual(problems, []);
  await close();
});

/** Follows a link to `href` as if the page had one, so the app's router handles it. */
async function followInApp(page, href) {
  await page.evaluate((to) => {
    const a = document.createElement('a');
    a.href = to;
    a.textContent = 'a link';
    document.querySelector('main').append(a);
    a.click();
  }, href);
}

/** The tags of the document head that describe the page. */
async function headTags(page) {
  return page.evaluate(() => {
    const get = (selector, attr) => document.head.querySelectorAll(selector).length === 1
      ? document.head.querySelector(selector).getAttribute(attr)
      : `${document.head.querySelectorAll(selector).length} tags`;
    return {
      title: document.title,
      description: get('meta[name="description"]', 'content'),
      canonical: get('link[rel="canonical"]', 'href'),
      ogTitle: get('meta[property="og:title"]', 'content'),
      ogUrl: get('meta[property="og:url"]', 'content'),
      ogType: get('meta[property="og:type"]', 'content'),
    };
  });
}

test('each page keeps the head true to it: title, description, canonical and OpenGraph, as its static page has', async () => {
  const posts = samplePosts();
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, 'data/manifest.json'), 'utf8'));
  const base = manifest.site.base_url.replace(/\/$/, '') + manifest.site.base_path;
  const target = posts[1];
  const { page, problems, close } = await openPage();
  // The static page of each route states its head; after navigating there in the app, the head
  // must say the same, with one tag of each kind.
  const routes = [`posts/${target.slug}/`, 'tags/', `tags/${target.tags[0]}/`, 'archive/', 'page/2/', ''];
  const expected = {};
  for (const route of routes) {
    await page.goto(site.url + '/' + route);
    await appReady(page);
    expected[route] = await headTags(page);
    assert.equal(expected[route].canonical, base + route, `canonical of /${route}`);
    assert.equal(expected[route].ogUrl, base + route);
  }
  assert.equal(expected[`posts/${target.slug}/`].description, target.summary);
  assert.equal(expected[`posts/${target.slug}/`].ogType, 'article');
  assert.equal(expected[`posts/${target.slug}/`].title, `${target.title} · ${manifest.site.title}`);
  // Now move through the same routes inside the app, from home.
  for (const route of routes) {
    await followInApp(page, '/' + route);
    await page.waitForURL(site.url + '/' + route);
    await page.waitForFunction((title) => document.title === title, expected[route].title);
    assert.deepEqual(await headTags(page), expected[route], `head of /${route} after an in-app navigation`);
  }
  // The not-found view has no canonical address.
  await page.goto(site.url + '/no/such/page');
  await appReady(page);
  const missing = await headTags(page);
  assert.match(missing.title, /^Page not found/);
  assert.equal(missing.canonical, '0 tags');
  // The only error is the host's 404 status for the unknown address, as it should be.
  assert.deepEqual(problems.filter((p) => !p.includes('status of 404')), []);
  await close();
});

test("a post's old address (an alias) leads to the post, from a link in the app and loaded directly", async () => {
  const posts = samplePosts();
  const target = posts.find((p) => (p.aliases ?? []).length > 0);
  assert.ok(target, 'a sample post has an alias');
  const alias = target.aliases[0];
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/');
  await appReady(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  await followInApp(page, alias);
  await page.waitForURL(site.url + '/posts/' + target.slug + '/');
  await page.locator('article.post h1', { hasText: target.title }).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page load');
  // Back does not land on the old address (it was replaced), so it returns home.
  await page.goBack();
  await page.waitForURL(site.url + '/');
  // Loaded directly, the host serves the redirect page the build wrote for the alias.
  await page.goto(site.url + alias);
  await page.waitForURL(site.url + '/posts/' + target.slug + '/');
  await page.locator('article.post h1', { hasText: target.title }).waitFor();
  assert.deepEqual(problems, []);
  await close();
});

test('images alone in a paragraph are figures with their caption; headings link to themselves', async () => {
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/posts/day-02-the-central-market');
  await appReady(page);
  const figure = page.locator('article .prose figure').first();
  await figure.waitFor();
  assert.equal(await figure.locator('figcaption').textContent(), 'A fruit stall, roughly as I remember it');
  const img = figure.locator('img');
  assert.equal(await img.getAttribute('loading'), 'lazy');
  assert.ok(Number(await img.getAttribute('width')) > 0 && Number(await img.getAttribute('height')) > 0, 'size reserved');
  assert.equal(await img.getAttribute('title'), null, 'the caption is not repeated as a tooltip');
  const heading = page.locator('article .prose h2').first();
  const id = await heading.getAttribute('id');
  assert.equal(await heading.locator('a.anchor').getAttribute('href'), '#' + id);
  await heading.hover();
  await page.waitForFunction((id) => getComputedStyle(document.querySelector(`#${CSS.escape(id)} .anchor`)).opacity === '1', id);
  assert.deepEqual(problems, []);
  await close();
});

test('display settings (theme, text size, line width, spacing) apply at once and are kept for the next visit', async () => {
  const { page, problems, close } = await openPage();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(site.url + '/posts/day-01-arriving-in-phnom-penh/');
  await appReady(page);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await background();
  const fontSize = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  const width = () => page.evaluate(() => document.querySelector('main').getBoundingClientRect().width);
  const leading = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.prose p')).lineHeight));
  const before = { size: await fontSize(), width: await width(), leading: await leading() };

  await page.locator('.reader-settings summary').click();
  await page.getByRole('radio', { name: 'Dark' }).check();
  const dark = await background();
  assert.notEqual(dark, light, 'the dark theme is applied over a light system setting');
  await page.getByRole('radio', { name: 'Narrow' }).check();
  assert.ok((await width()) < before.width, 'lines are narrower');
  await page.getByRole('radio', { name: 'Largest' }).check();
  assert.ok((await fontSize()) > before.size, 'text is larger');
  await page.getByRole('radio', { name: 'Loose' }).check();
  assert.ok((await leading()) / (await fontSize()) > before.leading / before.size, 'lines are further apart');

  // A new visit: the choices are applied by the page head before the app starts (no flash).
  await page.goto(site.url + '/tags/');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.equal(await background(), dark);
  await appReady(page);
  await page.locator('.reader-settings summary').click();
  assert.equal(await page.getByRole('radio', { name: 'Dark' }).isChecked(), true, 'the menu shows the saved choice');
  await page.getByRole('button', { name: 'Reset to defaults' }).click();
  assert.equal(await page.getByRole('radio', { name: 'System' }).isChecked(), true);
  assert.equal(await background(), light);
  assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('fieldnotes:')).length), 0);
  assert.deepEqual(problems, []);
  await close();
});

test('a right-to-left post is set right to left, the document takes its language, and code blocks keep their language class', async () => {
  const { page, problems, close } = await openPage();
  await page.goto(hostile.url + '/posts/rtl');
  await appReady(page);
  const article = page.locator('article.post');
  await article.locator('.prose').waitFor();
  assert.equal(await article.getAttribute('lang'), 'ar');
  assert.equal(await article.getAttribute('dir'), 'rtl');
  assert.equal(await article.locator('pre code').getAttribute('class'), 'language-rust');
  assert.match(await article.locator('.post-meta').innerText(), /min read/);
  // The document takes the post's language and direction; the interface around it keeps the
  // site's. The layout mirrors: a quotation's rule stands at its right.
  const root = async () => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
  assert.deepEqual(await root(), ['ar', 'rtl']);
  assert.equal(await page.locator('header.site-header').getAttribute('lang'), 'en');
  assert.equal(await page.locator('footer.site-footer').getAttribute('dir'), 'ltr');
  const rules = await article.locator('blockquote').evaluate((q) => [getComputedStyle(q).borderRightWidth, getComputedStyle(q).borderLeftWidth]);
  assert.deepEqual(rules, ['4px', '0px']);
  // Leaving for a page of the interface gives the document the site's language back, and
  // coming back by the app's own links (no page load) gives it the post's again.
  await page.locator('header.site-header a.site-title').click();
  await page.locator('.post-card').first().waitFor();
  assert.deepEqual(await root(), ['en', 'ltr']);
  await page.locator('.post-card[lang="ar"][dir="rtl"] h2 a').click();
  await article.locator('.prose').waitFor();
  assert.deepEqual(await root(), ['ar', 'rtl']);
  assert.deepEqual(problems, []);
  await close();
});

test('a failed or malformed load shows an error with a retry that works, never a blank page', async () => {
  const posts = samplePosts();
  const target = posts[3];
  for (const failure of ['network', 'malformed']) {
    const { page, close } = await openPageWithoutWorker();
    await page.goto(site.url + '/');
    await appReady(page);
    // The post's JSON fails (the hover prefetch too) until the reader retries.
    let broken = true;
    await page.route('**/data/posts/**', async (route) => {
      if (!broken) return route.continue();
      if (failure === 'network') return route.abort('connectionreset');
      return route.fulfill({ status: 200, contentType: 'application/json', body: '{"slug": "cut off' });
    });
    await page.locator('.post-card h2 a', { hasText: target.title }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), failure === 'network' ? /could not be loaded/ : /could not be read/);
    broken = false;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.locator('article.post h1', { hasText: target.title }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
    await close();
  }
});

test('while a post is slow to arrive a placeholder holds its place, and the page does not jump', async () => {
  const posts = samplePosts();
  const target = posts[4];
  const { page, problems, close } = await openPageWithoutWorker();
  await page.route('**/data/posts/**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 800));
    await route.continue();
  });
  // Layout shifts of the whole visit, measured by the browser (hadRecentInput shifts excluded).
  await page.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(site.url + '/posts/' + target.slug + '/');
  // The build's copy of the article is on screen from the first paint, then the app's.
  assert.equal(await page.locator('#prerendered h1').textContent(), target.title);
  await appReady(page);
  await page.locator('article.post h1', { hasText: target.title }).waitFor();
  await page.waitForTimeout(200);
  const shift = await page.evaluate(() => window.__shift);
  assert.ok(shift < 0.1, `cumulative layout shift ${shift} is under 0.1 (a "good" page)`);

  // Inside the app, the placeholder shows while the post is on its way.
  await page.locator('.post-nav a').first().click();
  await page.locator('.loading[role="status"]').waitFor();
  assert.ok((await page.locator('.loading').boundingBox()).height >= 300, 'the placeholder has the height of a page');
  await page.locator('.loading').waitFor({ state: 'detached' });
  assert.deepEqual(problems, []);
  await close();
});

test('the app takes over each route without moving anything or painting anything larger than the page did', async () => {
  const posts = samplePosts();
  const post = posts[1];
  const routes = ['/', '/page/2/', `/posts/${post.slug}/`, '/tags/', `/tags/${post.tags[0]}/`, '/archive/'];
  for (const route of routes) {
    const { page, problems, close } = await openPageWithoutWorker();
    await page.addInitScript(() => {
      window.__paints = [];
      window.__shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__paints.push(entry.startTime);
      }).observe({ type: 'largest-contentful-paint', buffered: true });
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
      // When the app removes the page's own copy: it has drawn its view by then.
      new MutationObserver((records, observer) => {
        if (document.readyState !== 'loading' && !document.getElementById('prerendered')) {
          window.__takeover = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const html = await (await fetch(site.url + route)).text();
    const before = html.split('id="prerendered"')[1].match(/<h1[^>]*>([^<]*)<\/h1>/)[1].replaceAll('&amp;', '&');
    await page.goto(site.url + route);
    await appReady(page);
    // Two frames after the takeover, so a larger paint of the app's view would be reported.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForTimeout(300);
    const after = await page.locator('main#main h1').first().innerText();
    assert.equal(after, before, `${route}: the same heading`);
    const { paints, shift, takeover } = await page.evaluate(() => ({
      paints: window.__paints, shift: window.__shift, takeover: window.__takeover,
    }));
    assert.ok(takeover > 0, `${route}: the app took over`);
    assert.ok(paints.length >= 1, `${route}: a largest paint`);
    assert.ok(paints.every((t) => t < takeover), `${route}: largest paints at ${paints} ms, all before the app took over at ${takeover} ms`);
    assert.ok(shift < 0.01, `${route}: layout shift ${shift}`);
    assert.deepEqual(problems, []);
    await close();
  }
});

test('printing leaves out the header, menus and navigation, on white', async () => {
  const { page, close } = await openPage();
  await page.goto(site.url + '/posts/day-06-the-long-bus/');
  await appReady(page);
  await page.locator('article.post .prose').waitFor();
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.site-header').isVisible(), false);
  assert.equal(await page.locator('.post-nav').isVisible(), false);
  assert.equal(await page.locator('article.post h1').isVisible(), true);
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
  await page.emulateMedia({ media: 'screen' });
  assert.equal(await page.locator('.site-header').isVisible(), true);
  await close();
});
