// Protected posts in the browser: the title shows and the text asks for the password; a wrong
// password says so and keeps the field, without a reload; the right one draws the post with its
// contents and comments; a kept key opens the next post with the same password at once; an altered
// file is refused; the post stays encrypted in the browser's caches and opens offline; a
// protected standalone page opens the same way. A small site
// of our own is built with the release shell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dist, serveBuilt, openPage, appReady, prerendered } from './harness.mjs';

let browser;
let site;
let work;
let stop;

const PASSWORD = 'ferry at dawn';
const SECRET = 'The families by the old well asked us not to write their names.';
const COMMENT = 'Thank you for keeping this quiet.';
const WRONG = 'That password is not right. Try again.';
const PAGE_SECRET = 'The spare key hangs behind the blue door.';

before(async () => {
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('no release build in dist/: run trunk build --release --offline');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-protected-'));
  const content = path.join(work, 'content');
  fs.mkdirSync(path.join(content, 'comments', 'locked'), { recursive: true });
  fs.writeFileSync(path.join(content, 'site.toml'), 'title = "Quiet notes"\n');
  const post = (slug, title, date, front, body) => fs.writeFileSync(path.join(content, `${slug}.md`),
    `---\ntitle: ${title}\ndate: ${date}\ntags: [river]\n${front}---\n${body}\n`);
  post('locked', 'The quiet village', '2025-03-03', `password: "${PASSWORD}"\n`,
    `${SECRET}\n\n## Morning\n\nWe walked.\n\n## Noon\n\nWe ate.\n\n## Night\n\nWe slept.\n`);
  post('second', 'Second quiet day', '2025-03-02', 'protected: true\n', 'The second day stayed quiet too.');
  post('other', 'Another locked day', '2025-03-01', 'password: "another one"\n', 'Behind another password.');
  post('open', 'An open day', '2025-02-01', '', 'Anyone may read this.');
  fs.writeFileSync(path.join(content, 'passwords.toml'), `second = "${PASSWORD}"\n`);
  fs.mkdirSync(path.join(content, 'pages'));
  fs.writeFileSync(path.join(content, 'pages', 'rooms.md'),
    `---\ntitle: The back rooms\npassword: "room key"\n---\n${PAGE_SECRET}\n`);
  fs.writeFileSync(path.join(content, 'comments', 'locked', 'one.md'),
    `---\nid: one\npost: locked\nauthor: Dara\ndate: 2025-03-05T08:00:00+07:00\n---\n${COMMENT}\n`);
  ({ site, browser, close: stop } = await serveBuilt(content, path.join(work, 'site')));
});

after(async () => {
  await stop?.();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Types the password and presses Open. */
async function enter(page, password, { keep = false } = {}) {
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (keep) await page.getByLabel('Keep the key in this browser after it is closed').check();
  await page.getByRole('button', { name: 'Open' }).click();
}

test('the right password opens a protected post, a wrong one says so without a reload, and the key opens the next post', async () => {
  const { page, problems, close } = await openPage(browser);
  try {
    // Without JavaScript, the page says what the post is and needs.
    const built = prerendered(path.join(work, 'site'), '/posts/locked/');
    assert.match(built, /This post is protected with a password/);
    assert.ok(!built.includes(SECRET));
    await page.goto(site.url + '/');
    await appReady(page);
    const card = page.locator('.post-card', { hasText: 'The quiet village' });
    assert.match(await card.textContent(), /Protected with a password\./);
    await card.getByRole('link', { name: 'The quiet village' }).click();
    await page.getByText('This post is protected. Enter the password to read it.').waitFor();
    assert.equal(await page.locator('article.post h1').textContent(), 'The quiet village');
    assert.ok(!(await page.content()).includes(SECRET), 'nothing of the text before the password');
    // A wrong password: said, the field kept (focused, its text selected), the page not reloaded.
    await page.evaluate(() => { window.notReloaded = true; });
    await enter(page, 'ferry at dusk');
    await page.locator('#protected-error', { hasText: WRONG }).waitFor();
    assert.equal(await page.locator('#protected-password').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'protected-password');
    assert.equal(await page.evaluate(() => window.notReloaded), true);
    // The right one: the post, its contents and its comments.
    await enter(page, PASSWORD);
    await page.locator('article.post .prose', { hasText: SECRET }).waitFor();
    assert.equal(await page.locator('form.protected').count(), 0);
    assert.deepEqual(await page.locator('nav.toc li').allTextContents(), ['Morning', 'Noon', 'Night']);
    await page.locator('section.comments', { hasText: COMMENT }).waitFor();
    assert.equal(await page.evaluate(() => window.notReloaded), true);
    // The next post with the same password opens with the key this tab kept; another password asks.
    await page.locator('.post-nav').getByRole('link', { name: /Second quiet day/ }).click();
    await page.locator('article.post .prose', { hasText: 'The second day stayed quiet too.' }).waitFor();
    await page.locator('.post-nav').getByRole('link', { name: /Another locked day/ }).click();
    await page.getByText('This post is protected. Enter the password to read it.').waitFor();
    assert.equal(await page.locator('article.post .prose').count(), 0);
    // Not kept after the browser closes unless asked: the session's key is gone, the form is back.
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('fieldnotes:key:')).length), 0);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('"keep the key" keeps it after the session; an altered file is refused with a clear message', async () => {
  const { page, context, problems, close } = await openPage(browser);
  try {
    await page.goto(site.url + '/posts/locked/');
    await appReady(page);
    await enter(page, PASSWORD, { keep: true });
    await page.locator('article.post .prose', { hasText: SECRET }).waitFor();
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await appReady(page);
    await page.locator('article.post .prose', { hasText: SECRET }).waitFor();

    // The post's file altered on its way (one byte of the sealed text): refused, not drawn.
    await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); });
    await context.route(/\/data\/posts\/locked\.[0-9a-f]+\.json$/, async (route) => {
      const response = await route.fetch();
      const post = await response.json();
      const bytes = Buffer.from(post.sealed.data, 'base64');
      bytes[5] ^= 1;
      post.sealed.data = bytes.toString('base64');
      await route.fulfill({ response, json: post });
    });
    await page.goto(site.url + '/posts/locked/');
    await appReady(page);
    await enter(page, PASSWORD);
    await page.locator('#protected-error', { hasText: /altered or damaged, so it was refused/ }).waitFor();
    assert.ok(!(await page.content()).includes(SECRET));
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a protected post stays encrypted in the browser and opens offline with its password', async () => {
  const { page, context, problems, close } = await openPage(browser);
  try {
    await page.goto(site.url + '/');
    await appReady(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await page.goto(site.url + '/posts/locked/');
    await appReady(page);
    await page.getByLabel('Password', { exact: true }).waitFor();
    const stored = await page.waitForFunction(async () => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          if (/\/data\/posts\/locked\./.test(request.url)) return (await cache.match(request)).text();
        }
      }
      return null;
    });
    const text = await stored.jsonValue();
    assert.ok(text.includes('"sealed"') && !text.includes('families'), 'stored sealed');
    await context.setOffline(true);
    await page.reload();
    await appReady(page);
    await enter(page, PASSWORD);
    await page.locator('article.post .prose', { hasText: SECRET }).waitFor();
    assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(p)), []);
  } finally {
    await context.setOffline(false);
    await close();
  }
});

test('a protected page asks for its password at its address and opens with it', async () => {
  const { page, problems, close } = await openPage(browser);
  try {
    const built = prerendered(path.join(work, 'site'), '/rooms/');
    assert.ok(built.includes('The back rooms') && built.includes('This page is protected with a password')
      && !built.includes(PAGE_SECRET), built);
    await page.goto(site.url + '/rooms/');
    await appReady(page);
    await page.getByText('This page is protected. Enter the password to read it.').waitFor();
    assert.equal(await page.locator('article.standalone h1').textContent(), 'The back rooms');
    assert.ok(!(await page.content()).includes(PAGE_SECRET));
    await enter(page, 'wrong key');
    await page.locator('#protected-error', { hasText: WRONG }).waitFor();
    await enter(page, 'room key');
    await page.locator('article.standalone', { hasText: PAGE_SECRET }).waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
