// "Leave a Reply" in Firefox, against the real intake server on 127.0.0.1 (the site and server of
// tests/e2e/comment-site.mjs): a reader sends a comment and sees it waiting for moderation, and
// the server holds it. Moderation, refusals and the queue while offline are in tests/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { commentSite } from '../e2e/comment-site.mjs';
import { postsOf, launchFirefox, openPage, appReady, waitForText } from './harness.mjs';

let browser;
let site;
let intake;

before(async () => {
  browser = await launchFirefox();
  site = await commentSite();
  intake = await site.startIntake();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
  await site?.close();
});

const WAITING = 'Thank you. Your comment is awaiting moderation.';

test('a comment sent from the form reaches the intake server and shows under the post, waiting', { timeout: 90_000 }, async () => {
  const post = postsOf(site.out).find((p) => !p.comments);
  const { page, problems, close } = await openPage(browser);
  try {
    const openPost = async () => {
      await page.goto(`${site.url}/posts/${post.slug}/`);
      await appReady(page);
      await page.waitForSelector('form.comment-form');
    };
    await openPost();
    await page.type('#comment-body', 'The ferry to **Kratie** left at dawn.');
    await page.type('#comment-author', 'Sokha');
    await page.type('#comment-email', 'sokha@example.org');
    await page.click('form.comment-form button[type="submit"]');
    await waitForText(page, '.comment-status', WAITING);
    assert.equal(await page.$eval('.comment-error', (el) => el.textContent), '');
    assert.equal(await page.$eval('#comment-body', (el) => el.value), '', 'the form is ready for another');
    // The reader's own comment shows under the post, drawn by the safe renderer, marked as waiting.
    await waitForText(page, 'section.comments .comment-mine .comment-state', 'awaiting moderation');
    assert.equal(await page.$eval('section.comments .comment-mine .prose strong', (el) => el.textContent), 'Kratie');
    // The server holds it once, pending, for this post.
    const pending = site.listed('--pending').filter((l) => l.includes('left at dawn'));
    assert.equal(pending.length, 1, site.listed('--pending').join('\n'));
    assert.ok(pending[0].includes(post.slug) && pending[0].includes('Sokha'), pending[0]);
    // Kept in this browser and checked with the server on the next visit.
    await openPost();
    await waitForText(page, 'section.comments .comment-mine .comment-state', 'awaiting moderation');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
