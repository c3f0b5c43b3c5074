// Pinned posts (`pinned: true`, WordPress's sticky posts): the app's home list starts with them,
// each card marked "Pinned", as the page built for readers without JavaScript does; a tag's list
// keeps the order of dates, unmarked. A post format (`format: quote`) is marked on its card the same way. A
// small site of our own is built with the release shell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ownSite, openPage, appReady, prerendered } from './harness.mjs';

let browser;
let site;
let work;
let stop;

before(async () => {
  const post = (title, date, extra = '') => `---\ntitle: ${title}\ndate: ${date}\ntags: [road]\n${extra}---\nThe text of ${title.toLowerCase()}.\n`;
  ({ site, browser, work, close: stop } = await ownSite('pinned', 'Pinned notes', {
    'newest.md': post('The newest walk', '2025-06-01'),
    'read-first.md': post('Read this first', '2023-02-01', 'pinned: true\n'),
    'middle.md': post('A middle walk', '2024-05-01'),
    'a-quote.md': post('A quoted line', '2022-01-01', 'format: quote\n'),
  }));
});

after(async () => {
  await stop?.();
});

/** Each card of the list on screen: its marks ("Pinned" or "", its format or "") and its title. */
const cards = (page) => page.locator('main .post-list > li').evaluateAll((lis) => lis.map((li) => [
  li.querySelector('.pinned')?.textContent ?? '', li.querySelector('.format')?.textContent ?? '', li.querySelector('h2').textContent]));

test('a pinned post leads the home list, marked, in the app and without JavaScript; a tag keeps the order of dates; a post format is marked', async () => {
  const { page, problems, close } = await openPage(browser);
  try {
    const expected = [['Pinned', '', 'Read this first'], ['', '', 'The newest walk'], ['', '', 'A middle walk'], ['', 'Quote', 'A quoted line']];
    // The page as built, before the app draws.
    const built = fs.readFileSync(path.join(work, 'site', 'index.html'), 'utf8');
    assert.ok(built.indexOf('Read this first') < built.indexOf('The newest walk'), 'built home order');
    await page.goto(site.url + '/');
    await appReady(page);
    await page.locator('main .post-list > li').first().waitFor();
    assert.deepEqual(await cards(page), expected);
    // The mark comes before the title, so it is read first.
    assert.equal(await page.locator('main .post-list > li').first().evaluate((li) => li.firstElementChild.className), 'pinned');
    await page.goto(site.url + '/tags/road/');
    await appReady(page);
    await page.locator('main .post-list > li').first().waitFor();
    assert.deepEqual(await cards(page), [['', '', 'The newest walk'], ['', '', 'A middle walk'], ['', '', 'Read this first'], ['', 'Quote', 'A quoted line']]);
    // A post's format is drawn as the page without JavaScript draws it.
    assert.equal(await page.locator('main .post-list > li').last().getAttribute('class'), 'post-card format-quote');
    assert.match(prerendered(path.join(work, 'site'), '/'), /<li class="post-card format-quote" lang="en" dir="ltr"><p class="format">Quote<\/p>/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
