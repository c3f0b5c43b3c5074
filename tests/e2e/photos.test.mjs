// Photos in a real browser: a site built from a post with a large photo (generated here, 2000 px
// wide) offers it as resized copies, and the browser fetches the copy its screen needs: the
// 480 px WebP on a 375 px phone, the 800 px one on a 1280 px desktop (the text column is 640 px),
// never the largest. A placeholder holds the photo's place until it arrives, and saving the post
// for offline stores the copy this screen shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve } from './static-server.mjs';
import { dist, launchBrowser, buildSite, openPage as open, appReady } from './harness.mjs';

let browser;
let site;
let work;

const SLUG = 'rice-at-dusk';
const openPage = (options = {}) => open(browser, options);

/** An opaque PNG `width`×`height`: gradients with grain, enough detail to resize like a photo. */
function photoPng(width, height) {
  const row = width * 3 + 1;
  const raw = Buffer.alloc(row * height);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    raw[y * row] = 0; // no filter
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const grain = (seed >> 16) % 24;
      const i = y * row + 1 + x * 3;
      raw[i] = (x * 200) / width + grain;
      raw[i + 1] = (y * 180) / height + grain;
      raw[i + 2] = 90 + grain;
    }
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  browser = await launchBrowser();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-photos-'));
  const content = path.join(work, 'content');
  fs.mkdirSync(path.join(content, 'posts', SLUG), { recursive: true });
  fs.writeFileSync(path.join(content, 'site.toml'), 'title = "Photo notes"\n');
  fs.writeFileSync(
    path.join(content, 'posts', SLUG, 'index.md'),
    '---\ntitle: Rice at dusk\ndate: 2025-03-01\ntags: [fields]\n---\nThe light went orange over the paddies.\n\n'
      + '![Rice paddies under an orange sky](field.png "The paddies at dusk")\n\nWe walked back in the dark.\n',
  );
  fs.writeFileSync(path.join(content, 'posts', SLUG, 'field.png'), photoPng(2000, 1333));
  buildSite({ content, out: path.join(work, 'site') });
  site = await serve(path.join(work, 'site'));
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Opens the post at `width` px and waits for its photo; returns what the browser fetched. */
async function photoAt(width) {
  const { page, problems, requests, close } = await openPage({ viewport: { width, height: 900 } });
  await page.goto(`${site.url}/posts/${SLUG}/`);
  await appReady(page);
  const img = page.locator('main .prose picture img');
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => {
    const i = document.querySelector('main .prose picture img');
    return i && i.complete && i.naturalWidth > 0;
  });
  const current = await img.evaluate((i) => new URL(i.currentSrc).pathname);
  const media = requests.filter((u) => u.includes('/data/media/')).map((u) => new URL(u).pathname);
  return { page, problems, close, current, media };
}

test('a 375 px phone fetches the 480 px WebP of a 2000 px photo; a 1280 px desktop the 800 px one', { timeout: 60_000 }, async () => {
  const phone = await photoAt(375);
  try {
    assert.match(phone.current, /^\/data\/media\/field\.480\.[0-9a-f]{16}\.webp$/);
    assert.deepEqual(phone.media.filter((u) => !u.startsWith('data:')), [phone.current], 'only that copy is fetched');
    // The copies on offer, and the page reserves the photo's space.
    const picture = phone.page.locator('main .prose picture');
    const webp = await picture.locator('source[type="image/webp"]').getAttribute('srcset');
    assert.deepEqual(webp.split(', ').map((s) => s.split(' ')[1]), ['480w', '800w', '1200w', '1600w', '2000w']);
    const img = picture.locator('img');
    assert.equal(await img.getAttribute('sizes'), '(min-width: 42rem) 40rem, 100vw');
    assert.match(await img.getAttribute('src'), /field\.2000\.[0-9a-f]{16}\.jpeg$/, 'the fallback for browsers without srcset');
    assert.equal(await img.getAttribute('alt'), 'Rice paddies under an orange sky');
    assert.deepEqual([await img.getAttribute('width'), await img.getAttribute('height')], ['2000', '1333']);
    // The placeholder: a tiny preview inlined, under the photo in the same box.
    const placeholder = phone.page.locator('main .prose .photo-placeholder');
    const preview = await placeholder.getAttribute('src');
    assert.match(preview, /^data:image\/webp;base64,/);
    assert.ok(preview.length < 400, `preview of ${preview.length} bytes`);
    // Layout boxes (the preview is drawn a little larger, blurred, and clipped to the photo's box).
    const boxes = await phone.page.evaluate(() => ['.photo-placeholder', 'picture img']
      .map((s) => document.querySelector(`main .prose ${s}`))
      .map((e) => [e.offsetLeft, e.offsetTop, e.offsetWidth, e.offsetHeight]));
    assert.deepEqual(boxes[0], boxes[1]);
    assert.ok(boxes[1][2] > 300 && boxes[1][2] <= 375, JSON.stringify(boxes));
    assert.deepEqual(phone.problems, []);
  } finally {
    await phone.close();
  }
  const desktop = await photoAt(1280);
  try {
    assert.match(desktop.current, /^\/data\/media\/field\.800\.[0-9a-f]{16}\.webp$/);
    assert.deepEqual(desktop.media, [desktop.current]);
    assert.deepEqual(desktop.problems, []);
  } finally {
    await desktop.close();
  }
});

test('without JavaScript the page offers the same copies', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/posts/${SLUG}/`);
    const img = page.locator('#prerendered picture img');
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('#prerendered picture img')?.complete);
    assert.match(await img.evaluate((i) => i.currentSrc), /field\.480\.[0-9a-f]{16}\.webp$/);
  } finally {
    await context.close();
  }
});

test('saving the post for offline stores the copy this screen shows, and no other', { timeout: 60_000 }, async () => {
  const { page, problems, close } = await openPage({ viewport: { width: 375, height: 800 } });
  try {
    await page.goto(`${site.url}/tags/fields/`);
    await appReady(page);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 20_000 })
      .catch(async () => { await page.reload(); await appReady(page); });
    await page.getByRole('button', { name: /^Save this tag for offline/ }).click();
    await page.locator('.save-status', { hasText: /^Saved 1 post/ }).waitFor();
    const saved = await page.evaluate(async () => {
      const keys = await (await caches.open('fieldnotes-saved')).keys();
      return keys.map((r) => new URL(r.url).pathname).filter((p) => p.startsWith('/data/media/'));
    });
    assert.equal(saved.length, 1, saved.join(' '));
    assert.match(saved[0], /field\.480\.[0-9a-f]{16}\.webp$/);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
