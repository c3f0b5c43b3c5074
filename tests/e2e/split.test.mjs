// The reading core and its chunks (src/app/split.rs, cut by `fieldnotes split`): a first visit
// loads the core alone; the search page, the comments and the offline page each load their chunk
// on first use (or ahead, on a fast connection without Save-Data, once the first page is drawn);
// a chunk that cannot be had says so and Try again loads it; after one visit every chunk is
// stored, and each works offline. The release build in dist/, served on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dist, postsOf, openPage, appReady, servedSite } from './harness.mjs';

const held = servedSite();
const open = (options) => openPage(held.browser, options);
const url = (route) => held.site.url + route;

/** The chunk `name` (search, comments, offline) of a request's address, or null. */
const chunkOf = (url) => new URL(url).pathname.match(/^\/pieces\/app-[0-9a-f]+\/split_(\w+)\.wasm$/)?.[1] ?? null;
const chunksIn = (requests) => [...new Set(requests.map(chunkOf).filter(Boolean))].sort();
/** The sample post with comments. */
const commented = () => postsOf(dist).find((p) => p.comments > 0);
/** A reader who asked to save data: nothing is fetched ahead. */
const savingData = (context) => context.addInitScript(() => Object.defineProperty(navigator, 'connection', {
  value: { saveData: true, effectiveType: '4g' },
}));

test('a first visit loads the reading core alone; each chunk loads when its feature is first used', { timeout: 90_000 }, async () => {
  const { page, context, problems, requests, close } = await open({ serviceWorkers: 'block', viewport: { width: 800, height: 500 } });
  try {
    await savingData(context);
    await page.goto(url(`/`));
    await appReady(page);
    await page.waitForTimeout(2500);
    assert.deepEqual(chunksIn(requests), [], 'no chunk on a first visit to /');
    const loader = requests.filter((u) => /\/pieces\/app-[0-9a-f]+\/loader\.js$/.test(u));
    assert.equal(loader.length, 1, 'the core imports the chunks\' loader');

    // Search: focusing the header's box fetches the search chunk, the index's entry and its root
    // shard (every word's path starts there), before a key is typed; typing opens /search.
    await page.keyboard.press('/');
    // The worker fetches the index files itself: its requests are the page's too.
    const warming = [
      (u) => chunkOf(u) === 'search',
      (u) => /\/pieces\/fieldnotes-search-worker\.js$/.test(u),
      (u) => /\/pieces\/fieldnotes-search_bg\.wasm$/.test(u),
      (u) => /\/data\/search\/entry\.[0-9a-f]+\.json$/.test(u),
      (u) => /\/data\/search\/index\/_\.[0-9a-f]{16}\.bin$/.test(u),
    ];
    const warmed = () => warming.map((is) => requests.filter((u) => new URL(u).pathname && is(u)).length);
    for (let t = 0; t < 150 && warmed().some((n) => n === 0); t++) await page.waitForTimeout(100);
    assert.deepEqual(warmed(), [1, 1, 1, 1, 1],
      'the chunk, the worker, its module, the entry and the root shard, once each');
    assert.equal(new URL(page.url()).pathname, '/', 'focus alone does not leave the page');
    await page.keyboard.type('river');
    await page.locator('.search-results h2').first().waitFor();
    assert.deepEqual(chunksIn(requests), ['search']);

    // A post: its comments load when the end of the post comes near, not before.
    const post = commented();
    await page.goto(url(`/posts/${post.slug}/`));
    await page.locator('article.post h1').waitFor();
    await page.waitForTimeout(1000);
    assert.ok(!chunksIn(requests).includes('comments'), 'not while the reader is at the top');
    assert.equal(await page.locator('section.comments').count(), 0);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.locator('section.comments h2', { hasText: `${post.comments} comments` }).waitFor();
    assert.deepEqual(chunksIn(requests), ['comments', 'search']);

    await page.goto(url(`/offline/`));
    await page.locator('main h1', { hasText: 'Reading offline' }).waitFor();
    // The host's page has the same heading: the app asks for the chunk once it has started.
    for (let t = 0; t < 100 && !chunksIn(requests).includes('offline'); t++) await page.waitForTimeout(100);
    assert.deepEqual(chunksIn(requests), ['comments', 'offline', 'search']);

    // Saving for offline: the work is a chunk of its own, fetched when a Save button is pressed.
    await page.goto(url('/tags/'));
    await page.locator('main a[href^="/tags/"]').first().click();
    const save = page.getByRole('button', { name: /^Save this tag for offline/ });
    await save.waitFor();
    assert.ok(!chunksIn(requests).includes('saving'), 'not before the button is pressed');
    await save.click();
    await page.locator('.save-status', { hasText: /^Saved \d+ posts? for offline reading/ }).waitFor();
    assert.deepEqual(chunksIn(requests), ['comments', 'offline', 'saving', 'search']);
    assert.equal(requests.filter((u) => chunkOf(u) === 'search').length, 1, 'each chunk once');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('on a fast connection the chunks are fetched ahead once the first page is drawn; the address of a comment loads them at once', { timeout: 60_000 }, async () => {
  const { page, problems, requests, close } = await open({ serviceWorkers: 'block', viewport: { width: 800, height: 500 } });
  try {
    const post = commented();
    await page.goto(url(`/posts/${post.slug}/#comments`));
    // Named by the address: drawn without scrolling and without waiting for the prefetch.
    await page.locator('section.comments h2', { hasText: `${post.comments} comments` }).waitFor();
    await page.waitForFunction(() => performance.getEntriesByType('resource').filter((e) => /split_\w+\.wasm$/.test(e.name)).length >= 5);
    assert.deepEqual(chunksIn(requests), ['comments', 'offline', 'protected', 'saving', 'search']);
    // Fetched ahead, the search chunk answers without another request.
    const before = requests.length;
    await page.locator('#search-box').fill('river');
    await page.locator('.search-results h2').first().waitFor();
    assert.equal(requests.slice(before).filter(chunkOf).length, 0, 'no chunk fetched again');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a chunk that cannot be loaded says so, and Try again loads it', { timeout: 60_000 }, async () => {
  const { page, context, problems, close } = await open({ serviceWorkers: 'block' });
  try {
    await savingData(context);
    let failing = true;
    await page.route('**/pieces/app-*/split_search.wasm', (route) => (failing ? route.fulfill({ status: 503, body: 'down' }) : route.fallback()));
    await page.goto(url(`/search/?q=river`));
    const note = page.locator('main .piece-failed');
    await note.waitFor();
    assert.match(await note.textContent(), /The search could not be loaded/);
    // The rest of the app still works: the header is there, and its links go.
    assert.ok(await page.locator('header.site-header a.site-title').isVisible());
    failing = false;
    await note.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.search-results h2').first().waitFor();
    assert.equal(await page.locator('main .piece-failed').count(), 0);
    // The refused file is the only error: no panic, no dead button.
    assert.deepEqual(problems.filter((p) => !/status of 503|split_search|WebAssembly|failed to load split/i.test(p)), []);
  } finally {
    await close();
  }
});

test('after one visit every chunk is stored: search, comments and the offline page work offline', { timeout: 90_000 }, async () => {
  const { page, context, problems, close } = await open({ viewport: { width: 800, height: 500 } });
  try {
    await savingData(context);
    await page.goto(url(`/`));
    await appReady(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    // Stored on install, though this reader (saving data) never used one.
    await page.waitForFunction(async () => {
      const wanted = ['search', 'comments', 'offline', 'saving'];
      const found = new Set();
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          const m = new URL(request.url).pathname.match(/\/split_(\w+)\.wasm$/);
          if (m) found.add(m[1]);
        }
      }
      return wanted.every((w) => found.has(w));
    });
    // A post opened online is kept: offline, search finds it among what this browser stored.
    const post = commented();
    await page.goto(url(`/posts/${post.slug}/`));
    await page.locator('article.post h1').waitFor();
    await page.waitForFunction((url) => caches.match(url).then(Boolean), `/data/${post.file}`);
    await context.setOffline(true);
    const word = post.title.split(/\W+/).filter((w) => w.length > 3).pop().toLowerCase();
    await page.goto(url(`/search/?q=${word}`));
    await page.locator('.search-results h2', { hasText: post.title }).waitFor();
    await page.goto(url(`/offline/`));
    // Its chunk runs (the page's list of every post needs the file "save all" stores, so here
    // it says that file could not be loaded), and no chunk is missing.
    await page.locator('main h1').waitFor();
    assert.equal(await page.locator('main .piece-failed').count(), 0);
    await page.goto(url(`/posts/${post.slug}/#comments`));
    await page.locator('section.comments h2', { hasText: `${post.comments} comments` }).waitFor();
    assert.deepEqual(problems.filter((p) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(p)), []);
  } finally {
    await close();
  }
});

test('a release build ships its scripts and stylesheet minified, and the pages\' integrity hashes are the minified files\'', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const crypto = await import('node:crypto');
  const shell = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const linked = [...shell.matchAll(/<link rel="(?:stylesheet|modulepreload)" href="\/([^"]+)"[^>]*integrity="([^"]+)"/g)];
  const kinds = linked.map(([, file]) => path.extname(file)).sort();
  assert.deepEqual([...new Set(kinds)], ['.css', '.js'], 'the stylesheet and the scripts are linked with their hashes');
  const pieces = fs.readdirSync(path.join(dist, 'pieces')).filter((f) => f.endsWith('.js')).map((f) => `pieces/${f}`);
  const app = fs.readdirSync(dist).filter((f) => /^fieldnotes-app-[0-9a-f]+\.js$/.test(f));
  assert.equal(app.length, 1);
  for (const file of [...linked.map(([, f]) => f), ...app, ...pieces]) {
    const text = fs.readFileSync(path.join(dist, file), 'utf8');
    // Our sources are commented and indented; esbuild leaves neither (a licence comment, `/*!`,
    // would stay, and none of ours has one).
    assert.doesNotMatch(text, /\/\*[^!]/, `${file}: no comment left`);
    assert.doesNotMatch(text, /\n {2,}\S/, `${file}: no indented line left`);
  }
  for (const [, file, hash] of linked) {
    const bytes = fs.readFileSync(path.join(dist, file));
    assert.equal(hash, `sha384-${crypto.createHash('sha384').update(bytes).digest('base64')}`, `${file}: the shell's hash is the minified file's`);
  }
});
