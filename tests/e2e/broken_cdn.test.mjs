// A broken host never breaks the reader: the release build in dist/ behind a host that misbehaves
// on cue (a file cut short, a manifest of a newer format, a search file that is a web page or
// garbage, a 500, a stale manifest naming files that are gone, a very slow answer). Each case
// shows a clear view with a way forward that works, never a blank page or a panic; with the
// service worker, a broken deploy takes nothing the reader saved for offline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { dist, launchBrowser, postsOf, openPage, appReady, listFile } from './harness.mjs';

const posts = postsOf(dist);
const manifestText = fs.readFileSync(path.join(dist, 'data/manifest.json'), 'utf8');
const manifest = JSON.parse(manifestText);
const IMMUTABLE = 'public, max-age=31536000, immutable';
let browser;
let files;
let host;

/**
 * A host in front of the built site. `host.rule(pathname)` decides each answer: undefined passes
 * the request on to the site; `{ status, type, body, cache }` is sent instead; `{ delay }` passes it
 * on after `delay` ms. Answers keep the site's own headers (its CSP, its caching).
 */
function brokenHost(site) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const answer = server.rule(url.pathname);
    if (answer?.delay) await new Promise((resolve) => setTimeout(resolve, answer.delay));
    if (answer?.body !== undefined) {
      res.writeHead(answer.status ?? 200, {
        'content-type': answer.type ?? 'application/json',
        'cache-control': answer.cache ?? 'no-cache',
      });
      res.end(answer.body);
      return;
    }
    const upstream = await fetch(site.url + req.url);
    const headers = {};
    for (const [name, value] of upstream.headers) {
      if (!/^(content-length|content-encoding|transfer-encoding|connection|keep-alive)$/.test(name)) headers[name] = value;
    }
    res.writeHead(upstream.status, headers);
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  server.rule = () => undefined;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      server.url = `http://127.0.0.1:${server.address().port}`;
      resolve(server);
    });
  });
}

before(async () => {
  browser = await launchBrowser();
  files = await serve(dist);
  host = await brokenHost(files);
});

after(async () => {
  await browser?.close();
  await new Promise((done) => { host?.closeAllConnections(); host ? host.close(done) : done(); });
  await files?.close();
});

/** A page without the service worker (a first visit), or with it (`worker`). */
const open = (worker = false) => openPage(browser, { serviceWorkers: worker ? 'allow' : 'block' });

/** A built file's text. */
const built = (file) => fs.readFileSync(path.join(dist, file), 'utf8');

/** The problems a page recorded, less the console lines of the failed statuses `expected` names
 * (`[500]`): those the browser prints for any failed request, the rest are the app's own. */
function unexpected(problems, expected = []) {
  const allowed = expected.map((status) => new RegExp(`^console error: Failed to load resource: the server responded with a status of ${status} `));
  return problems.filter((p) => !allowed.some((re) => re.test(p)));
}

/** The page shows words, not a blank `main`, and nothing panicked. */
async function notBlank(page) {
  const text = await page.locator('main').innerText();
  assert.ok(text.trim().length > 20, `main shows text: ${JSON.stringify(text)}`);
  assert.doesNotMatch(text, /panicked|RuntimeError|unreachable/);
}

/** Waits until the post's body shows more than 200 characters of text (the title may be drawn
 * a frame before the body it heads); fails the test after ten seconds. */
async function bodyRead(page) {
  await page.waitForFunction(() => (document.querySelector('article.post .prose')?.innerText ?? '').length > 200, null, { timeout: 10_000 });
}

/** The alert a failure shows, its text matching `message`, with `action` and a way home. */
async function failure(page, message, action) {
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), message);
  await alert.getByRole('button', { name: action }).waitFor();
  await alert.getByRole('link', { name: 'home page' }).waitFor();
  await notBlank(page);
  return alert;
}

test('a post file cut short (200, cached for a year) says it could not be read; "Try again" gets the good copy', async () => {
  const target = posts[2];
  const { page, problems, close } = await open();
  let broken = true;
  host.rule = (p) => (broken && p === `/data/${target.file}`
    ? { body: built(`data/${target.file}`).slice(0, 300), cache: IMMUTABLE }
    : undefined);
  try {
    await page.goto(`${host.url}/posts/${target.slug}/`);
    await appReady(page);
    const alert = await failure(page, /could not be read/, 'Try again');
    broken = false;
    // The browser's cache holds the cut copy as immutable: the retry must go past it.
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.locator('article.post h1', { hasText: target.title }).waitFor();
    await bodyRead(page);
    assert.equal(await page.getByRole('alert').count(), 0);
    assert.deepEqual(unexpected(problems), []);
  } finally {
    host.rule = () => undefined;
    await close();
  }
});

test('a manifest of a newer format says the site was updated; reloading gets it, and says so when it cannot yet', async () => {
  const { page, problems, close } = await open();
  let newer = true;
  // A newer format may change any field: only its version is read.
  const next = { ...manifest, format_version: manifest.format_version + 1, lists: { moved: true }, site: [] };
  host.rule = (p) => (newer && p === '/data/manifest.json' ? { body: JSON.stringify(next) } : undefined);
  try {
    await page.goto(`${host.url}/`);
    await appReady(page);
    let alert = await failure(page, new RegExp(`This site has been updated \\(data format ${next.format_version}, this page reads ${manifest.format_version}\\)`), 'Reload');
    assert.equal(await page.locator('.load-stuck').count(), 0);
    // The host still sends this app beside the newer data: the reload brings nothing new, and
    // the page says so rather than offering the same button as if it would.
    const reloaded = page.waitForEvent('load');
    await alert.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await appReady(page);
    alert = await failure(page, /This site has been updated/, 'Reload');
    await page.locator('.load-stuck', { hasText: /Reloading has not helped yet/ }).waitFor();
    // Once the host sends a matching app and data, the same button reads the site.
    newer = false;
    await alert.getByRole('button', { name: 'Reload' }).click();
    await page.locator('.post-card h2 a', { hasText: posts[0].title }).waitFor();
    assert.deepEqual(unexpected(problems), []);
  } finally {
    host.rule = () => undefined;
    await close();
  }
});

test('a search file answered as a web page, as garbage, or cut short says search could not load; the rest of the site works', async () => {
  const word = 'river';
  const page404 = built('index.html');
  for (const kind of ['html', 'garbage', 'cut']) {
    const { page, problems, close } = await open();
    let broken = true;
    host.rule = (p) => {
      if (!broken || !p.startsWith('/data/search/') || p.startsWith('/data/search/entry.')) return undefined;
      if (kind === 'cut') {
        // A binary index file (a shard) with its last bytes missing, cached for a year.
        if (!p.endsWith('.bin')) return undefined;
        const whole = fs.readFileSync(path.join(dist, decodeURIComponent(p.slice(1))));
        return { body: whole.subarray(0, whole.length - 3), type: 'application/octet-stream', cache: IMMUTABLE };
      }
      return kind === 'html'
        ? { body: page404, type: 'text/html; charset=utf-8' }
        : { body: crypto.randomBytes(3000), type: 'application/json', cache: IMMUTABLE };
    };
    try {
      await page.goto(`${host.url}/search?q=${word}`);
      await appReady(page);
      const alert = await failure(page, kind === 'html' ? /the host sent a web page instead/ : /could not be read/, 'Try again');
      assert.equal(await alert.getByRole('heading').innerText(), 'Search could not load');
      // The rest of the app: the header's links, the home list.
      await alert.getByRole('link', { name: 'home page' }).click();
      await page.locator('.post-card h2 a', { hasText: posts[0].title }).waitFor();
      await page.goBack();
      await failure(page, /could not/, 'Try again');
      // The host recovers: the same search, retried, finds.
      broken = false;
      await page.getByRole('alert').getByRole('button', { name: 'Try again' }).click();
      await page.locator('.search-results h2').first().waitFor();
      assert.equal(await page.getByRole('alert').count(), 0);
      assert.deepEqual(unexpected(problems), [], kind);
    } finally {
      host.rule = () => undefined;
      await close();
    }
  }
});

test('a 500 on a data file says the page could not be loaded; "Try again" works once the host recovers', async () => {
  const { page, problems, close } = await open();
  let down = true;
  host.rule = (p) => (down && p.startsWith('/data/lists/')
    ? { status: 500, type: 'text/plain', body: 'Internal Server Error' }
    : undefined);
  try {
    await page.goto(`${host.url}/`);
    await appReady(page);
    const alert = await failure(page, /could not be loaded \(500 /, 'Try again');
    // Trying while the host is still down fails the same clear way.
    await alert.getByRole('button', { name: 'Try again' }).click();
    await failure(page, /could not be loaded \(500 /, 'Try again');
    down = false;
    await page.getByRole('alert').getByRole('button', { name: 'Try again' }).click();
    await page.locator('.post-card h2 a', { hasText: posts[0].title }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0);
    assert.deepEqual(unexpected(problems, [500]), []);
  } finally {
    host.rule = () => undefined;
    await close();
  }
});

test('a stale manifest naming post files that are gone offers a reload; a reload that cannot help says so', async () => {
  const target = posts[3];
  const { page, problems, close } = await open();
  let stale = true;
  // The host's 404 for the files of a build it no longer has (its page, as a static host sends).
  host.rule = (p) => (stale && p.startsWith('/data/posts/')
    ? { status: 404, type: 'text/html; charset=utf-8', body: built('404.html') }
    : undefined);
  try {
    await page.goto(`${host.url}/`);
    await appReady(page);
    await page.locator('.post-card h2 a', { hasText: target.title }).click();
    let alert = await failure(page, /updated since this page was opened/, 'Reload');
    const reloaded = page.waitForEvent('load');
    await alert.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await appReady(page);
    alert = await failure(page, /updated since this page was opened/, 'Reload');
    await page.locator('.load-stuck', { hasText: /still sending an out-of-date copy/ }).waitFor();
    stale = false;
    await alert.getByRole('button', { name: 'Reload' }).click();
    await page.locator('article.post h1', { hasText: target.title }).waitFor();
    assert.deepEqual(unexpected(problems, [404]), []);
  } finally {
    host.rule = () => undefined;
    await close();
  }
});

test('a home list gone while the manifest still names it offers a reload, not "page not found"', async () => {
  const { page, problems, close } = await open();
  let gone = true;
  const homeList = `/data/${listFile('home/1.json')}`;
  host.rule = (p) => (gone && p === homeList
    ? { status: 404, type: 'text/html; charset=utf-8', body: built('404.html') }
    : undefined);
  try {
    await page.goto(`${host.url}/`);
    const alert = await failure(page, /updated since this page was opened/, 'Reload');
    assert.equal(await page.locator('main .not-found').count(), 0, 'not the not-found view');
    gone = false;
    await alert.getByRole('button', { name: 'Reload' }).click();
    await page.locator('main .post-list .post-card').first().waitFor();
    assert.deepEqual(unexpected(problems, [404]), []);
  } finally {
    host.rule = () => undefined;
    await close();
  }
});

test('a very slow answer keeps a placeholder, then offers a way out; the post shows when it arrives', async () => {
  const target = posts[4];
  const { page, problems, close } = await open();
  // Long enough for the note (4 s), short enough for a bounded test; the way out is the same
  // for an answer that never comes.
  host.rule = (p) => (p === `/data/${target.file}` ? { delay: 7_000 } : undefined);
  try {
    await page.goto(`${host.url}/`);
    await appReady(page);
    const started = Date.now();
    await page.locator('.post-card h2 a', { hasText: target.title }).click();
    await page.locator('.loading[role="status"]').waitFor();
    const slow = page.locator('.loading-slow');
    await slow.waitFor({ timeout: 6_000 });
    assert.ok(Date.now() - started >= 3_500, 'not before the page had a fair chance');
    await slow.getByRole('button', { name: 'Reload' }).waitFor();
    // Styled as a status note: set apart by the accent's rule, its button the site's button.
    const [rule, button] = await slow.evaluate((el) => [
      getComputedStyle(el).borderInlineStartWidth,
      getComputedStyle(el.querySelector('button')).backgroundColor === getComputedStyle(document.querySelector('.site-title')).color,
    ]);
    assert.deepEqual([rule, button], ['4px', true]);
    await notBlank(page);
    // The way out works: home, at once, while the post is still on its way.
    await slow.getByRole('link', { name: 'home page' }).click();
    await page.locator('.post-card h2 a', { hasText: posts[0].title }).waitFor();
    // The post arrives; opened again, it shows (fetched once).
    await page.locator('.post-card h2 a', { hasText: target.title }).click();
    await page.locator('article.post h1', { hasText: target.title }).waitFor();
    assert.equal(await page.locator('.loading-slow').count(), 0);
    assert.deepEqual(unexpected(problems), []);
  } finally {
    host.rule = () => undefined;
    await close();
  }
});

test('with the service worker, a broken deploy (garbage manifest, 500s, files cut short) loses nothing saved', async () => {
  const tag = 'temples';
  const tagged = posts.filter((p) => p.tags.includes(tag));
  const unsaved = posts.find((p) => !p.tags.includes(tag));
  const { page, problems, close } = await open(true);
  const savedFiles = () => page.evaluate(async () => {
    const keys = await (await caches.open('fieldnotes-saved')).keys();
    return keys.map((r) => new URL(r.url).pathname).sort();
  });
  /** What the worker's caches answer for `url`: its JSON, or null when none holds it. */
  const stored = (url) => page.evaluate((url) => caches.match(url).then((r) => (r ? r.text() : null)), url);
  try {
    await page.goto(`${host.url}/tags/${tag}`);
    await appReady(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await page.getByRole('button', { name: /^Save this tag for offline/ }).click();
    await page.locator('.save-status', { hasText: /^Saved 2 posts for offline reading/ }).waitFor();
    const saved = await savedFiles();
    assert.ok(tagged.every((p) => saved.includes(`/data/${p.file}`)), saved.join(' '));

    // A broken deploy: a manifest cut short, every other data file a 500.
    host.rule = (p) => {
      if (p === '/data/manifest.json') return { body: manifestText.slice(0, manifestText.length / 2) };
      if (p.startsWith('/data/')) return { status: 500, type: 'text/plain', body: 'Internal Server Error' };
      return undefined;
    };
    for (const post of tagged) {
      await page.goto(`${host.url}/posts/${post.slug}/`);
      await appReady(page);
      await page.locator('article.post h1', { hasText: post.title }).waitFor();
      await bodyRead(page);
    }
    // The header says the site is in trouble, not that the reader is offline: the browser is online.
    await page.locator('.offline-badge', { hasText: 'The site is having trouble; showing saved copies' }).waitFor();
    // A post never saved says so, with a way forward.
    await page.goto(`${host.url}/posts/${unsaved.slug}/`);
    await appReady(page);
    await page.getByRole('heading', { name: 'This post is not saved for offline reading' }).waitFor();
    await notBlank(page);
    // Nothing broken was stored over what was good.
    assert.deepEqual(await savedFiles(), saved);
    assert.equal(JSON.parse(await stored('/data/manifest.json')).build_id, manifest.build_id);
    for (const post of tagged) assert.equal(await stored(`/data/${post.file}`), built(`data/${post.file}`));

    // The host is back but sends the unsaved post cut short: shown as damaged, never stored.
    host.rule = (p) => (p === `/data/${unsaved.file}` ? { body: built(`data/${unsaved.file}`).slice(0, 300) } : undefined);
    await page.goto(`${host.url}/posts/${unsaved.slug}/`);
    await appReady(page);
    const alert = await failure(page, /could not be read/, 'Try again');
    assert.equal(await stored(`/data/${unsaved.file}`), null);
    host.rule = () => undefined;
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.locator('article.post h1', { hasText: unsaved.title }).waitFor();
    assert.deepEqual(unexpected(problems, [500, 503]), []);
  } finally {
    host.rule = () => undefined;
    await close();
  }
});
