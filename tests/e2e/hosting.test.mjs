// The built site on a plain static host: every route a real page (200, its own content, readable
// without JavaScript), feeds and discovery files served, no Content-Security-Policy violation
// anywhere, and the same site built for a sub-path (/blog/) working end to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { root, dist, launchBrowser, postsOf, openPage, appReady } from './harness.mjs';

/** The same site built with FIELDNOTES_BASE_PATH=/blog/ and Trunk's --public-url /blog/. */
const distBlog = path.join(root, 'target/dist-blog');
let browser;
let site;

before(async () => {
  if (!fs.existsSync(path.join(distBlog, 'index.html'))) {
    throw new Error('no sub-path build: run FIELDNOTES_BASE_PATH=/blog/ trunk build --release --offline --public-url /blog/ --dist target/dist-blog');
  }
  browser = await launchBrowser();
  site = await serve(dist);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** Every page address the sitemap lists, as paths on this server. */
function sitemapPaths(dir) {
  const xml = fs.readFileSync(path.join(dir, 'sitemap.xml'), 'utf8');
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
}

test('every route in the sitemap answers 200 with its own page, from a host with no fallback', async () => {
  const paths = sitemapPaths(dist);
  const posts = postsOf(dist);
  assert.ok(paths.length >= posts.length + 4, `${paths.length} routes`);
  for (const route of paths) {
    const response = await fetch(site.url + route);
    assert.equal(response.status, 200, route);
    assert.match(response.headers.get('content-type'), /^text\/html/, route);
    const html = await response.text();
    const content = html.match(/<div id="prerendered">([\s\S]*?)<\/div><!--\/prerendered-->/)?.[1] ?? '';
    assert.match(content, /<h1[ >]/, `${route} has its content in the page`);
    assert.doesNotMatch(html, /<title>Page not found/, route);
    const canonical = html.match(/<link rel="canonical" href="([^"]+)">/)?.[1];
    // Both decoded: a URL keeps a space as %20 (a category "Day by day"), the sitemap path too.
    assert.equal(decodeURIComponent(new URL(canonical).pathname), decodeURIComponent(route), `${route}: canonical`);
  }
  for (const post of posts) {
    assert.ok(paths.includes(`/posts/${post.slug}/`), `${post.slug} is in the sitemap`);
  }
  const missing = await fetch(site.url + '/no/such/page');
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /Page not found/);
});

test('feeds, sitemap, robots.txt and the host rules are served, and every page names the feeds', async () => {
  for (const [file, type] of [
    ['/atom.xml', /xml/],
    ['/rss.xml', /xml/],
    ['/feed.json', /json/],
    ['/sitemap.xml', /xml/],
    ['/robots.txt', /text\/plain/],
  ]) {
    const response = await fetch(site.url + file);
    assert.equal(response.status, 200, file);
    assert.match(response.headers.get('content-type'), type, file);
  }
  const atom = await (await fetch(site.url + '/atom.xml')).text();
  const newest = postsOf(dist)[0];
  assert.ok(atom.includes(`<title>${newest.title}</title>`), 'the newest post is in the feed');
  const { page, close } = await openPage(browser);
  try {
    await page.goto(`${site.url}/posts/${newest.slug}`);
    const feeds = await page.locator('link[rel=alternate]').evaluateAll((links) => links.map((l) => [l.type, l.getAttribute('href')]));
    assert.deepEqual(feeds, [
      ['application/atom+xml', '/atom.xml'],
      ['application/rss+xml', '/rss.xml'],
      ['application/feed+json', '/feed.json'],
    ]);
  } finally {
    await close();
  }
});

test('with JavaScript off, every kind of page still shows its text', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const post = postsOf(dist)[2];
  try {
    for (const [route, heading, text] of [
      ['/', 'Fieldnotes', post.title],
      [`/posts/${post.slug}`, post.title, ''],
      ['/page/2/', 'Fieldnotes', 'Page 2 of'],
      ['/tags', 'Tags', post.tags[0]],
      [`/tags/${post.tags[0]}`, `Tagged “${post.tags[0]}”`, post.title],
      ['/archive', 'Archive', post.title],
      ['/search', 'Search', 'needs JavaScript'],
      ['/offline', 'Reading offline', 'JavaScript'],
    ]) {
      const response = await page.goto(site.url + route);
      assert.equal(response.status(), 200, route);
      assert.equal(await page.locator('#prerendered h1').first().innerText(), heading, route);
      assert.ok(await page.locator('#prerendered').isVisible(), route);
      if (text) assert.ok((await page.locator('#prerendered').innerText()).includes(text), `${route}: ${text}`);
    }
    await page.goto(`${site.url}/posts/${post.slug}`);
    assert.ok((await page.locator('#prerendered article').innerText()).length > 1000, 'the whole article');
  } finally {
    await context.close();
  }
});

test('no page breaks its Content-Security-Policy, which allows no inline code or eval', async () => {
  const post = postsOf(dist)[0];
  const routes = ['/', `/posts/${post.slug}`, '/page/2', '/tags', `/tags/${post.tags[0]}`, '/archive', '/search/?q=river', '/offline', '/no-such-page'];
  const { page, close } = await openPage(browser);
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  try {
    for (const route of routes) {
      await page.goto(site.url + route);
      await appReady(page);
      // The app is running: a WASM module compiled and event handlers attached.
      await page.locator('.site-header').waitFor();
      const policy = await page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
      assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'/, route);
      assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/, route);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), [], route);
    }
  } finally {
    await close();
  }
});

test('built for /blog/, the site works under that path: links, data, search, deep links and the service worker', async () => {
  const blog = await serve(distBlog, { prefix: '/blog' });
  const { page, problems, requests, close } = await openPage(browser);
  const posts = postsOf(distBlog);
  try {
    await page.goto(blog.url + '/blog/');
    await appReady(page);
    await page.getByRole('link', { name: posts[1].title, exact: true }).click();
    await page.locator('article.post h1', { hasText: posts[1].title }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/blog/posts/${posts[1].slug}/`);
    // Images in the post come from the sub-path too.
    for (const src of await page.locator('article.post img').evaluateAll((imgs) => imgs.map((i) => i.src))) {
      assert.ok(new URL(src).pathname.startsWith('/blog/data/media/'), src);
    }
    // Site links inside the app keep the base.
    const hrefs = await page.locator('.site-header a, .post-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.every((h) => h.startsWith('/blog/')), hrefs.join(' '));

    await page.goto(`${blog.url}/blog/search/?q=river`);
    await appReady(page);
    await page.locator('.search-results h2').first().waitFor();

    const direct = await page.goto(`${blog.url}/blog/tags/${posts[0].tags[0]}`);
    assert.equal(direct.status(), 200);
    await appReady(page);
    await page.locator('.post-card').first().waitFor();

    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(new URL(scope).pathname, '/blog/');
    assert.equal(new URL(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '')).pathname, '/blog/sw.js');

    const outside = requests.map((u) => new URL(u).pathname).filter((p) => !p.startsWith('/blog/'));
    assert.deepEqual(outside, [], 'every request stays under /blog/');
    const feed = fs.readFileSync(path.join(distBlog, 'feed.json'), 'utf8');
    assert.ok(JSON.parse(feed).items.every((item) => new URL(item.url).pathname.startsWith('/blog/posts/')));
    assert.deepEqual(problems, []);
  } finally {
    await close();
    await blog.close();
  }
});
