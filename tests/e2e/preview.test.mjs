// `fieldnotes serve` over the real release build's app shell and a copy of the sample blog, read
// by headless Chromium: a post edited on disk reloads in the open page by itself, with no console
// error (the site's Content-Security-Policy included), and dist/ stays exactly as it was, with no
// live-reload code in it. Run by scripts/test after `trunk build --release --offline`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { root, dist, TIMEOUT, launchBrowser, postsOf, openPage, appReady } from './harness.mjs';

let browser;
let server;
let work;
let url;

/** Every file of `dir` with the hash of its bytes. */
function fingerprint(dir) {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort()
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => `${f} ${crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')}`);
}

/** Starts `fieldnotes serve` on a free port; resolves with its address once it serves. */
function startServer(args) {
  const child = spawn('cargo', ['run', '--quiet', '--bin', 'fieldnotes', '--', 'serve', ...args], {
    cwd: root, detached: true, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = [];
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fieldnotes serve did not start:\n${lines.join('\n')}`)), 10 * TIMEOUT);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      const found = chunk.match(/serving the site at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`fieldnotes serve exited (${code}):\n${lines.join('\n')}`)));
  });
  // The whole process group: cargo and the server it started.
  const stop = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ } };
  return { ready, lines, stop };
}

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-preview-'));
  fs.cpSync(path.join(root, 'content'), path.join(work, 'content'), { recursive: true });
  // The app shell of the release build: its own files and folders without pages (the icons and
  // the app's pieces), never its data.
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  for (const entry of fs.readdirSync(dist, { withFileTypes: true })) {
    const from = path.join(dist, entry.name);
    if (entry.isFile()) fs.copyFileSync(from, path.join(app, entry.name));
    else if (['icons', 'pieces'].includes(entry.name)) fs.cpSync(from, path.join(app, entry.name), { recursive: true });
  }
  execFileSync('cargo', ['build', '--quiet', '--bin', 'fieldnotes'], { cwd: root, stdio: 'inherit' });
  server = startServer([
    '--port', '0', '--app-build', 'never', '--app', app,
    '--content', path.join(work, 'content'),
    '--image-cache', path.join(root, '.fieldnotes-cache/images'),
  ]);
  url = await server.ready;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a post edited on disk reloads in the open page, and dist/ is left as it was', async () => {
  const before = fingerprint(dist);
  const post = postsOf(dist)[0];
  const files = fs.readdirSync(path.join(work, 'content'), { recursive: true }).map(String)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(work, 'content', f));
  const source = files.find((f) => fs.readFileSync(f, 'utf8').includes(post.title));
  assert.ok(source, `the sample post "${post.title}" has a Markdown file`);

  const { page, problems, close } = await openPage(browser);
  await page.goto(`${url}/posts/${post.slug}/`);
  await appReady(page);
  const served = await (await fetch(`${url}/posts/${post.slug}/`)).text();
  assert.match(served, /<script src="\/_fieldnotes\/live\.js\?since=\d+" defer><\/script>/);

  const line = 'A line written while the preview was open.';
  const reloaded = page.waitForEvent('load', { timeout: TIMEOUT });
  fs.appendFileSync(source, `\n\n${line}\n`);
  await reloaded;
  await page.getByText(line).waitFor({ timeout: TIMEOUT });
  await appReady(page);
  assert.deepEqual(problems, [], 'no console errors, the Content-Security-Policy included');
  await close();

  assert.deepEqual(fingerprint(dist), before, 'dist/ is byte-identical');
  for (const file of fingerprint(dist).map((f) => f.split(' ')[0])) {
    if (!/\.(html|js|json|xml|txt)$|^_headers$/.test(file)) continue;
    const text = fs.readFileSync(path.join(dist, file), 'utf8');
    for (const reload of ['/_fieldnotes/', '__TRUNK_ADDRESS__', 'new WebSocket']) {
      assert.ok(!text.includes(reload), `${file} holds live-reload code (${reload})`);
    }
  }
});
