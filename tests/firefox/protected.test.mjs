// A protected post in Firefox: the password form, a wrong password refused in place, the right
// one decrypting the post with Firefox's own WebCrypto. A small site of our own is built with the
// release shell of dist/ and served compressed on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../e2e/static-server.mjs';
import { buildSite } from '../e2e/harness.mjs';
import { dist, launchFirefox, openPage, appReady, waitForText } from './harness.mjs';

const PASSWORD = 'ferry at dawn';
const SECRET = 'The families by the old well asked us not to write their names.';

let browser;
let site;
let work;

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-protected-firefox-'));
  const content = path.join(work, 'content');
  fs.mkdirSync(content);
  fs.writeFileSync(path.join(content, 'site.toml'), 'title = "Quiet notes"\n');
  fs.writeFileSync(path.join(content, 'locked.md'),
    `---\ntitle: The quiet village\ndate: 2025-03-03\npassword: "${PASSWORD}"\n---\n${SECRET}\n\nភូមិនៅជិតទន្លេ។\n`);
  buildSite({ content, out: path.join(work, 'site') });
  browser = await launchFirefox();
  site = await serve(path.join(work, 'site'), { compress: true });
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a protected post opens with its password in Firefox, and not with a wrong one', { timeout: 90_000 }, async () => {
  const { page, problems, close } = await openPage(browser);
  try {
    await page.goto(`${site.url}/posts/locked/`);
    await appReady(page);
    await waitForText(page, '#protected-prompt', 'This post is protected. Enter the password to read it.');
    assert.ok(!(await page.content()).includes('old well'));
    await page.type('#protected-password', 'ferry at dusk');
    await page.click('form.protected button[type="submit"]');
    await waitForText(page, '#protected-error', 'That password is not right. Try again.');
    assert.equal(await page.$eval('#protected-password', (el) => el.getAttribute('aria-invalid')), 'true');
    await page.$eval('#protected-password', (el) => { el.value = ''; });
    await page.type('#protected-password', PASSWORD);
    await page.click('form.protected button[type="submit"]');
    await waitForText(page, 'article.post .prose', SECRET);
    await waitForText(page, 'article.post .prose', 'ភូមិនៅជិតទន្លេ');
    assert.equal(await page.$$eval('form.protected', (els) => els.length), 0);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
