// The interface in the site's language: the sample blog built with `language = "km"` shows no
// English word of the interface on any kind of page, writes its dates in Khmer, and says the same
// in the page the host serves as in the app; built with `language = "ar"` it runs right to left
// and axe finds nothing. Each build is the sample's content with its `site.toml` changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveBuilt, openPage, appReady, axeViolations, describe, root } from './harness.mjs';

/** The interface's English that must not show on a Khmer site (whole words, any case). */
const ENGLISH = [
  'Search posts', 'Search', 'Display', 'min read', 'Leave a Reply', 'Related posts', 'Newer', 'Older',
  'Archive', 'Tags', 'Categories', 'Reading offline', 'Made with Fieldnotes', 'Page not found',
  'Something went wrong', 'Try again', 'Reload', 'Post Comment', 'Preview', 'Remember my name',
  'Your email address', 'See all posts', 'Skip to content', 'Theme', 'Text size', 'Loading',
  'comments', 'posts', 'Page', 'Contents', 'Tagged', 'Available offline', 'Save', 'By', 'updated',
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December', 'Type words', 'Name', 'Website', 'Comment', 'Remove saved posts',
];

let km;
let ar;

/** The sample blog in `language`, with a comment form, built and served. */
async function sampleIn(language) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `fieldnotes-${language}-`));
  const content = path.join(work, 'content');
  fs.cpSync(path.join(root, 'content'), content, { recursive: true });
  const toml = fs.readFileSync(path.join(content, 'site.toml'), 'utf8')
    .replace(/^language = .*$/m, `language = "${language}"`);
  fs.writeFileSync(path.join(content, 'site.toml'), `${toml}\n[comments]\nendpoint = "/api/comments"\n`);
  const served = await serveBuilt(content, path.join(work, 'site'));
  return { ...served, work, close: async () => { await served.close(); fs.rmSync(work, { recursive: true, force: true }); } };
}

before(async () => {
  km = await sampleIn('km');
  ar = await sampleIn('ar');
});

after(async () => {
  await km?.close();
  await ar?.close();
});

/**
 * The interface's own text on the page: what is visible, and the labels a screen reader reads,
 * with the author's words taken out (the posts' text, titles, summaries, tags and links).
 */
function interfaceText(page) {
  return page.evaluate(() => {
    const clone = document.body.cloneNode(true);
    const authors = '.prose, .summary, .page-title, .site-title, .site-description, .site-nav a[href*="posts"], .site-nav a[href*="about"], a.tag, a.category, a.author, .tag-cloud a, .archive-list a, .related a, .post-nav a, .post-card h2, .comment-list, .series li, #prerendered';
    clone.querySelectorAll(authors).forEach((el) => el.remove());
    const labels = [...clone.querySelectorAll('[aria-label], [placeholder], [title]')]
      .map((el) => [el.getAttribute('aria-label'), el.getAttribute('placeholder'), el.getAttribute('title')].join(' '));
    return `${clone.textContent} ${labels.join(' ')}`;
  });
}

function englishIn(text) {
  return ENGLISH.filter((word) => new RegExp(`\\b${word}\\b`, 'i').test(text));
}

test('the sample in Khmer: no English word of the interface on any kind of page, dates in Khmer, lang="km"', async () => {
  const { site, browser } = km;
  const { page, close } = await openPage(browser);
  const post = '/posts/day-02-the-central-market/';
  const views = [
    ['/', 'main .post-list'],
    [post, 'main article.post .prose'],
    ['/search/?q=market', 'main .search-status'],
    ['/tags/', 'main .tag-cloud'],
    ['/tags/food/', 'main .post-list'],
    ['/archive/', 'main .archive-list'],
    ['/offline/', 'main .offline-summary'],
    ['/no-such-page/', 'main .not-found'],
  ];
  try {
    for (const [route, ready] of views) {
      await page.goto(site.url + route);
      await appReady(page);
      await page.locator(ready).first().waitFor();
      if (route === post) {
        await page.locator('.comment-form').scrollIntoViewIfNeeded();
        await page.locator('.comment-form button[type="submit"]').waitFor();
        // The reader's display settings, opened.
        await page.locator('.reader-settings summary').click();
      }
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'km', route);
      assert.deepEqual(englishIn(await interfaceText(page)), [], `English on ${route}`);
    }
    // An error view: the home list cannot be fetched.
    await page.route('**/data/lists/**', (r) => r.abort());
    await page.goto(site.url + '/');
    await page.locator('main .load-failed').waitFor();
    assert.deepEqual(englishIn(await interfaceText(page)), [], 'English on the error view');
  } finally {
    await close();
  }
});

test('a Khmer site writes the same words and dates in the page the host serves as the app draws', async () => {
  const { site, browser } = km;
  const route = '/posts/day-02-the-central-market/';
  const metaOf = (p) => p.locator('main article.post .post-meta p').first().innerText();
  // The page as the host serves it, read without JavaScript.
  const context = await browser.newContext({ javaScriptEnabled: false });
  let served;
  try {
    const page = await context.newPage();
    await page.goto(site.url + route);
    served = await metaOf(page);
  } finally {
    await context.close();
  }
  const app = await openPage(browser);
  try {
    await app.page.goto(site.url + route);
    await appReady(app.page);
    await app.page.locator('main article.post .prose').waitFor();
    assert.equal(await metaOf(app.page), served);
    // The date as CLDR writes it in Khmer (this engine's Intl: the browser may lack Khmer's data).
    const [iso, text] = await app.page.locator('main article.post .post-meta time').first()
      .evaluate((t) => [t.getAttribute('datetime'), t.textContent]);
    const intl = new Intl.DateTimeFormat('km', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
    assert.equal(text, intl);
    assert.match(served, /នាទី/, 'the reading time in Khmer');
    assert.deepEqual(app.problems, []);
  } finally {
    await app.close();
  }
});

test('the sample in Arabic runs right to left, with Arabic dates, and axe finds no violation', async () => {
  const { site, browser } = ar;
  const { page, problems, close } = await openPage(browser);
  try {
    for (const route of ['/', '/posts/day-02-the-central-market/', '/archive/']) {
      await page.goto(site.url + route);
      await appReady(page);
      await page.locator('main h1').first().waitFor();
      assert.deepEqual(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]), ['ar', 'rtl'], route);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${route}: ${describe(violations)}`);
    }
    const date = await page.locator('main .archive-list time').first().textContent();
    assert.match(date, /^\S+ [\u0600-\u06FF]+ \S+$/, `a date with an Arabic month: ${date}`);
    // The mirrored layout: the header's title sits at the right.
    const [title, width] = await page.evaluate(() => [document.querySelector('body > .site-header .site-title').getBoundingClientRect().right, document.documentElement.clientWidth]);
    assert.ok(width - title < width / 3, `the title at the right: ${title} of ${width}`);
    fs.mkdirSync(path.join(root, 'tests/artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'tests/artifacts/arabic-archive.png') });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
