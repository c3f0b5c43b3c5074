// The author's look: the `themed` fixture (every [theme] setting of site.toml) built with the
// release shell and served. Its accent colours links in both themes, its logo heads the page,
// its font is downloaded and used, its stylesheet's rules apply, its icon replaces ours; nothing
// is refused by the page's Content-Security-Policy, and axe finds no contrast problem.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveBuilt, openPage, appReady, axeViolations, describe, root, artifacts, machineFont } from './harness.mjs';

let themed;

before(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-themed-'));
  const content = path.join(work, 'content');
  fs.cpSync(path.join(root, 'tests/fixtures/themed'), content, { recursive: true });
  fs.copyFileSync(machineFont(), path.join(content, 'theme/body.ttf'));
  const served = await serveBuilt(content, path.join(work, 'site'));
  themed = { ...served, work, close: async () => { await served.close(); fs.rmSync(work, { recursive: true, force: true }); } };
});

after(async () => {
  await themed?.close();
});

/** What the page's theme shows: colours, the logo, the font, the author's rules, the icon. */
function look(page, link = 'main a') {
  return page.evaluate(async (link) => {
    await document.fonts.ready;
    const title = document.querySelector('.site-title');
    const logo = getComputedStyle(title, '::before');
    const header = getComputedStyle(document.querySelector('.site-header'));
    const font = [...document.fonts].find((f) => f.family.replace(/"/g, '') === 'Fieldnotes theme');
    return {
      link: getComputedStyle(document.querySelector(link)).color,
      logo: logo.backgroundImage,
      logoWidth: parseFloat(logo.width),
      titleShown: parseFloat(getComputedStyle(title).fontSize) > 0,
      fontStatus: font?.status,
      bodyFont: getComputedStyle(document.querySelector('main')).fontFamily,
      headerBorder: header.borderBottomStyle,
      headerBackground: header.backgroundImage,
      icons: [...document.querySelectorAll('link[rel="icon"]')].map((l) => l.getAttribute('href')),
      themeColor: document.querySelector('meta[name="theme-color"]').content,
    };
  }, link);
}

test('the themed site shows its accent, logo, font, stylesheet and icon, and the policy refuses nothing', async () => {
  const { site, browser } = themed;
  const { page, problems, close } = await openPage(browser);
  try {
    await page.goto(`${site.url}/`);
    await appReady(page);
    const seen = await look(page);
    assert.equal(seen.link, 'rgb(138, 59, 18)', 'links take the accent');
    assert.match(seen.logo, /\/data\/theme\/logo\.[0-9a-f]{16}\.svg"\)$/);
    assert.ok(seen.logoWidth > 40, `the logo has its width: ${seen.logoWidth}`);
    assert.ok(seen.titleShown, 'show_title = true keeps the title beside the logo');
    assert.equal(seen.fontStatus, 'loaded', 'the font was downloaded and read');
    assert.match(seen.bodyFont, /^"?Fieldnotes theme"?,/);
    assert.equal(seen.headerBorder, 'dashed', "the author's rule applies after ours");
    assert.match(seen.headerBackground, /\/data\/theme\/waves\.[0-9a-f]{16}\.svg"\)/);
    assert.equal(seen.icons.length, 1, `one icon: ${seen.icons}`);
    assert.match(seen.icons[0], /^\/data\/theme\/favicon\.[0-9a-f]{16}\.svg$/);
    assert.equal(seen.themeColor, '#8a3b12');
    for (const file of [seen.icons[0], seen.logo.match(/url\("([^"]+)"\)/)[1]]) {
      const answer = await page.request.get(new URL(file, site.url).href);
      assert.equal(answer.status(), 200, file);
    }
    const web = await (await page.request.get(`${site.url}/manifest.webmanifest`)).json();
    assert.deepEqual(web.icons.map((i) => [i.sizes, i.purpose]), [['192x192', 'any'], ['512x512', 'any'], ['512x512', 'maskable']]);
    for (const icon of web.icons) assert.equal((await page.request.get(new URL(icon.src, site.url).href)).status(), 200, icon.src);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describe(violations));
    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'theme-home.png') });

    // A post, reached through the app: the author's rules style its headings too.
    await page.click('a[href="/posts/low-tide/"]');
    await page.waitForSelector('main article.post .prose h2');
    const heading = await page.$eval('main .prose h2', (h) => [getComputedStyle(h).textTransform, getComputedStyle(h).fontFamily]);
    assert.deepEqual(heading, ['uppercase', heading[1]]);
    assert.match(heading[1], /Fieldnotes theme/);
    assert.deepEqual(problems, [], 'no console error: the policy refused nothing');
  } finally {
    await close();
  }
});

test('the dark theme takes accent_dark, and passes axe too', async () => {
  const { site, browser } = themed;
  const { page, problems, close } = await openPage(browser, { colorScheme: 'dark' });
  try {
    await page.goto(`${site.url}/posts/high-water/`);
    await appReady(page);
    assert.equal((await look(page, 'main .prose a')).link, 'rgb(240, 160, 112)');
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], describe(violations));
    await page.screenshot({ path: path.join(artifacts, 'theme-post-dark.png') });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
