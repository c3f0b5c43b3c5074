// The app's pieces (src/pieces.rs) load on first use, never on a first visit: a reader who only
// reads a post downloads no Markdown parser. Here the Markdown piece (the comment renderer), on
// the sample blog with a comment form: it is fetched when the reader starts a comment, draws the
// preview, fails gracefully (plain text, a note, Try again) when its files cannot be had, and is
// there offline after one visit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { commentSite } from './comment-site.mjs';
import { dist, launchBrowser, postsOf, openPage as open, appReady } from './harness.mjs';

let browser;
let site;
/** The comment intake server: the form asks it for a token when a reader starts a comment. */
let intake;

const isPiece = (url) => new URL(url).pathname.startsWith('/pieces/fieldnotes-markdown');
const firstPost = () => postsOf(site.out)[0];

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  browser = await launchBrowser();
  site = await commentSite();
  intake = await site.startIntake();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
  await site?.close();
});

/** Opens the first post and waits for its comment form. The comments (the form among them) are a
 * chunk of the app of their own: fetched ahead on a fast connection, else drawn when the reader
 * reaches them, which `reach` does (scrolling to the end). */
async function openPost(page, { reach = false } = {}) {
  await page.goto(`${site.url}/posts/${firstPost().slug}/`);
  await appReady(page);
  if (reach) await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.locator('form.comment-form').waitFor();
}

/** Types a comment and asks for its preview. */
async function preview(page, text) {
  const form = page.locator('form.comment-form');
  await form.getByLabel('Comment', { exact: true }).fill(text);
  await form.getByRole('button', { name: 'Preview' }).click();
  return form.locator('.comment-preview');
}

test('the Markdown piece is not part of a first visit, and loads when a reader starts a comment', { timeout: 60_000 }, async () => {
  // A small screen: the comment form starts well below it.
  const { page, problems, requests, close } = await open(browser, { serviceWorkers: 'block', viewport: { width: 800, height: 500 } });
  try {
    await openPost(page);
    // The post and its published comments are drawn from the builder's HTML.
    assert.ok(await page.locator('article.post .prose p').count() > 0, 'the post is drawn');
    await page.waitForTimeout(500);
    assert.deepEqual(requests.filter(isPiece), [], 'no piece on a first visit');
    const shown = await preview(page, 'Met **Sokha** at the pier, <b>raw</b>.');
    assert.equal(await shown.locator('strong').textContent(), 'Sokha');
    assert.match(await shown.textContent(), /<b>raw<\/b>/, 'raw HTML stays text');
    const fetched = requests.filter(isPiece).map((u) => new URL(u).pathname).sort();
    assert.deepEqual(fetched, ['/pieces/fieldnotes-markdown-ready.js', '/pieces/fieldnotes-markdown.js', '/pieces/fieldnotes-markdown_bg.wasm']);
    // The preview follows the text, with the piece already there.
    await page.locator('form.comment-form').getByLabel('Comment', { exact: true }).fill('And _again_.');
    assert.equal(await shown.locator('em').textContent(), 'again');
    assert.equal(requests.filter(isPiece).length, 3, 'each file once');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('the piece loads when the reader reaches the comment form, unless they save data', { timeout: 60_000 }, async () => {
  for (const saveData of [false, true]) {
    const { page, context, problems, requests, close } = await open(browser, { serviceWorkers: 'block', viewport: { width: 800, height: 500 } });
    try {
      if (saveData) {
        await context.addInitScript(() => Object.defineProperty(navigator, 'connection', { value: { saveData: true, effectiveType: '4g' } }));
      }
      // Under Save-Data nothing is fetched ahead: the comments come when the reader reaches them,
      // and the Markdown piece only when they start a comment.
      await openPost(page, { reach: saveData });
      await page.waitForTimeout(300);
      assert.deepEqual(requests.filter(isPiece), [], `saveData ${saveData}: not before the form is near`);
      await page.locator('form.comment-form').scrollIntoViewIfNeeded();
      if (saveData) {
        await page.waitForTimeout(1000);
        assert.deepEqual(requests.filter(isPiece), [], 'under Save-Data, only when the reader starts a comment');
        await preview(page, 'Now **needed**.');
      } else {
        await page.waitForRequest((r) => r.url().endsWith('/pieces/fieldnotes-markdown_bg.wasm'));
      }
      assert.equal(requests.filter(isPiece).length, 3, `saveData ${saveData}: the piece's three files`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  }
});

test('a piece that cannot be loaded leaves the text readable, says so, and Try again loads it', { timeout: 60_000 }, async () => {
  const { page, problems, close } = await open(browser, { serviceWorkers: 'block' });
  try {
    let failing = true;
    await page.route('**/pieces/fieldnotes-markdown*', (route) => (failing ? route.fulfill({ status: 503, body: 'down' }) : route.fallback()));
    await openPost(page);
    const shown = await preview(page, 'We met **Dara** by the river.');
    const note = shown.locator('.piece-failed');
    await note.waitFor();
    assert.match(await note.textContent(), /could not be loaded/);
    assert.match(await shown.locator('.comment-plain').textContent(), /We met \*\*Dara\*\* by the river\./, 'the text as written');
    assert.equal(await shown.locator('strong').count(), 0);
    failing = false;
    await note.getByRole('button', { name: 'Try again' }).click();
    assert.equal(await shown.locator('strong').textContent(), 'Dara');
    assert.equal(await shown.locator('.piece-failed').count(), 0);
    // Only the refused script was an error; nothing panicked.
    assert.deepEqual(problems.filter((p) => !/status of 503/.test(p)), []);
  } finally {
    await close();
  }
});

test('after one visit the piece is stored, and the preview works offline', { timeout: 60_000 }, async () => {
  const { page, context, problems, close } = await open(browser);
  try {
    await openPost(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    // The worker stores every piece on install, before the reader ever used one.
    await page.waitForFunction(async () => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        if (await cache.match('/pieces/fieldnotes-markdown_bg.wasm')) return true;
      }
      return false;
    });
    await context.setOffline(true);
    await openPost(page);
    const shown = await preview(page, 'Offline, **still** drawn.');
    assert.equal(await shown.locator('strong').textContent(), 'still');
    assert.deepEqual(problems.filter((p) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(p)), []);
  } finally {
    await close();
  }
});
