// Author archives: a post's byline links each of its authors to a page listing their posts
// (`/authors/<name>/`), in the app and in the page built for readers without JavaScript; the
// authors page lists every author with their number of posts. An author's e-mail is never
// published. An unlisted post is in no list, but opens at its address, asking search engines
// not to list it. A small site of our own is built with the release shell.
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
  const post = (title, date, author) => `---\ntitle: ${title}\ndate: ${date}\n${author}---\nThe text of ${title.toLowerCase()}.\n`;
  ({ site, browser, work, close: stop } = await ownSite('authors', 'Two voices', {
    'ferry.md': post('The ferry at dawn', '2025-06-01', 'author:\n  name: Sok Dara\n  email: dara@example.org\n'),
    'market.md': post('Market prices', '2025-05-01', 'authors: [Mara, Sok Dara]\n'),
    'rain.md': post('Rain on the roof', '2025-04-01', 'author: Mara\n'),
    'unsigned.md': post('An unsigned note', '2025-03-01', ''),
    'quiet-walk.md': post('A quiet walk', '2025-07-01', 'author: Sok Dara\nunlisted: true\n'),
  }));
});

after(async () => {
  await stop?.();
});

const titles = (page) => page.locator('main .post-list > li h2').allTextContents();

test('a byline leads to the author\'s posts, and the authors page to each author', async () => {
  const { page, problems, close } = await openPage(browser);
  try {
    await page.goto(site.url + '/posts/market/');
    await appReady(page);
    const byline = page.locator('main .post-meta a.author');
    await byline.first().waitFor();
    assert.deepEqual(await byline.allTextContents(), ['Mara', 'Sok Dara']);
    await byline.nth(1).click();
    await page.waitForURL(site.url + '/authors/Sok%20Dara/');
    await page.locator('main .post-list > li').first().waitFor();
    assert.equal(await page.locator('main h1').textContent(), 'Posts by Sok Dara');
    assert.deepEqual(await titles(page), ['The ferry at dawn', 'Market prices']);

    // Loaded directly, and as built for readers without JavaScript.
    await page.goto(site.url + '/authors/Mara/');
    await appReady(page);
    await page.locator('main .post-list > li').first().waitFor();
    assert.deepEqual(await titles(page), ['Market prices', 'Rain on the roof']);
    const built = prerendered(path.join(work, 'site'), '/authors/Mara/');
    assert.ok(built.includes('Rain on the roof') && !built.includes('The ferry at dawn'), built);

    await page.goto(site.url + '/authors/');
    await appReady(page);
    const authors = page.locator('main a.author');
    await authors.first().waitFor();
    assert.deepEqual(await authors.allTextContents(), ['Mara', 'Sok Dara']);
    assert.deepEqual(await page.locator('main .count').allTextContents(), ['2 posts', '2 posts']);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('an unlisted post is in no list, and opens at its address marked noindex', async () => {
  const { page, problems, close } = await openPage(browser);
  try {
    await page.goto(site.url + '/');
    await appReady(page);
    await page.locator('main .post-list > li').first().waitFor();
    assert.deepEqual(await titles(page), ['The ferry at dawn', 'Market prices', 'Rain on the roof', 'An unsigned note']);
    const robots = () => page.locator('head meta[name="robots"]').count();
    assert.equal(await robots(), 0);
    await page.goto(site.url + '/posts/quiet-walk/');
    await appReady(page);
    await page.locator('main h1', { hasText: 'A quiet walk' }).waitFor();
    assert.equal(await page.locator('head meta[name="robots"]').getAttribute('content'), 'noindex');
    // No neighbours: it is not in the list they come from.
    assert.equal(await page.locator('main a[rel="next"], main a[rel="prev"]').count(), 0);
    // Leaving it, the next page is indexable again.
    await page.locator('main .post-meta a.author').first().click();
    await page.waitForURL(site.url + '/authors/Sok%20Dara/');
    await page.locator('main .post-list > li').first().waitFor();
    assert.equal(await robots(), 0);
    assert.ok(!(await titles(page)).includes('A quiet walk'));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('no file of the built site holds an author\'s e-mail', () => {
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
  for (const file of walk(path.join(work, 'site'))) {
    if (file.endsWith('.br') || file.endsWith('.gz')) continue;
    assert.ok(!fs.readFileSync(file, 'latin1').includes('dara@example.org'), file);
  }
});
