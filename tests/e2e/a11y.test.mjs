// Accessibility tests: the release build in dist/, served on 127.0.0.1 like a static host, checked
// with axe-core in headless Chromium in both colour schemes, and read from start to finish with
// the keyboard alone. Run by `node --test --test-concurrency=1 tests/e2e/` after
// `trunk build --release --offline`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { dist, launchBrowser, postsOf, openPage as open, appReady, axeViolations, describe } from './harness.mjs';

let browser;
let site;

/** The sample site's posts, newest first, as the build wrote them. */
const samplePosts = () => postsOf(dist);

/** A page of its own (fresh context) that records console errors, uncaught exceptions and dialogs. */
const openPage = (options) => open(browser, options);

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  browser = await launchBrowser();
  site = await serve(dist);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

// ---------------------------------------------------------------------------------------------
// axe-core on every kind of page, light and dark.

// What each route must show before it is checked: the app's view with its content, not a
// placeholder (axe on a loading skeleton would pass while missing what readers see).
// (Without a build there is nothing to name; `before` then stops with how to make one.)
const posts = fs.existsSync(path.join(dist, 'data/manifest.json')) ? samplePosts() : [];
const firstPost = posts[0] ?? { slug: 'unbuilt', title: '', tags: ['unbuilt'] };
const aTag = firstPost.tags[0];
const ROUTES = [
  { route: '/', status: 200, content: '.post-list .post-card' },
  { route: `/posts/${firstPost.slug}`, status: 200, content: 'article.post .prose' },
  { route: '/tags', status: 200, content: '.tag-cloud li' },
  { route: `/tags/${aTag}`, status: 200, content: '.post-list .post-card' },
  { route: '/archive', status: 200, content: '.archive-list li' },
  { route: '/about', status: 200, content: 'article.standalone .prose' },
  { route: '/categories', status: 200, content: '.tag-cloud li' },
  { route: '/offline', status: 200, content: '.save-offline button' },
  // A static host answers an unknown address with 404.html; the app then shows its own view.
  { route: '/no-such-page', status: 404, content: 'main h1:text("Page not found")' },
  // On a phone, wide tables and code blocks scroll sideways inside the column: a reader without
  // a pointer must be able to scroll them too (axe's scrollable-region-focusable).
  { route: '/', status: 200, content: '.post-list .post-card', width: 375 },
  ...posts.filter(hasWideBlocks).map((p) => (
    { route: `/posts/${p.slug}`, status: 200, content: 'article.post .prose', width: 375 }
  )),
];

/** Whether a post's Markdown has a table or a fenced code block (both may scroll sideways). */
function hasWideBlocks(post) {
  const { body } = JSON.parse(fs.readFileSync(path.join(dist, 'data', post.file), 'utf8'));
  return /^\s*\|.*\|\s*$/m.test(body) || /^\s*(```|~~~)/m.test(body);
}

for (const colorScheme of ['light', 'dark']) {
  for (const { route, status, content, width = 1280 } of ROUTES) {
    test(`axe finds no WCAG 2.1 A/AA or best-practice violations on ${route} (${colorScheme}, ${width} px)`, { timeout: 60_000 }, async () => {
      const { page, problems, close } = await openPage({ colorScheme, viewport: { width, height: width < 600 ? 812 : 900 } });
      try {
        // The context already prefers the scheme; emulating it on the page as well keeps the
        // media query fixed whatever the context default becomes.
        await page.emulateMedia({ colorScheme });
        const response = await page.goto(site.url + route);
        assert.equal(response.status(), status, `${route} answers ${status}`);
        await appReady(page);
        await page.locator(content).first().waitFor();
        assert.equal(
          await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches),
          colorScheme === 'dark',
          'the colour scheme is emulated',
        );
        const violations = await axeViolations(page);
        assert.equal(violations.length, 0, `axe on ${route} (${colorScheme}, ${width} px):\n${describe(violations)}`);
        // The 404 response itself is logged as a console error by Chromium; nothing else may be.
        assert.deepEqual(problems.filter((p) => !(status === 404 && p.includes('404'))), []);
      } finally {
        await close();
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// A reader with a keyboard and no mouse.

/** What has the focus now: enough to recognise it and to judge its focus indicator. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'BODY', text: '', href: null };
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
      tag: el.tagName,
      id: el.id,
      className: typeof el.className === 'string' ? el.className : '',
      text: (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 80),
      href: el.getAttribute('href'),
      rel: el.getAttribute('rel'),
      inMain: !!el.closest('main#main'),
      inHeader: !!el.closest('header.site-header'),
      inPostNav: !!el.closest('nav.post-nav'),
      // tabindex="-1": out of the Tab order, so only the app's own focus management put it here.
      byApp: el.getAttribute('tabindex') === '-1',
      outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
      // A ring counts when it is drawn: an outline with width and a colour that is not fully
      // transparent, or any box-shadow.
      ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
        && !/^transparent$|,\s*0\)$/.test(style.outlineColor)) || style.boxShadow !== 'none',
      box: { x: box.x, y: box.y, width: box.width, height: box.height },
      viewport: { width: innerWidth, height: innerHeight },
    };
  });
}

/** A short name for a focused element in messages. */
function label(f) {
  return `${f.tag}${f.id ? '#' + f.id : ''}${f.className ? '.' + f.className.split(/\s+/).join('.') : ''}`
    + `${f.href ? ` [href=${f.href}]` : ''} "${f.text}"`;
}

test('a keyboard alone reaches the skip link, a post, its neighbours and the header, with focus always visible', { timeout: 90_000 }, async () => {
  const { page, problems, close } = await openPage();
  // Every element Tab lands on must show where the focus is (WCAG 2.4.7). Failures are gathered
  // and reported together at the end, so one missing ring does not hide the next. What the app
  // focuses by itself (main after the skip link, a page's h1 after navigating) is not a control
  // and has no ring on purpose (main.css), so only the stops of Tab and Shift+Tab are judged.
  const invisible = [];
  // Steps that went wrong without stopping the journey.
  const broken = [];
  const seen = [];
  async function press(key) {
    await page.keyboard.press(key);
    const f = await focused(page);
    seen.push(`${key} → ${label(f)}`);
    // The app may move the focus to a heading while a key is pressed (a page that finished loading
    // just then): that is not a stop of Tab, so it is not judged here.
    if (f.tag !== 'BODY' && !f.byApp && !f.ring) invisible.push(`${label(f)} (outline: ${f.outline}, no box-shadow)`);
    return f;
  }
  /** Presses `key` until `wanted(focus)` holds; fails after `limit` presses. */
  async function pressUntil(key, wanted, what, limit = 80) {
    for (let i = 0; i < limit; i++) {
      const f = await press(key);
      if (wanted(f)) return f;
    }
    assert.fail(`${what} was not reached within ${limit} presses of ${key}:\n  ${seen.slice(-limit).join('\n  ')}`);
  }
  /** Focus is on the h1 of the page now shown, moved there by the app after navigating. */
  async function headingFocused(title) {
    await page.locator('main h1', { hasText: title }).waitFor();
    await page.waitForFunction(
      (t) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent.includes(t),
      title,
      { timeout: 5_000 },
    ).catch(async () => assert.fail(`focus is on the heading "${title}", not on ${label(await focused(page))}`));
  }

  try {
    await page.goto(site.url + '/');
    await appReady(page);
    await page.locator('.post-list .post-card').first().waitFor();
    // A full page load would lose this marker: every step below must stay in the app.
    await page.evaluate(() => { window.__marker = 1; });
    const marker = () => page.evaluate(() => window.__marker);

    // 1. The first Tab lands on the skip link, which shows itself inside the viewport.
    const skip = await press('Tab');
    assert.equal(skip.className, 'skip-link', `the first Tab reaches the skip link, not ${label(skip)}`);
    assert.equal(skip.text, 'Skip to content');
    const { box, viewport } = skip;
    assert.ok(
      box.width > 0 && box.height > 0 && box.x >= 0 && box.y >= 0
        && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height,
      `the focused skip link is visible inside the viewport: ${JSON.stringify(box)}`,
    );

    // 2. Enter follows it: the focus moves to the main region. A skip link that fails here is
    // recorded rather than thrown, so the rest of the journey still runs and reports (the Tabs
    // below then walk through the header first).
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.matches('main#main'), null, { timeout: 3_000 })
      .catch(async () => broken.push(`Enter on the skip link leaves the focus on ${label(await focused(page))}, not on main#main`));
    assert.equal(await marker(), 1, 'the skip link does not reload the page');

    // 3. From there, Tab reaches a post link in the list (not the header's "Start at day 1", which
    // a broken skip link would pass by); Enter opens the post inside the app.
    const link = await pressUntil('Tab', (f) => f.inMain && f.tag === 'A' && /\/posts\//.test(f.href ?? ''), 'a link to a post in the list');
    const first = posts.find((p) => link.href.endsWith('/posts/' + p.slug + '/'));
    assert.ok(first, `${link.href} is a published post`);
    await page.keyboard.press('Enter');
    await page.waitForURL(site.url + '/posts/' + first.slug + '/');
    await appReady(page);
    await headingFocused(first.title);
    assert.equal(await marker(), 1, 'opening a post is not a full page load');

    // 4. Onward through the post to its Newer/Older links; Enter follows one.
    const next = await pressUntil('Tab', (f) => f.inPostNav && /^(Older|Newer):/.test(f.text), 'the Older/Newer post link');
    const second = posts.find((p) => next.href.endsWith('/posts/' + p.slug + '/'));
    assert.ok(second, `${next.href} is a published post`);
    await page.keyboard.press('Enter');
    await page.waitForURL(site.url + '/posts/' + second.slug + '/');
    await headingFocused(second.title);
    assert.equal(await marker(), 1, 'following Older/Newer is not a full page load');

    // 5. Back returns to the first post, still inside the app.
    await page.goBack();
    await page.waitForURL(site.url + '/posts/' + first.slug + '/');
    await headingFocused(first.title);
    await page.locator('article.post .prose').waitFor();
    assert.equal(await marker(), 1, 'Back stays in the app');

    // 6. Backwards from the post to the header's Tags link, and Enter opens the tags page.
    await page.waitForFunction(() => document.activeElement && document.activeElement !== document.body, null, { timeout: 5_000 })
      .catch(() => {}); // wherever the focus is, Shift+Tab walks back to the header from it
    const tags = await pressUntil('Shift+Tab', (f) => f.inHeader && f.text === 'Tags', 'the Tags link in the header');
    assert.equal(tags.href, '/tags/');
    await page.keyboard.press('Enter');
    await page.waitForURL(site.url + '/tags/');
    await headingFocused('Tags');
    await page.locator('.tag-cloud li').first().waitFor();
    assert.equal(await marker(), 1, 'the header links stay in the app');

    // 7. And Back once more returns to the post.
    await page.goBack();
    await page.waitForURL(site.url + '/posts/' + first.slug + '/');
    await page.locator('main h1', { hasText: first.title }).waitFor();
    assert.equal(await marker(), 1, 'Back stays in the app');

    // 8. The Display menu opens from the keyboard, and arrow keys change the theme.
    const menu = await pressUntil('Shift+Tab', (f) => f.inHeader && f.tag === 'SUMMARY', 'the Display menu');
    assert.equal(menu.text, 'Display');
    await page.keyboard.press('Enter');
    const system = await press('Tab');
    assert.equal(system.tag, 'INPUT', `Tab enters the open menu, not ${label(system)}`);
    await press('ArrowRight');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light', null, { timeout: 3_000 })
      .catch(() => broken.push('ArrowRight in the theme group did not choose the light theme'));
    assert.equal(await marker(), 1, 'the menu stays in the app');

    assert.deepEqual(broken, [], `the journey went wrong:\n  ${broken.join('\n  ')}`);
    assert.deepEqual(invisible, [], `focused elements without a visible focus indicator:\n  ${invisible.join('\n  ')}`);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
