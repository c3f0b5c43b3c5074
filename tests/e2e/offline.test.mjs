// Reading offline, for real: the release build is served by a separate server process, which the
// tests stop (and restart with a new build) while the browser keeps its page open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dist, fieldnotes, launchBrowser, postsOf, openPage, appReady, resultTitles, TIMEOUT } from './harness.mjs';

const serverScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static-server.mjs');
const posts = postsOf(dist);
let browser;
/** Every answer any server process gave, as `status content-type path`. */
const answers = [];

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  // Over all the tests: the server never sent a page as the content of code or data (its 404
  // page for a missing file is the worker's to turn into an error, which each test checks).
  const wrong = answers.filter((line) => line.startsWith('200 ') && /\.(js|wasm|json)$/.test(line) && line.includes('text/html'));
  assert.deepEqual(wrong, [], 'the server sent HTML for code or data');
});

/** Serves `dir` from its own process on 127.0.0.1 (`port` 0: any free one). */
async function startServer(dir, port = 0) {
  const child = spawn(process.execPath, [serverScript, dir, String(port), '--log'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), TIMEOUT);
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let end;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const started = line.match(/^serving on (.*)$/);
        if (started) {
          clearTimeout(timer);
          resolve(started[1]);
        } else {
          answers.push(line);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    /** Ends the process and waits until it has gone: the port then refuses connections. */
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** A page that also fails the test if code or data ever arrives as HTML. */
async function open() {
  const opened = await openPage(browser);
  opened.htmlAsData = [];
  opened.page.on('response', async (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (/\.(js|wasm|json)$/.test(new URL(response.url()).pathname) && type.includes('text/html')) {
      opened.htmlAsData.push(response.url());
    }
  });
  return opened;
}

/** The first visit's service worker controls the page. */
const controlled = (page) => page.waitForFunction(() => !!navigator.serviceWorker.controller);
/** Paths held in one cache. */
const cached = (page, name) =>
  page.evaluate(async (name) => {
    if (!(await caches.has(name))) return [];
    const keys = await (await caches.open(name)).keys();
    return keys.map((r) => new URL(r.url).pathname).sort();
  }, name);
/** Console errors other than the failed requests being offline means. */
const realProblems = (problems) =>
  problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED|status of 503/.test(p));
const card = (page, title) => page.locator('.post-card', { has: page.getByRole('link', { name: title, exact: true }) });

test('after one visit the blog reads offline: home, an opened post, search over it, and a clear message for the rest', async () => {
  const server = await startServer(dist);
  const { page, problems, htmlAsData, close } = await open();
  const [opened, unopened] = [posts[1], posts[2]];
  try {
    await page.goto(server.url + '/');
    await appReady(page);
    await controlled(page);
    await page.getByRole('link', { name: opened.title, exact: true }).click();
    await page.locator('article.post h1', { hasText: opened.title }).waitFor();
    await page.waitForFunction((url) => caches.match(url).then(Boolean), `/data/${opened.file}`);
    // Installable: Chromium finds nothing missing (manifest, icons, a worker that answers
    // fetches); the test's browser context is private, which alone rules installing out.
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'), []);
    // A search made online keeps the index files it used.
    await page.goto(`${server.url}/search?q=river`);
    const riverResults = await resultTitles(page);
    // Chromium routes result cards (and the search worker's index files) past the worker's
    // script (sw.js, ROUTES): the browser looked in the caches itself, then the network.
    const routed = await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => /\/lists\/docs\/\d+\.[0-9a-f]{16}\.json$/.test(e.name)).map((e) => e.workerMatchedSourceType));
    assert.ok(routed.length > 0 && routed.every((source) => source === 'cache'), `cards fetched as: ${routed.join(', ')}`);
    // The app names what it fetched so, and the worker stores it: the search works offline below.
    await page.waitForFunction(() => caches.open('fieldnotes-search').then((c) => c.keys()).then((k) => k.length > 0));
    await page.goto(server.url + '/');
    await appReady(page);
    await page.locator('.post-card').first().waitFor();

    await server.stop();
    await page.reload();
    assert.equal(new URL(page.url()).pathname, '/');
    await appReady(page);
    // The browser is online and the site does not answer: the header says the site is in
    // trouble (not that the reader is offline).
    assert.equal(await page.locator('.offline-badge').textContent(), 'The site is having trouble; showing saved copies');
    assert.match(await card(page, opened.title).textContent(), /Available offline/);
    assert.match(await card(page, unopened.title).textContent(), /Not saved for offline reading/);

    await page.getByRole('link', { name: opened.title, exact: true }).click();
    await page.locator('article.post h1', { hasText: opened.title }).waitFor();
    assert.ok((await page.locator('article.post .prose').textContent()).length > 200, 'the post text is shown');
    assert.equal(await page.locator('article.post .offline-mark').textContent(), 'Available offline');

    await page.goBack();
    await page.getByRole('link', { name: unopened.title, exact: true }).click();
    await page.getByRole('heading', { name: 'This post is not saved for offline reading' }).waitFor();

    // The same search offline: from the stored index files, the same results.
    await page.goto(`${server.url}/search?q=river`);
    await appReady(page);
    assert.deepEqual(await resultTitles(page), riverResults);
    assert.equal(await page.locator('.search-offline').count(), 0, 'the index answered, not the fallback');

    // Search without the index files a word needs: the stored posts are searched instead. The
    // sample's English words all sit in the root shard "river" used; a Thai word of the opened
    // post ("market") is in a tree of its own, never fetched.
    await page.goto(`${server.url}/search?q=${encodeURIComponent('ตลาด')}`);
    await appReady(page);
    // The browser is online and the site is not: said as the site's trouble.
    await page.locator('.search-offline', { hasText: /^The site is not answering: these results come from the \d+ posts stored in this browser\.$/ }).waitFor();
    assert.equal(await page.locator('.search-results h2').first().textContent(), opened.title);
    assert.ok(await page.locator('.search-results mark').count() > 0, 'the matches are marked');

    // A direct load of the opened post's address: the worker answers with the shell.
    await page.goto(`${server.url}/posts/${opened.slug}`);
    await appReady(page);
    assert.equal(await page.locator('article.post h1').textContent(), opened.title);
    // The browser itself offline (the page's network cut, so `navigator.onLine` is false): the
    // header says so.
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.goto(`${server.url}/`);
    await appReady(page);
    assert.equal(await page.locator('.offline-badge').textContent(), 'Offline');
    assert.deepEqual(realProblems(problems), []);
    assert.deepEqual(htmlAsData, []);
  } finally {
    await close();
    await server.stop();
  }
});

test('"Save this tag" stores exactly that tag\'s posts; after "Save all posts", search works offline', async () => {
  const server = await startServer(dist);
  const { page, problems, htmlAsData, close } = await open();
  const tag = 'temples';
  const tagged = posts.filter((p) => p.tags.includes(tag));
  try {
    await page.goto(`${server.url}/tags/${tag}`);
    await appReady(page);
    await controlled(page);
    const save = page.getByRole('button', { name: /^Save this tag for offline \(2 posts, about \d+ KB\)$/ });
    await save.click();
    await page.locator('.save-status', { hasText: /^Saved 2 posts for offline reading \(\d+ KB stored now\)\./ }).waitFor();
    const saved = await cached(page, 'fieldnotes-saved');
    assert.deepEqual(
      saved.filter((p) => p.startsWith('/data/posts/')),
      tagged.map((p) => `/data/${p.file}`).sort(),
    );
    assert.ok(saved.every((p) => /^\/data\/(posts|media|comments)\//.test(p)), saved.join(' '));
    await page.getByRole('button', { name: 'Saved: this tag (2 posts)' }).waitFor();

    await page.getByRole('link', { name: 'Reading offline' }).click();
    await page.getByRole('button', { name: new RegExp(`^Save all posts for offline \\(${posts.length} posts, about \\d+ KB\\)$`) }).click();
    await page.locator('.save-status', { hasText: `Saved ${posts.length} posts for offline reading` }).waitFor();
    assert.match(await page.locator('.offline-summary').textContent(), new RegExp(`^${posts.length} of ${posts.length} posts are available offline\\. This site uses \\d+`));

    await server.stop();
    // A word from one post, never searched before this point.
    const target = posts.find((p) => p.slug.includes('library'));
    await page.goto(`${server.url}/search?q=library`);
    await appReady(page);
    await page.locator('.search-results h2', { hasText: target.title }).waitFor();
    await page.getByRole('link', { name: target.title }).first().click();
    await page.locator('article.post h1', { hasText: target.title }).waitFor();
    assert.deepEqual(realProblems(problems), []);
    assert.deepEqual(htmlAsData, []);
  } finally {
    await close();
    await server.stop();
  }
});

test('a new deploy is announced, not forced; "Reload" shows the new build', async () => {
  // Two builds of the site: v2 adds a post.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-deploy-'));
  const [v1, v2, content] = ['v1', 'v2', 'content'].map((d) => path.join(work, d));
  fs.cpSync(dist, v1, { recursive: true });
  fs.cpSync(dist, v2, { recursive: true });
  fs.cpSync(path.join(dist, '..', 'content'), content, { recursive: true });
  const title = 'Day 14: Home Again, Writing It Up';
  // v2 also changes a post, so the file v1 names for it is gone.
  const changed = posts[3];
  const source = fs.readdirSync(content).find((f) => f.startsWith(changed.slug));
  fs.appendFileSync(path.join(content, source), '\nA line added after the first deploy.\n');
  fs.writeFileSync(
    path.join(content, 'day-14-writing-it-up.md'),
    `---\ntitle: "${title}"\ndate: 2025-02-20\ntags: [books]\n---\n\nA week later, the notebook typed up at last.\n`,
  );
  fs.rmSync(path.join(v2, 'data'), { recursive: true, force: true });
  fieldnotes('build', '--content', content, '--out', path.join(v2, 'data'));
  fieldnotes('stubs', '--dist', v2);
  const buildOf = (dir) => fs.readFileSync(path.join(dir, 'sw.js'), 'utf8').match(/const BUILD = '([0-9a-f]+)'/)[1];
  assert.notEqual(buildOf(v1), buildOf(v2));

  let server = await startServer(v1);
  const { page, problems, htmlAsData, close } = await open();
  try {
    await page.goto(server.url + '/');
    await appReady(page);
    await controlled(page);
    await page.evaluate(() => { window.stillTheSamePage = true; });

    // Deploy v2 at the same address while the v1 tab stays open.
    await server.stop();
    server = await startServer(v2, server.port);
    // The browser's own periodic check, brought forward.
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    const reload = page.locator('.update-prompt').getByRole('button', { name: 'Reload' });
    await reload.waitFor();
    assert.match(await page.locator('.update-prompt').textContent(), /A new version of this site is ready/);
    // Nothing was forced: the same page, still the v1 list.
    assert.equal(await page.evaluate(() => window.stillTheSamePage), true);
    assert.equal(await page.getByRole('link', { name: title }).count(), 0);
    // The reader can still move around v1 while the prompt waits.
    await page.getByRole('link', { name: posts[0].title, exact: true }).click();
    await page.locator('article.post h1', { hasText: posts[0].title }).waitFor();
    await page.goBack();
    // A post v2 changed: v1's file for it is gone. The tab says why and offers the new version.
    await page.getByRole('link', { name: changed.title, exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /updated since this page was opened/);
    await alert.getByRole('button', { name: 'Reload' }).waitFor();
    await page.goBack();

    await reload.click();
    await page.getByRole('link', { name: title, exact: true }).waitFor();
    assert.equal(await page.evaluate(() => window.stillTheSamePage), undefined, 'the page was reloaded');
    const shells = (await page.evaluate(() => caches.keys())).filter((n) => n.startsWith('fieldnotes-shell-'));
    assert.deepEqual(shells, [`fieldnotes-shell-${buildOf(v2)}`], 'the old build\'s cache is gone');
    assert.equal(await page.locator('.update-prompt button').count(), 0);
    assert.deepEqual(realProblems(problems), []);
    assert.deepEqual(htmlAsData, []);
  } finally {
    await close();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('the cache of opened posts keeps its newest 300 entries, dropping the oldest first', async () => {
  const server = await startServer(dist);
  const { page, problems, close } = await open();
  try {
    await page.goto(server.url + '/');
    await appReady(page);
    await controlled(page);
    // Fill the cache to its limit with stand-ins for posts opened long ago.
    await page.evaluate(async () => {
      const cache = await caches.open('fieldnotes-posts');
      for (let i = 0; i < 300; i++) {
        await cache.put(`/data/posts/old-${i}.json`, new Response('{}', { headers: { 'content-type': 'application/json' } }));
      }
    });
    const post = posts[5];
    await page.getByRole('link', { name: post.title, exact: true }).click();
    await page.locator('article.post h1', { hasText: post.title }).waitFor();
    await page.waitForFunction((url) => caches.match(url).then(Boolean), `/data/${post.file}`);
    const kept = await cached(page, 'fieldnotes-posts');
    // The worker trims a cache a second after a burst of stores ends: then it holds the limit,
    // the post just opened among them, the oldest stand-ins gone.
    await page.waitForFunction(async (file) => {
      const keys = (await (await caches.open('fieldnotes-posts')).keys()).map((r) => new URL(r.url).pathname);
      return keys.length === 300 && keys.includes(file) && !keys.includes('/data/posts/old-0.json');
    }, `/data/${post.file}`);
    const after = await cached(page, 'fieldnotes-posts');
    assert.ok(kept.length > 300, `${kept.length} before trimming`);
    assert.ok(after.includes('/data/posts/old-299.json'), 'the newest stand-ins are kept');
    assert.deepEqual(realProblems(problems), []);
  } finally {
    await close();
    await server.stop();
  }
});
