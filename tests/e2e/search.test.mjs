// Search in the browser: the release build in dist/, served on 127.0.0.1 like a static host. The
// index is sharded, so these tests also count which index files each search fetches.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { dist, fieldnotes, launchBrowser, postsOf, openPage as open, appReady, resultTitles } from './harness.mjs';

let browser;
let site;

before(async () => {
  browser = await launchBrowser();
  site = await serve(dist);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

const openPage = () => open(browser);
/** A post's text as the build wrote it (its rendered HTML without the tags: link addresses are
 * not text), lower-cased, for computing what must match. */
const bodyOf = (post) => JSON.parse(fs.readFileSync(path.join(dist, 'data', post.file), 'utf8'))
  .html.replace(/<[^>]*>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&#39;/g, "'").replace(/&amp;/g, '&').toLowerCase();
const titles = resultTitles;
const searchRequests = (requests) => requests.filter((u) => new URL(u).pathname.startsWith('/data/search/'));

test('typing in the header box searches as you type; "/" focuses it; the address holds the query', async () => {
  const posts = postsOf(dist);
  const { page, problems, requests, close } = await openPage();
  await page.goto(site.url + '/');
  await appReady(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-box');
  await page.keyboard.type('dolph');
  await page.waitForURL(site.url + '/search/?q=dolph');
  const kratie = posts.find((p) => p.slug === 'day-03-north-to-kratie');
  await page.locator('.search-results h2', { hasText: kratie.title }).waitFor();
  assert.equal((await titles(page))[0], kratie.title, 'a prefix finds the word as it is typed');
  const status = page.locator('.search-status');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  assert.match(await status.textContent(), /^\d+ posts? found$/);
  // The result shows the words around the match in the post itself, not only its summary.
  const card = page.locator('.search-results li', { hasText: kratie.title });
  await card.locator('.summary', { hasText: 'kilometres north of town' }).waitFor();
  const marks = await page.locator('.search-results mark').allTextContents();
  assert.ok(marks.length >= 1 && marks.every((t) => t.toLowerCase() === 'dolphins'), marks.join());
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no page load');
  // Down arrow moves from the box into the results.
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), kratie.title);
  // Only the entry and the one shard the word needs were fetched (a site this small has one).
  const fetched = searchRequests(requests);
  // Opening the result marks the matched word in the post.
  await page.keyboard.press('Enter');
  await page.waitForURL(site.url + '/posts/' + kratie.slug + '/?hl=dolphins');
  await page.locator('article.post .prose mark').first().waitFor();
  assert.ok((await page.locator('article.post .prose mark').allTextContents()).every((t) => t.toLowerCase() === 'dolphins'));
  // The entry, then only shards on the word's path (keys "", "d", "do"…) and their chunks: far
  // fewer than the index has.
  const [entries, files] = [fetched.filter((u) => /\/search\/entry\.[0-9a-f]+\.json$/.test(u)), fetched.filter((u) => !/\/entry\./.test(u))];
  assert.equal(entries.length, 1, fetched.join('\n'));
  assert.ok(files.length >= 1, fetched.join('\n'));
  for (const url of files) {
    const key = url.split('/').pop().split('.')[0].replace(/^_$/, '');
    assert.ok('dolphins'.startsWith(key), `${url} is not on the path of "dolphins"`);
  }
  const dir = path.dirname(new URL(files[0]).pathname);
  const all = fs.readdirSync(path.join(dist, dir));
  assert.ok(files.length < all.length / 2, `${files.length} of ${all.length} index files`);
  assert.deepEqual(problems, []);
  await close();
});

test('typing on keeps the page: the last results stay, marked busy, until the new ones are drawn, and a card whose post stays in its place is kept', async () => {
  const { page, problems, close } = await openPage();
  try {
    await page.goto(site.url + '/search/?q=dolph');
    await appReady(page);
    const list = page.locator('main .search-results');
    await page.locator('.search-results h2').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('main .search-results[aria-busy]'));
    const before = await titles(page);
    assert.ok(before.length >= 1);
    // Mark the cards drawn, and watch for a placeholder or an empty list while typing on.
    await page.evaluate(() => {
      document.querySelectorAll('main .search-results > li').forEach((li) => { li.__kept = true; });
      window.__blank = [];
      new MutationObserver(() => {
        if (document.querySelector('main .loading')) window.__blank.push('placeholder');
        if (!document.querySelector('main .search-results > li')) window.__blank.push('empty list');
      }).observe(document.querySelector('main'), { subtree: true, childList: true });
    });
    await page.locator('#search-box').focus();
    await page.keyboard.press('End');
    await page.keyboard.type('in');
    await page.waitForURL(site.url + '/search/?q=dolphin');
    await page.waitForFunction(() => document.title.startsWith('Search: dolphin ·')
      && !document.querySelector('main .search-results[aria-busy]'));
    assert.equal(await list.getAttribute('aria-busy'), null);
    const after = await titles(page);
    assert.deepEqual(after, before, 'the same posts match "dolph" and "dolphin" here');
    const kept = await page.evaluate(() => [...document.querySelectorAll('main .search-results > li')].map((li) => li.__kept === true));
    assert.ok(kept.length >= 1 && kept.every(Boolean), `cards kept: ${kept}`);
    assert.deepEqual(await page.evaluate(() => window.__blank), [], 'the results never blanked');
    // A word that finds other posts redraws the list, and it is not busy once drawn.
    await page.locator('#search-box').fill('mekong');
    await page.waitForURL(site.url + '/search/?q=mekong');
    await page.waitForFunction(() => document.title.startsWith('Search: mekong ·')
      && !document.querySelector('main .search-results[aria-busy]'));
    assert.notDeepEqual(await titles(page), before);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('ranking: a title match comes before body matches; typos and phrases; exclusions', async () => {
  const posts = postsOf(dist);
  const { page, problems, close } = await openPage();
  const market = posts.find((p) => p.slug === 'day-02-the-central-market');
  await page.goto(site.url + '/search/?q=' + encodeURIComponent('market '));
  await appReady(page);
  const all = await titles(page);
  assert.ok(all.length >= 3, `several posts mention markets: ${all}`);
  assert.equal(all[0], market.title);
  // One typo in a word of 4 to 7 letters.
  await page.goto(site.url + '/search/?q=' + encodeURIComponent('dolphns '));
  await appReady(page);
  assert.ok((await titles(page)).includes(posts.find((p) => p.slug === 'day-03-north-to-kratie').title));
  // A phrase must appear as written; an excluded word removes its posts.
  const withPhrase = posts.filter((p) => (p.title + ' ' + bodyOf(p)).toLowerCase().includes('central market'));
  assert.ok(withPhrase.length >= 2 && withPhrase.length < all.length, 'the sample has the phrase in some posts');
  await page.goto(site.url + '/search/?q=' + encodeURIComponent('"central market"'));
  await appReady(page);
  const phrase = await titles(page);
  assert.equal(phrase[0], market.title, 'the title match first');
  assert.deepEqual([...phrase].sort(), withPhrase.map((p) => p.title).sort());
  await page.goto(site.url + '/search/?q=' + encodeURIComponent('market -central'));
  await appReady(page);
  const without = await titles(page);
  const central = new Set(posts.filter((p) => /\bcentral\b/.test((p.title + ' ' + bodyOf(p)).toLowerCase())).map((p) => p.title));
  assert.deepEqual(without, all.filter((t) => !central.has(t)), 'the posts with "central" are left out');
  assert.ok(without.length > 0 && without.length < all.length);
  // Nothing found says so, helpfully.
  await page.goto(site.url + '/search/?q=' + encodeURIComponent('zzyzzx '));
  await appReady(page);
  assert.match(await page.locator('.search-status').textContent(), /No posts match “zzyzzx”/);
  assert.deepEqual(problems, []);
  await close();
});

test('Khmer and Thai words are found inside text written without spaces', async () => {
  const posts = postsOf(dist);
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/search/?q=' + encodeURIComponent('ផ្សារ'));
  await appReady(page);
  await page.locator('.search-results h2').first().waitFor();
  assert.ok((await titles(page)).includes(posts.find((p) => p.slug === 'day-02-the-central-market').title));
  await page.goto(site.url + '/search/?q=' + encodeURIComponent('ตลาด'));
  await appReady(page);
  await page.locator('.search-results h2').first().waitFor();
  assert.deepEqual(await titles(page), [posts.find((p) => p.slug === 'day-11-a-bangkok-stopover').title]);
  assert.deepEqual(problems, []);
  await close();
});

test('tags filter alone and together (AND), counts follow the query, and the address round-trips', async () => {
  const posts = postsOf(dist);
  const { page, problems, close } = await openPage();
  await page.goto(site.url + '/search/?tag=food,markets');
  await appReady(page);
  const both = posts.filter((p) => p.tags.includes('food') && p.tags.includes('markets')).map((p) => p.title);
  assert.ok(both.length >= 1);
  await page.locator('.search-results h2').first().waitFor();
  assert.deepEqual(await titles(page), both);
  // The chips count the posts found now; choosing one more narrows further.
  const chip = page.locator('.tag-filter a', { hasText: 'markets' });
  assert.equal(await chip.getAttribute('aria-current'), 'true');
  assert.equal(await chip.locator('.count').textContent(), String(both.length));
  // A query and a tag together; the box shows the query after a direct load.
  await page.goto(site.url + '/search/?q=river&tag=transport');
  await appReady(page);
  assert.equal(await page.locator('#search-box').inputValue(), 'river');
  const found = await titles(page);
  for (const title of found) {
    assert.ok(posts.find((p) => p.title === title).tags.includes('transport'), title);
  }
  // Open a result, then Back: the same search is on screen.
  await page.locator('.search-results h2 a').first().click();
  await page.locator('article.post').waitFor();
  await page.goBack();
  await page.waitForURL(site.url + '/search/?q=river&tag=transport');
  await page.locator('.search-results h2').first().waitFor();
  assert.deepEqual(await titles(page), found);
  assert.deepEqual(problems, []);
  await close();
});

test('many results come a page at a time; "Show more results" adds the next page and focuses it; two dozen tag chips at most', async () => {
  // A site of 70 small posts that all mention the ferry, built from a copy of the release build.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-many-'));
  const content = path.join(work, 'content');
  const dir = path.join(work, 'site');
  fs.mkdirSync(content);
  fs.writeFileSync(path.join(content, 'site.toml'), 'title = "Many ferries"\nbase_url = "http://127.0.0.1/"\n');
  for (let i = 1; i <= 70; i++) {
    const n = String(i).padStart(2, '0');
    const date = new Date(Date.UTC(2025, 0, i)).toISOString().slice(0, 10);
    fs.writeFileSync(
      path.join(content, `crossing-${n}.md`),
      `---\ntitle: "Crossing ${n}"\ndate: ${date}\ntags: [boat-${n}]\n---\n\nThe ferry left at ${i} past six.\n`,
    );
  }
  fs.cpSync(dist, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'data'), { recursive: true, force: true });
  fieldnotes('build', '--content', content, '--out', path.join(dir, 'data'));
  fs.rmSync(path.join(dir, 'posts'), { recursive: true, force: true });
  fieldnotes('stubs', '--dist', dir);
  const many = await serve(dir);
  const { page, problems, close } = await openPage();
  try {
    await page.goto(many.url + '/search/?q=ferry');
    await appReady(page);
    assert.match(await page.locator('.search-status').textContent(), /^70 posts found$/);
    assert.equal((await titles(page)).length, 20);
    // A tag of its own on each result: the chips offer those of the results shown.
    assert.equal(await page.locator('.tag-filter li').count(), 20);
    const more = page.getByRole('button', { name: 'Show more results' });
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('.search-results h2').length === 40);
    // The focus moves on the frame after the new results are drawn.
    const first = (await titles(page))[20];
    await page.waitForFunction((t) => document.activeElement?.textContent === t, first, { timeout: 5_000 })
      .catch(() => {});
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert.equal(focused, first, 'the first new result has the focus');
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('.search-results h2').length === 60);
    // 70 tags among the results shown: only the commonest two dozen are offered as chips.
    assert.equal(await page.locator('.tag-filter li').count(), 24);
    await more.click();
    await page.waitForFunction(() => document.querySelectorAll('.search-results h2').length === 70);
    assert.equal(await more.count(), 0, 'no button once everything is shown');
    assert.deepEqual(problems, []);
  } finally {
    await close();
    await many.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('the search engine runs in a worker: a newer keystroke wins over a slower older one, and a worker that cannot load says so and tries again', { timeout: 60_000 }, async () => {
  const { page, context, problems, requests, close } = await open(browser, { serviceWorkers: 'block' });
  try {
    // Index files answer slowly at first, so the first keystrokes' searches end after the last's.
    let slow = 4;
    let routed = 0;
    await context.route('**/data/search/**', async (route) => {
      routed++;
      if (slow-- > 0) await new Promise((r) => setTimeout(r, 700));
      await route.continue();
    });
    // Every status line drawn, with the query the page was for: the results list is busy from a
    // keystroke until that query's results are drawn.
    await page.addInitScript(() => {
      window.__drawn = [];
      new MutationObserver(() => {
        const status = document.querySelector('main .search-status')?.textContent.trim();
        const busy = document.querySelector('main .search-results[aria-busy="true"]');
        if (status && !busy) window.__drawn.push(`${document.title.split(' · ')[0]} | ${status}`);
      }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.goto(site.url + '/');
    await appReady(page);
    await page.keyboard.press('/');
    await page.keyboard.type('ferr', { delay: 30 });
    await page.waitForURL(site.url + '/search/?q=ferr');
    await page.locator('.search-results h2').first().waitFor();
    await page.waitForTimeout(2000); // the older searches' answers have come back by now
    assert.ok(routed > 0, 'the worker\'s requests went through the test\'s route');
    assert.ok(requests.some((u) => /\/pieces\/fieldnotes-search_bg\.wasm$/.test(u)), 'the engine is the worker\'s module');
    const drawn = await page.evaluate(() => window.__drawn);
    const first = drawn.findIndex((d) => d.startsWith('Search: ferr |'));
    assert.ok(first >= 0, drawn.join('\n'));
    assert.deepEqual(drawn.slice(first).filter((d) => !d.startsWith('Search: ferr |')), [], 'nothing older drawn after it');
    assert.match(await page.locator('.search-status').textContent(), /^\d+ posts? found$/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
  // The worker's files fail: the page says search could not load, and Try again succeeds.
  const second = await open(browser, { serviceWorkers: 'block' });
  try {
    let failing = true;
    await second.context.route('**/pieces/fieldnotes-search*', (route) => (failing
      ? route.fulfill({ status: 503, body: 'down' }) : route.continue()));
    await second.page.goto(site.url + '/search/?q=river');
    const failed = second.page.locator('main .load-failed');
    await failed.waitFor();
    assert.match(await failed.textContent(), /Search could not load/);
    failing = false;
    await failed.getByRole('button', { name: /Try again/ }).click();
    await second.page.locator('.search-results h2').first().waitFor();
    assert.match(await second.page.locator('.search-status').textContent(), /^\d+ posts? found$/);
    const unexpected = second.problems.filter((p) => !/503|Failed to load resource/.test(p));
    assert.deepEqual(unexpected, []);
  } finally {
    await second.close();
  }
});
