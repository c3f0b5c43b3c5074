// A post and its translations (`translation_of`): each links to the others, named in their own
// language ("Read this in ភាសាខ្មែរ"); following the link opens the translation in the app, and
// the document takes its language and direction. A small site of our own is built with the
// release shell.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ownSite, openPage, appReady } from './harness.mjs';

let own;

before(async () => {
  const post = (front, text) => `---\n${front}---\n${text}\n`;
  own = await ownSite('translations', 'Two languages', {
    'ferry.md': post('title: The ferry\ndate: 2025-06-01\n', 'We waited for the ferry until the river calmed.'),
    'ferry-km.md': post('title: សាឡាង\ndate: 2025-06-02\nlang: km\ntranslation_of: ferry\n', 'យើងរង់ចាំសាឡាងរហូតដល់ទន្លេស្ងប់។'),
    'ferry-ar.md': post('title: العبّارة\ndate: 2025-06-03\nlang: ar\ntranslation_of: ferry\n', 'انتظرنا العبّارة حتى هدأ النهر.'),
  });
});

after(async () => {
  await own?.close();
});

test('a post links to its translations in their own names; following one sets the document in that language', async () => {
  const { site, browser } = own;
  const { page, problems, close } = await openPage(browser);
  const root = () => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
  try {
    await page.goto(site.url + '/posts/ferry/');
    await appReady(page);
    const line = page.locator('main article.post p.translations');
    await line.waitFor();
    assert.equal(await line.innerText(), 'Read this in العربية, ភាសាខ្មែរ');
    assert.deepEqual(await root(), ['en', 'ltr']);

    await line.getByRole('link', { name: 'ភាសាខ្មែរ' }).click();
    await page.waitForURL(site.url + '/posts/ferry-km/');
    await page.locator('main article.post[lang="km"] .prose').waitFor();
    assert.deepEqual(await root(), ['km', 'ltr']);
    assert.equal(await line.innerText(), 'Read this in العربية, English');

    await line.getByRole('link', { name: 'العربية' }).click();
    await page.waitForURL(site.url + '/posts/ferry-ar/');
    await page.locator('main article.post[lang="ar"] .prose').waitFor();
    assert.deepEqual(await root(), ['ar', 'rtl']);
    // The interface around the post stays in the site's language.
    assert.equal(await page.locator('body > header.site-header').getAttribute('lang'), 'en');
    assert.equal(await line.locator('a[hreflang="km"]').getAttribute('lang'), 'km');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
