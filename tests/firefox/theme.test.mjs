// The themed fixture read in Firefox: the accent, the logo, the author's font (downloaded and
// used) and the author's rules apply on a second engine, and the policy refuses nothing (the
// same checks as tests/e2e/theme.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../e2e/static-server.mjs';
import { buildSite, machineFont } from '../e2e/harness.mjs';
import { root, launchFirefox, openPage, appReady } from './harness.mjs';

let browser;
let site;
let work;

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-firefox-theme-'));
  const content = path.join(work, 'content');
  fs.cpSync(path.join(root, 'tests/fixtures/themed'), content, { recursive: true });
  fs.copyFileSync(machineFont(), path.join(content, 'theme/body.ttf'));
  buildSite({ content, out: path.join(work, 'site') });
  browser = await launchFirefox();
  site = await serve(path.join(work, 'site'), { compress: true });
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the themed site in Firefox: accent, logo, font and the author\'s rules', async () => {
  const { page, problems, close } = await openPage(browser);
  try {
    await page.goto(`${site.url}/posts/high-water/`);
    await appReady(page);
    await page.waitForSelector('main .prose a');
    const seen = await page.evaluate(async () => {
      await document.fonts.ready;
      const font = [...document.fonts].find((f) => f.family.replace(/"/g, '') === 'Fieldnotes theme');
      return {
        link: getComputedStyle(document.querySelector('main .prose a')).color,
        logo: getComputedStyle(document.querySelector('.site-title'), '::before').backgroundImage,
        font: font?.status,
        family: getComputedStyle(document.querySelector('main')).fontFamily,
        border: getComputedStyle(document.querySelector('.site-header')).borderBottomStyle,
      };
    });
    assert.equal(seen.link, 'rgb(138, 59, 18)');
    assert.match(seen.logo, /\/data\/theme\/logo\.[0-9a-f]{16}\.svg"\)$/);
    assert.equal(seen.font, 'loaded');
    assert.match(seen.family, /^"?Fieldnotes theme"?,/);
    assert.equal(seen.border, 'dashed');
    assert.deepEqual(problems, []);
  } finally {
    await page.waitForNetworkIdle({ idleTime: 300, timeout: 10_000 }).catch(() => {});
    await close();
  }
});
