// Search never hides a match: on a site where one word is in every post, the search lists every
// post (the best first, the rest fetched a tier at a time as the reader asks for more), a tag
// filter finds the posts that carry it however far down that word's list they are, and a typo
// in the first letters of a long word still finds it. A built copy of the release build, served
// on 127.0.0.1 like a static host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { dist, fieldnotes, launchBrowser, openPage as open, appReady, resultTitles } from './harness.mjs';

const POSTS = 260;
/**
 * Posts tagged "deep": long ones, and old (post numbers count from the newest), so that however
 * "ferry" weighs in them they are past its best 200.
 */
const DEEP = [7, 30];
/** Posts that mention the monsoon. */
const MONSOON = [3, 90, 201];

let browser;
let site;
let work;

/** A word of letters only, different for every `n` (`qab`, `qac`…). */
const word = (n) => 'q' + n.toString(26).split('').map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-recall-'));
  const content = path.join(work, 'content');
  const dir = path.join(work, 'site');
  fs.mkdirSync(content);
  fs.writeFileSync(path.join(content, 'site.toml'), 'title = "Every ferry"\nbase_url = "http://127.0.0.1/"\n');
  for (let i = 0; i < POSTS; i++) {
    const n = String(i).padStart(3, '0');
    const date = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
    const deep = DEEP.includes(i);
    // Thirty words of its own per post: a dictionary large enough to split into a tree of
    // shards, as a real blog's does.
    const own = Array.from({ length: 30 }, (_, k) => word(i * 30 + k)).join(' ');
    const long = deep ? ' We waited on the bank for most of the afternoon.'.repeat(40) : '';
    const monsoon = MONSOON.includes(i) ? ' The monsoon came early.' : '';
    const tags = deep ? '[deep]' : '[shallow]';
    fs.writeFileSync(
      path.join(content, `crossing-${n}.md`),
      `---\ntitle: "Crossing ${n}"\ndate: ${date}\ntags: ${tags}\n---\n\nThe ferry left at dawn.${monsoon}${long} ${own}\n`,
    );
  }
  fs.cpSync(dist, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'data'), { recursive: true, force: true });
  fieldnotes('build', '--content', content, '--out', path.join(dir, 'data'));
  fs.rmSync(path.join(dir, 'posts'), { recursive: true, force: true });
  fieldnotes('stubs', '--dist', dir);
  browser = await launchBrowser();
  site = await serve(dir);
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const titles = resultTitles;
const status = (page) => page.locator('.search-status').textContent();
const searchFiles = (requests) => requests.filter((u) => new URL(u).pathname.startsWith('/data/search/'));
const title = (i) => `Crossing ${String(i).padStart(3, '0')}`;

test('a word in every post lists every post: the first page needs no tail, "Show more" fetches the next tier', async () => {
  const { page, problems, requests, close } = await open(browser);
  try {
    await page.goto(site.url + '/search/?q=ferry');
    await appReady(page);
    assert.equal(await status(page), `${POSTS} posts found`);
    assert.equal((await titles(page)).length, 20);
    assert.deepEqual(searchFiles(requests).filter((u) => u.includes('/more/')), [], 'no tail for the first page');
    const more = page.getByRole('button', { name: 'Show more results' });
    for (let shown = 40; shown <= POSTS; shown += 20) {
      await more.click();
      await page.waitForFunction((n) => document.querySelectorAll('.search-results h2').length === n, shown);
    }
    const all = await titles(page);
    assert.equal(new Set(all).size, POSTS, 'every post once');
    assert.equal(await more.count(), 0, 'nothing more to show');
    const tails = searchFiles(requests).filter((u) => u.includes('/more/'));
    assert.ok(tails.length >= 1, 'the posts past the best 200 came from a tail file');
    for (const i of DEEP) assert.ok(all.includes(title(i)), `${title(i)} is listed`);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a tag filter is exact with any word: the posts deep in a common word\'s list are found', async () => {
  const { page, problems, requests, close } = await open(browser);
  try {
    await page.goto(site.url + '/search/?q=ferry&tag=deep');
    await appReady(page);
    await page.waitForFunction(() => document.querySelectorAll('.search-results h2').length === 2);
    assert.deepEqual((await titles(page)).sort(), DEEP.map(title).sort());
    assert.equal(await status(page), '2 posts found');
    // The tag's own list of posts, and the word's tail, where those posts are.
    const files = searchFiles(requests);
    assert.ok(files.some((u) => /\/filters\/tags\/deep\.[0-9a-f]+\.json$/.test(u)), files.join('\n'));
    assert.ok(files.some((u) => u.includes('/more/') && u.endsWith('.1.bin')), files.join('\n'));
    // Typed as a filter too, and with an exclusion that every post of the tag has.
    await page.goto(site.url + '/search/?q=' + encodeURIComponent('ferry tag:Deep'));
    await appReady(page);
    await page.waitForFunction(() => document.querySelectorAll('.search-results h2').length === 2);
    await page.goto(site.url + '/search/?q=' + encodeURIComponent('ferry tag:deep -afternoon'));
    await appReady(page);
    await page.locator('.search-status', { hasText: 'No posts match' }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a typo in the first letters of a long word finds it through the reversed tree', async () => {
  const { page, problems, requests, close } = await open(browser);
  try {
    await page.goto(site.url + '/search/?q=' + encodeURIComponent('nonsoon '));
    await appReady(page);
    await page.waitForFunction((n) => document.querySelectorAll('.search-results h2').length === n, MONSOON.length);
    assert.deepEqual((await titles(page)).sort(), MONSOON.map(title).sort());
    const marks = await page.locator('.search-results mark').allTextContents();
    assert.ok(marks.length > 0 && marks.every((m) => m.toLowerCase() === 'monsoon'), marks.join());
    // The reversed tree's files start with "^" (written `_5e_`); a word spelled right never needs them.
    assert.ok(searchFiles(requests).some((u) => u.includes('/_5e_')), searchFiles(requests).join('\n'));
    requests.length = 0;
    await page.goto(site.url + '/search/?q=' + encodeURIComponent('monsoon '));
    await appReady(page);
    await page.waitForFunction((n) => document.querySelectorAll('.search-results h2').length === n, MONSOON.length);
    assert.ok(!searchFiles(requests).some((u) => u.includes('/_5e_')), searchFiles(requests).join('\n'));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
