// What opening a protected post costs a reader (numbers only, nothing is asserted):
//
//   node bench/perf/protected-bench.mjs [--runs N]
//
// Builds a small site with one protected post (the release shell of dist/), serves it on 127.0.0.1
// compressed as a CDN serves it, and on Lighthouse's mobile profile (150 ms RTT, 1.6 Mbit/s down,
// CPU ×4, through the DevTools protocol) measures, for --runs fresh visits:
//   - the bytes of the protected-post chunk (brotli, as fetched), and the time from the start of
//     the visit until the password field is on screen;
//   - password typed → the post's text on screen: the key derived (PBKDF2-SHA256, 600,000 rounds)
//     and the post decrypted by the browser's WebCrypto, then drawn;
//   - the derivation alone, in the same page (crypto.subtle.deriveBits);
// and, for the threat model, one derivation in Node's OpenSSL on this machine's CPU unthrottled:
// what one password guess costs an attacker with an ordinary CPU core.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { serve } from '../../tests/e2e/static-server.mjs';
import { dist, launchBrowser, buildSite, appReady } from '../../tests/e2e/harness.mjs';

const MOBILE = { latency: 150, down: (1.6 * 1024 * 1024) / 8, up: (750 * 1024) / 8, cpu: 4 };
const PASSWORD = 'a long walk to the ferry';
const ROUNDS = 600_000;

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-protected-bench-'));
const content = path.join(work, 'content');
fs.mkdirSync(content);
fs.writeFileSync(path.join(content, 'site.toml'), 'title = "Protected bench"\n');
const body = Array.from({ length: 12 }, (_, i) => `## Part ${i + 1}\n\n${'We walked along the river and talked. '.repeat(40)}\n`).join('\n');
fs.writeFileSync(path.join(content, 'locked.md'), `---\ntitle: Locked\ndate: 2025-03-01\npassword: "${PASSWORD}"\n---\n${body}`);
buildSite({ content, out: path.join(work, 'site') });
const site = await serve(path.join(work, 'site'), { compress: true });
const browser = await launchBrowser();

const rows = [];
try {
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 412, height: 823 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: MOBILE.latency, downloadThroughput: MOBILE.down, uploadThroughput: MOBILE.up });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: MOBILE.cpu });
    let chunk = 0;
    const sizes = new Map();
    cdp.on('Network.responseReceived', (e) => sizes.set(e.requestId, e.response.url));
    cdp.on('Network.loadingFinished', (e) => {
      if (/split_protected/.test(sizes.get(e.requestId) ?? '')) chunk = e.encodedDataLength;
    });
    await page.goto(`${site.url}/posts/locked/`);
    await appReady(page);
    await page.locator('#protected-password').waitFor();
    const formAt = await page.evaluate(() => performance.now());
    await page.evaluate(() => {
      window.__opened = new Promise((resolve) => {
        document.querySelector('form.protected').addEventListener('submit', () => {
          const start = performance.now();
          const seen = new MutationObserver(() => {
            if (document.querySelector('article.post .prose h2')) {
              seen.disconnect();
              resolve(performance.now() - start);
            }
          });
          seen.observe(document.body, { subtree: true, childList: true });
        }, { capture: true });
      });
    });
    await page.locator('#protected-password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Open' }).click();
    const open = await page.evaluate(() => window.__opened);
    const derive = await page.evaluate(async (rounds) => {
      const start = performance.now();
      const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('guess'), 'PBKDF2', false, ['deriveBits']);
      await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations: rounds }, key, 256);
      return performance.now() - start;
    }, ROUNDS);
    rows.push({ chunk, formAt, open, derive });
    console.error(`run ${run + 1}: chunk ${chunk} B, form at ${formAt.toFixed(0)} ms, open ${open.toFixed(0)} ms, derive ${derive.toFixed(0)} ms`);
    await context.close();
  }
} finally {
  await browser.close();
  await site.close();
  fs.rmSync(work, { recursive: true, force: true });
}
const start = performance.now();
crypto.pbkdf2Sync('guess', Buffer.alloc(16), ROUNDS, 32, 'sha256');
const native = performance.now() - start;

console.log(`| Protected post, mobile profile (CPU ×${MOBILE.cpu}, ${MOBILE.latency} ms RTT, 1.6 Mbit/s), median of ${runs} | |`);
console.log('| --- | ---: |');
console.log(`| protected-post chunk, brotli as fetched | ${(median(rows.map((r) => r.chunk)) / 1024).toFixed(1)} KB |`);
console.log(`| visit start → password field on screen | ${median(rows.map((r) => r.formAt)).toFixed(0)} ms |`);
console.log(`| Open pressed → the post's text on screen | ${median(rows.map((r) => r.open)).toFixed(0)} ms |`);
console.log(`| of which one key derivation (WebCrypto PBKDF2-SHA256, ${ROUNDS.toLocaleString('en')} rounds) | ${median(rows.map((r) => r.derive)).toFixed(0)} ms |`);
console.log(`| one guess on this machine's CPU, unthrottled (OpenSSL) | ${native.toFixed(0)} ms |`);
