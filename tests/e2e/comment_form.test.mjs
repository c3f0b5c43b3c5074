// "Leave a Reply" in a real browser, against the real intake server on 127.0.0.1: the sample
// blog built with `[comments] endpoint` pointing at it. A reader posts a comment and sees it
// waiting; the author approves and exports it with the command line and rebuilds; the comment is
// published, and a reply to it lands under it. A refusal shows its message at the field at fault;
// hostile text stays text; a comment written while the server is down is kept, and sent once
// when it is back; "remember me" keeps the reader's details only when ticked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { commentSite } from './comment-site.mjs';
import { dist, launchBrowser, postsOf, openPage as open, appReady, axeViolations, describe } from './harness.mjs';

let browser;
/** The sample blog with a comments endpoint, served; see comment-site.mjs. */
let site;
let intake;
let content;
let out;

const openPage = (options = {}) => open(browser, options);
/** `fieldnotes comments …` on the test's database; its standard output. */
const comments = (...args) => site.comments(...args);
/** The comments the server holds, as `comments list` prints them: one a line, the id first. */
const listed = (...flags) => site.listed(...flags);
const startIntake = (options) => site.startIntake(options);
/** Builds the content folder into the served folder again (after an export). */
const rebuild = () => site.rebuild();

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  browser = await launchBrowser();
  site = await commentSite();
  ({ content, out } = site);
  intake = await startIntake();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
  await site?.close();
});

/** A published post without comments in the sample. */
function quietPost() {
  return postsOf(out).find((p) => !p.comments);
}

async function openPost(page, slug) {
  await page.goto(`${site.url}/posts/${slug}/`);
  await appReady(page);
  await page.locator('form.comment-form').waitFor();
}

/** Fills the form and sends it; resolves once the form said how it went. */
async function send(page, { name = 'Dara', email = '', website = '', body }) {
  const form = page.locator('form.comment-form');
  await form.getByLabel('Comment', { exact: true }).fill(body);
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel(/^Email/).fill(email);
  await form.getByLabel(/^Website/).fill(website);
  await form.getByRole('button', { name: 'Post Comment' }).click();
  await page.waitForFunction(() => {
    const status = document.querySelector('.comment-status')?.textContent ?? '';
    const error = document.querySelector('.comment-error')?.textContent ?? '';
    return error !== '' || (status !== '' && status !== 'Sending…');
  }, null, { timeout: 20_000 });
  return {
    status: await form.locator('.comment-status').textContent(),
    error: await form.locator('.comment-error').textContent(),
  };
}

/** Every file of the served site, read as text, holds none of `secrets`. */
function assertNotPublished(secrets) {
  for (const file of fs.readdirSync(out, { recursive: true })) {
    const full = path.join(out, String(file));
    if (!fs.statSync(full).isFile() || /\.(wasm|png|br|gz)$/.test(full)) continue;
    const text = fs.readFileSync(full, 'utf8');
    for (const secret of secrets) assert.ok(!text.includes(secret), `${file} holds ${secret}`);
  }
}

test('the form has labelled fields, a preview by the safe renderer, and a comment sent waits for moderation', { timeout: 90_000 }, async () => {
  const post = quietPost();
  const { page, problems, close } = await openPage();
  try {
    await openPost(page, post.slug);
    const form = page.locator('form.comment-form');
    assert.equal(await form.locator('h3').textContent(), 'Leave a Reply ');
    for (const label of [/^Email \(optional, never published\)/, /^Website/, /^Remember my name/]) {
      assert.equal(await form.getByLabel(label).count(), 1, `a field labelled ${label}`);
    }
    assert.equal(await form.getByLabel('Name', { exact: true }).getAttribute('autocomplete'), 'name');
    // Preview: the same renderer as published comments (Markdown drawn, raw HTML inert).
    await form.getByLabel('Comment', { exact: true }).fill('We met **Sokha** at the pier. <img src=x onerror="window.__pwned=1">');
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = form.locator('.comment-preview');
    assert.equal(await preview.locator('strong').textContent(), 'Sokha');
    assert.equal(await preview.locator('img, [onerror]').count(), 0);
    assert.equal(await form.getByRole('button', { name: 'Preview' }).getAttribute('aria-pressed'), 'true');

    const said = await send(page, { name: 'Dara', email: 'dara@example.org', body: 'We met **Sokha** at the pier, and she waved.' });
    assert.equal(said.error, '');
    assert.equal(said.status, 'Thank you. Your comment is awaiting moderation.');
    // The reader's own comment shows under the post, marked, until it is published.
    const mine = page.locator('section.comments .comment-mine');
    await mine.waitFor();
    assert.match(await mine.locator('.comment-state').textContent(), /awaiting moderation/);
    assert.equal(await mine.locator('.prose strong').textContent(), 'Sokha');
    assert.equal(await form.getByLabel('Comment', { exact: true }).inputValue(), '', 'the form is ready for another');
    // Still there after a reload: kept in this browser, checked with the server.
    await openPost(page, post.slug);
    await page.locator('section.comments .comment-mine .comment-state', { hasText: 'awaiting moderation' }).waitFor();
    // The server holds it once, pending; the email is in its database only.
    const pending = listed('--pending').filter((l) => l.includes('she waved'));
    assert.equal(pending.length, 1, listed('--pending').join('\n'));
    assert.ok(pending[0].includes(post.slug) && pending[0].includes('Dara'), pending[0]);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('approved and exported, the comment is published on the next build; a reply to it lands under it', { timeout: 120_000 }, async () => {
  const post = quietPost();
  const { page, problems, close } = await openPage();
  try {
    await openPost(page, post.slug);
    await send(page, { name: 'Vanna', email: 'vanna@example.org', body: 'The boat left at dawn.' });
    const [line] = listed('--pending').filter((l) => l.includes('boat left at dawn'));
    const id = line.split(/\s/)[0];
    comments('approve', id);
    // Approved but not yet built: the reader is told so.
    await openPost(page, post.slug);
    await page.locator(`section.comments .comment-mine .comment-state`, { hasText: 'Approved' }).waitFor();

    comments('export', '--content', content);
    assert.ok(fs.existsSync(path.join(content, 'comments', post.slug, `${id}.md`)), 'exported as a content file');
    rebuild();
    assertNotPublished(['vanna@example.org', 'dara@example.org']);
    await openPost(page, post.slug);
    const published = page.locator(`section.comments li#comment-${id}`);
    await published.waitFor();
    // Shown once: published, not also as the reader's own copy.
    assert.equal(await page.locator('section.comments .comment-mine').count(), 0);
    assert.equal(await published.locator(':scope > article .comment-author').textContent(), 'Vanna');
    assert.equal(await published.locator('.comment-mine').count(), 0, 'no longer marked as the reader\'s own');

    // Reply to it: the form says whom it answers, and the reply waits under its parent.
    await published.getByRole('button', { name: 'Reply to Vanna' }).click();
    const form = page.locator('form.comment-form');
    assert.equal(await form.locator('h3').textContent(), 'Reply to Vanna Cancel reply');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'comment-body');
    const said = await send(page, { name: 'Dara', body: 'Did it come back the same day?' });
    assert.match(said.status, /awaiting moderation/);
    await published.locator('ol.comment-replies .comment-mine', { hasText: 'come back the same day' }).waitFor();

    const [reply] = listed('--pending').filter((l) => l.includes('come back the same day'));
    comments('approve', reply.split(/\s/)[0]);
    comments('export', '--content', content);
    rebuild();
    await openPost(page, post.slug);
    const nested = page.locator(`section.comments li#comment-${id} > ol.comment-replies > li`);
    await nested.first().waitFor();
    assert.equal(await nested.count(), 1, 'the reply shows once');
    assert.match(await nested.textContent(), /come back the same day/);
    assert.equal(await page.locator('section.comments .comment-mine').count(), 0);
    // The card counts both.
    assert.equal(postsOf(out).find((p) => p.slug === post.slug).comments, 2);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('a refusal names the field at fault and keeps what was written; hostile text stays text', { timeout: 90_000 }, async () => {
  const post = postsOf(out).find((p) => !p.comments && p.slug !== quietPost().slug) ?? quietPost();
  const { page, problems, close } = await openPage();
  try {
    await openPost(page, post.slug);
    const form = page.locator('form.comment-form');
    // A website the browser takes as a URL but the server does not (only http and https).
    const said = await send(page, { website: 'ftp://files.example.org', body: 'Photos are on my server.' });
    assert.match(said.error, /^Your comment was not sent: Give an address starting with http:\/\/ or https:\/\//);
    assert.equal(await form.locator('.comment-error').getAttribute('role'), 'alert');
    const website = form.getByLabel(/^Website/);
    assert.equal(await website.getAttribute('aria-invalid'), 'true');
    assert.equal(await website.getAttribute('aria-describedby'), 'comment-error');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'comment-website');
    assert.equal(await form.getByLabel('Comment', { exact: true }).inputValue(), 'Photos are on my server.', 'nothing written is lost');
    assert.equal(await page.locator('section.comments .comment-mine').count(), 0, 'a refused comment is not shown as sent');

    // Hostile text: sent, shown back to its writer as text.
    const hostile = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> [click](javascript:window.__pwned=3)';
    const sent = await send(page, { website: '', body: hostile });
    assert.match(sent.status, /awaiting moderation/);
    const mine = page.locator('section.comments .comment-mine');
    await mine.waitFor();
    assert.equal(await mine.locator('script, img, [onerror], a[href^="javascript"]').count(), 0);
    assert.match(await mine.locator('.prose').textContent(), /<script>window.__pwned=1<\/script>/);
    await mine.locator('.prose').getByText('click').click().catch(() => {});
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    // The refusal's own response is logged by the browser; nothing else may be.
    assert.deepEqual(problems.filter((p) => !p.includes('status of 422')), []);
  } finally {
    await close();
  }
});

test('a comment written while the server is down is kept, and sent once when it is back', { timeout: 120_000 }, async () => {
  const post = quietPost();
  const { page, problems, close } = await openPage();
  try {
    await openPost(page, post.slug);
    await intake.stop();
    const said = await send(page, { name: 'Rithy', body: 'Written on the night bus, no signal.' });
    // The browser is online: the reader is told the comment was not delivered, not that they are
    // offline.
    assert.equal(said.status, 'Your comment could not be delivered just now. It is kept in this browser and will be sent again later.');
    const queued = page.locator('section.comments .comment-mine', { hasText: 'night bus' });
    await queued.waitFor();
    assert.match(await queued.locator('.comment-state').textContent(), /^Saved/);
    // A reload does not lose it.
    await openPost(page, post.slug);
    await queued.locator('.comment-state', { hasText: 'Saved' }).waitFor();
    assert.equal(listed().filter((l) => l.includes('night bus')).length, 0);

    intake = await startIntake();
    // The next visit sends it.
    await openPost(page, post.slug);
    await queued.locator('.comment-state', { hasText: 'awaiting moderation' }).waitFor({ timeout: 20_000 });
    await openPost(page, post.slug);
    await queued.locator('.comment-state', { hasText: 'awaiting moderation' }).waitFor();
    assert.equal(listed().filter((l) => l.includes('night bus')).length, 1, 'stored exactly once');
    // The failed requests while the server was down are the only console errors.
    assert.deepEqual(problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(p)), []);
  } finally {
    await close();
  }
});

test('a comment server that refuses the page says the comment was not delivered and is kept; the operator is told once', { timeout: 120_000 }, async () => {
  const post = quietPost();
  const { page, close } = await openPage();
  try {
    await openPost(page, post.slug);
    await intake.stop();
    intake = await startIntake({ origin: false });
    const said = await send(page, { name: 'Sophea', body: 'Sent from a page the server does not know.' });
    assert.equal(said.status, 'Your comment could not be delivered just now. It is kept in this browser and will be sent again later.');
    await page.locator('section.comments .comment-mine', { hasText: 'does not know' }).waitFor();
    assert.equal(listed().filter((l) => l.includes('does not know')).length, 0);
    const refused = intake.log().match(/refused comments from pages of http:\/\/127\.0\.0\.1:\d+/g) ?? [];
    assert.equal(refused.length, 1, intake.log());
    assert.match(intake.log(), /--origin http:\/\/127\.0\.0\.1:\d+/);
  } finally {
    await intake.stop();
    intake = await startIntake();
    await close();
  }
});

test('with no page open, the service worker sends a queued comment when the browser wakes it (Background Sync)', { timeout: 120_000 }, async () => {
  const post = quietPost();
  const { page, context, problems, close } = await openPage();
  try {
    await openPost(page, post.slug);
    // A first visit installs the worker after a few seconds; the next load is under its control.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await openPost(page, post.slug);
    assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the worker controls the page');
    await intake.stop();
    const said = await send(page, { name: 'Bopha', body: 'Sent by the worker while no page was open.' });
    assert.match(said.status, /^Your comment could not be delivered just now\. It is kept/);
    // The page goes away: only the worker can send it now.
    const cdp = await context.newCDPSession(page);
    await page.goto('about:blank');
    const registrations = new Promise((resolve) => cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: r }) => {
      const ours = r.find((x) => x.scopeURL.startsWith(site.url) && !x.isDeleted);
      if (ours) resolve(ours);
    }));
    await cdp.send('ServiceWorker.enable');
    const registration = await registrations;
    intake = await startIntake();
    await cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin: site.url, registrationId: registration.registrationId, tag: 'fieldnotes-comments', lastChance: false,
    });
    const deadline = Date.now() + 20_000;
    while (listed().filter((l) => l.includes('while no page was open')).length === 0) {
      assert.ok(Date.now() < deadline, 'the worker sent the queued comment');
      await new Promise((r) => setTimeout(r, 250));
    }
    // Back on the post: the comment waits for moderation, and is not sent again.
    await openPost(page, post.slug);
    await page.locator('section.comments .comment-mine .comment-state', { hasText: 'awaiting moderation' }).waitFor();
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(listed().filter((l) => l.includes('while no page was open')).length, 1, 'stored exactly once');
    assert.deepEqual(problems.filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(p)), []);
  } finally {
    await close();
  }
});

test('"remember me" keeps name, email and website in this browser only when ticked', { timeout: 90_000 }, async () => {
  const post = quietPost();
  const { page, problems, close } = await openPage();
  try {
    await openPost(page, post.slug);
    const form = page.locator('form.comment-form');
    assert.equal(await form.getByLabel(/^Remember my name/).isChecked(), false, 'off unless the reader ticks it');
    await send(page, { name: 'Chenda', email: 'chenda@example.org', body: 'First time here.' });
    await openPost(page, post.slug);
    assert.equal(await form.getByLabel('Name', { exact: true }).inputValue(), '', 'nothing kept without the tick');
    assert.equal(await page.evaluate(() => localStorage.getItem('fieldnotes:commenter')), null);

    await form.getByLabel(/^Remember my name/).check();
    await send(page, { name: 'Chenda', email: 'chenda@example.org', website: 'https://chenda.example.org', body: 'Second time here.' });
    await openPost(page, post.slug);
    assert.equal(await form.getByLabel('Name', { exact: true }).inputValue(), 'Chenda');
    assert.equal(await form.getByLabel(/^Email/).inputValue(), 'chenda@example.org');
    assert.equal(await form.getByLabel(/^Website/).inputValue(), 'https://chenda.example.org');
    assert.equal(await form.getByLabel(/^Remember my name/).isChecked(), true);
    // Unticking forgets at once.
    await form.getByLabel(/^Remember my name/).uncheck();
    assert.equal(await page.evaluate(() => localStorage.getItem('fieldnotes:commenter')), null);
    // No cookie, ever.
    assert.deepEqual(await page.context().cookies(), []);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('axe finds no violations in the form, its preview, an error and a waiting comment (light and dark); Tab reaches every field in order', { timeout: 90_000 }, async () => {
  const post = quietPost();
  for (const colorScheme of ['light', 'dark']) {
    const { page, problems, close } = await openPage({ colorScheme });
    try {
      await page.emulateMedia({ colorScheme });
      await openPost(page, post.slug);
      const form = page.locator('form.comment-form');
      await send(page, { name: 'Sophal', body: `A comment with a *preview* (${colorScheme}).` });
      await page.locator('section.comments .comment-mine').first().waitFor();
      await send(page, { name: 'Sophal', website: 'ftp://x.example.org', body: 'Refused for its *website*.' });
      await form.getByRole('button', { name: 'Preview' }).click();
      await form.locator('.comment-preview em').waitFor();
      const violations = await axeViolations(page);
      assert.equal(violations.length, 0, `axe (${colorScheme}):\n${describe(violations)}`);
      assert.deepEqual(problems.filter((p) => !p.includes('status of 422')), []);
    } finally {
      await close();
    }
  }
  // The keyboard: from the comment text, Tab walks the fields and buttons in reading order and
  // never stops on the hidden honeypot field.
  const { page, close } = await openPage();
  try {
    await openPost(page, post.slug);
    await page.locator('#comment-body').focus();
    const order = [];
    for (let i = 0; i < 7; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent));
    }
    assert.deepEqual(order, ['comment-author', 'comment-email', 'comment-website', 'comment-remember', 'Preview', 'Post Comment', order[6]]);
    assert.notEqual(order[6], 'comment-hp');
  } finally {
    await close();
  }
});

test('a site without an endpoint shows no form', async () => {
  const servedDist = await serve(dist);
  const { page, close } = await openPage();
  try {
    await page.goto(`${servedDist.url}/posts/day-04-a-river-village/`);
    await appReady(page);
    await page.locator('section.comments').waitFor();
    assert.equal(await page.locator('form.comment-form, button.comment-reply').count(), 0);
  } finally {
    await close();
    await servedDist.close();
  }
});
