// The sample in Khmer, read in Firefox: the document and the interface in Khmer, dates in Khmer
// as CLDR writes them, and no English word of the interface on the home page or a
// post (the same check as tests/e2e/languages.test.mjs, on a second engine).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../e2e/static-server.mjs';
import { buildSite } from '../e2e/harness.mjs';
import { root, launchFirefox, openPage, appReady } from './harness.mjs';

const ENGLISH = ['Search posts', 'Display', 'min read', 'Newer', 'Older', 'Archive', 'Tags', 'Reading offline',
  'Made with Fieldnotes', 'Related posts', 'Contents', 'February', 'March', 'April', 'Skip to content', 'By'];

let browser;
let site;
let work;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-firefox-km-'));
  const content = path.join(work, 'content');
  fs.cpSync(path.join(root, 'content'), content, { recursive: true });
  const toml = fs.readFileSync(path.join(content, 'site.toml'), 'utf8').replace(/^language = .*$/m, 'language = "km"');
  fs.writeFileSync(path.join(content, 'site.toml'), toml);
  buildSite({ content, out: path.join(work, 'site') });
  browser = await launchFirefox();
  site = await serve(path.join(work, 'site'), { compress: true });
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the sample in Khmer: lang="km", Khmer dates, no English word of the interface', async () => {
  const { page, problems, close } = await openPage(browser);
  try {
    for (const route of ['/', '/posts/day-02-the-central-market/']) {
      await page.goto(site.url + route);
      await appReady(page);
      await page.waitForSelector('main .post-meta time');
      const [lang, text, iso, date] = await page.evaluate(() => {
        const clone = document.body.cloneNode(true);
        clone.querySelectorAll('.prose, .summary, .page-title, .site-title, .site-description, .site-nav a[href*="posts"], .site-nav a[href*="about"], a.tag, a.category, a.author, .related a, .post-nav a, .post-card h2, #prerendered').forEach((el) => el.remove());
        const labels = [...clone.querySelectorAll('[aria-label], [placeholder]')].map((el) => `${el.getAttribute('aria-label')} ${el.getAttribute('placeholder')}`);
        const time = document.querySelector('main .post-meta time');
        return [document.documentElement.lang, `${clone.textContent} ${labels.join(' ')}`, time.getAttribute('datetime'), time.textContent];
      });
      assert.equal(lang, 'km', route);
      assert.deepEqual(ENGLISH.filter((w) => new RegExp(`\\b${w}\\b`).test(text)), [], route);
      const intl = new Intl.DateTimeFormat('km', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));
      assert.equal(date, intl, route);
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.waitForNetworkIdle({ idleTime: 300, timeout: 10_000 }).catch(() => {});
    await close();
  }
});
