// What the browser tests and the measurement commands (bench/perf/) share: where the build is, how
// Chromium is started (the system's own, never a downloaded one), pages that record what goes
// wrong, and the signal that the app has drawn. Not a test file (node --test runs only *.test.mjs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dist = path.join(root, 'dist');
export const artifacts = path.join(root, 'tests/artifacts');
export const TIMEOUT = 15_000;

/** Headless Chromium with no background traffic; bounded in time like everything in the tests. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: TIMEOUT,
  });
}

/**
 * The file, relative to the data folder, of the list `key` (`home/1.json`, `slugs/0.json`) of the
 * site built in `site`, as its lists' directory names it; undefined when it has no such list.
 */
export function listFile(key, site = dist) {
  const manifest = JSON.parse(fs.readFileSync(path.join(site, 'data/manifest.json'), 'utf8'));
  for (let n = 0; n < manifest.list_shards; n++) {
    const shard = JSON.parse(fs.readFileSync(path.join(site, 'data', manifest.lists, `${n}.json`), 'utf8'));
    const hash = shard.lists[key];
    if (hash) return `lists/${key.replace(/\.json$/, '')}.${hash}.json`;
  }
  return undefined;
}

/** The posts of a built site, newest first. */
export function postsOf(site = dist) {
  const manifest = JSON.parse(fs.readFileSync(path.join(site, 'data/manifest.json'), 'utf8'));
  return JSON.parse(fs.readFileSync(path.join(site, 'data', manifest.all_posts), 'utf8')).posts;
}

/** The fieldnotes CLI, built by cargo (the same binary the Trunk hooks run). */
export function fieldnotes(...args) {
  execFileSync('cargo', ['run', '--quiet', '--bin', 'fieldnotes', '--', ...args], { cwd: root, stdio: 'pipe' });
}

/**
 * A fresh context (empty cache and storage) and page that records console errors, uncaught
 * exceptions, dialogs and requests. `serviceWorkers: 'block'` keeps the site's service worker out,
 * for tests that stand in for the network with `page.route` (which never sees requests the
 * worker answers).
 */
export async function openPage(
  browser,
  { viewport = { width: 1280, height: 900 }, colorScheme = 'light', serviceWorkers = 'allow' } = {},
) {
  const context = await browser.newContext({ viewport, colorScheme, serviceWorkers });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  return { page, context, ...recordProblems(page), close: () => context.close() };
}

/**
 * What goes wrong in `page` (console errors, uncaught exceptions, dialogs, which it dismisses) and
 * the address of every request, from now on. The events are the same in Playwright and Puppeteer,
 * so the Firefox tests (tests/firefox/) record pages with this too.
 */
export function recordProblems(page) {
  const problems = [];
  const requests = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('dialog', async (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on('request', (req) => requests.push(req.url()));
  return { problems, requests };
}

/** The app has drawn its own view (the build's no-JavaScript copy is gone). */
export async function appReady(page) {
  await page.waitForFunction(() => !document.getElementById('prerendered'));
}

/**
 * The titles of the search results on screen once the page's results are all drawn: as many as
 * the status line counts, up to a page of 20 (the app draws the first five as soon as their cards
 * are in, and the page's others a moment later).
 */
export async function resultTitles(page) {
  await page.waitForFunction(() => {
    const status = document.querySelector('main .search-status')?.textContent.trim() ?? '';
    const said = status.match(/(\d+) posts? found/);
    const page = said ? Math.min(20, Number(said[1])) : 0;
    // The app has drawn (the build's copy of the page is gone) and the count is there.
    return !document.getElementById('prerendered') && status !== ''
      && document.querySelectorAll('main .search-results h2').length >= page;
  });
  return page.locator('main .search-results h2').allTextContents();
}

// ---------------------------------------------------------------------------------------------
// Other sites than dist/ (generated corpora), and what a route fetches. Shared by the bounded
// bytes test and the comparison benchmark (bench/perf/compare.mjs); neither reads the data
// files' format: routes come from the sitemap and the route pages, bytes from the browser.

/**
 * Builds the posts of `content` into the folder `out` (replaced), with the app shell of the
 * release build `shell`: its files and the folders that hold no page (icons…), but not what the
 * shell's own posts made (sitemap, feeds, robots.txt: a site without `base_url` gets none), then
 * `fieldnotes build --out out/data` (with `buildArgs` after) and `fieldnotes stubs --dist out`.
 * `cli` is a fieldnotes binary; without it, `cargo run` (the dev build the tests use). Returns the
 * seconds each step took.
 */
export function buildSite({ content, out, shell = dist, cli, buildArgs = [] }) {
  const run = (...args) => (cli
    ? execFileSync(cli, args, { cwd: root, stdio: 'pipe' })
    : execFileSync('cargo', ['run', '--quiet', '--bin', 'fieldnotes', '--', ...args], { cwd: root, stdio: 'pipe' }));
  const holdsPage = (dir) => fs.readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.html'));
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  for (const entry of fs.readdirSync(shell, { withFileTypes: true })) {
    const from = path.join(shell, entry.name);
    if (entry.isFile() && /^(sitemap.*\.xml|atom\.xml|rss\.xml|feed\.json|robots\.txt)$/.test(entry.name)) continue;
    if (entry.isFile()) fs.copyFileSync(from, path.join(out, entry.name));
    else if (entry.isDirectory() && entry.name !== 'data' && !holdsPage(from)) fs.cpSync(from, path.join(out, entry.name), { recursive: true });
  }
  const t0 = performance.now();
  run('build', '--content', content, '--out', path.join(out, 'data'), ...buildArgs);
  const t1 = performance.now();
  run('stubs', '--dist', out);
  return { build: (t1 - t0) / 1000, stubs: (performance.now() - t1) / 1000 };
}

/**
 * [`buildSite`] of `content` into `out`, served on 127.0.0.1, with a browser: for a test's own
 * small site. `close` stops both.
 */
export async function serveBuilt(content, out) {
  buildSite({ content, out });
  const site = await serve(out);
  const browser = await launchBrowser();
  return { site, browser, close: async () => { await browser.close(); await site.close(); } };
}

/**
 * A small site of a test's own: a `site.toml` of `title` and the content files `files`
 * (`{ 'slug.md': text }`), built with the release shell into a temporary folder named after
 * `name`, served on 127.0.0.1, with a browser. `work` is that folder (the built site is in
 * `work/site`); `close` stops both and removes it.
 */
export async function ownSite(name, title, files) {
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('no release build in dist/: run trunk build --release --offline');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `fieldnotes-${name}-`));
  const content = path.join(work, 'content');
  fs.mkdirSync(content);
  fs.writeFileSync(path.join(content, 'site.toml'), `title = "${title}"\n`);
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(content, file), text);
  const { site, browser, close } = await serveBuilt(content, path.join(work, 'site'));
  return { site, browser, work, close: async () => { await close(); fs.rmSync(work, { recursive: true, force: true }); } };
}

/** Every page address of a built site's sitemap (or sitemap index), as paths, in its order. */
export function sitemapPaths(site) {
  const locs = (file) => [...fs.readFileSync(path.join(site, file), 'utf8').matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  const top = fs.readFileSync(path.join(site, 'sitemap.xml'), 'utf8');
  return top.includes('<sitemapindex') ? locs('sitemap.xml').flatMap((p) => locs(p.replace(/^.*\//, ''))) : locs('sitemap.xml');
}

/**
 * Every route of a built site, as paths: its sitemap's when it has one, else one per route page
 * (`index.html` files outside data/; a site without `base_url` has no sitemap).
 */
export function routePaths(site) {
  if (fs.existsSync(path.join(site, 'sitemap.xml'))) return sitemapPaths(site);
  return fs.readdirSync(site, { recursive: true }).map(String)
    .filter((f) => f.endsWith('index.html') && path.basename(f) === 'index.html' && !/^(data|bench|pagefind)\//.test(f))
    .map((f) => `/${path.dirname(f) === '.' ? '' : path.dirname(f).split(path.sep).map(encodeURIComponent).join('/')}`)
    .sort();
}

/** The no-JavaScript copy of a route in its page (`#prerendered`), as HTML. */
export function prerendered(site, route) {
  const file = path.join(site, decodeURIComponent(route), route.endsWith('.html') ? '' : 'index.html');
  const html = fs.readFileSync(file, 'utf8');
  return html.match(/<div id="prerendered">([\s\S]*?)<\/div><!--\/prerendered-->/)?.[1] ?? '';
}

/**
 * One address of each kind of route, found in the built site: `/`, the second list page, the
 * newest post (the first post linked from `/`), `/tags`, the first tag `/tags` links to (the
 * commonest, as it lists them), `/archive`, and a search for `word` when given. Keys name the kind.
 */
export function routeKinds(site, word) {
  const paths = routePaths(site);
  // Links of the page's content, not of its header (whose nav links to /tags/ and the author's pages).
  const main = (html) => html.match(/<main>([\s\S]*)<\/main>/)?.[1] ?? html;
  const links = (html, prefix) => [...main(html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]).filter((h) => h.startsWith(prefix) && h !== prefix);
  const post = links(prerendered(site, '/'), '/posts/')[0] ?? paths.find((p) => p.startsWith('/posts/'));
  const tag = links(prerendered(site, '/tags'), '/tags/')[0] ?? paths.find((p) => p.startsWith('/tags/'));
  const kinds = {
    home: '/',
    page2: paths.find((p) => /^\/page\/2\/?$/.test(p)),
    post,
    tags: '/tags',
    tag,
    archive: '/archive',
  };
  if (word) kinds.search = `/search?q=${encodeURIComponent(word)}`;
  for (const [kind, route] of Object.entries(kinds)) {
    if (!route) throw new Error(`the site in ${site} has no ${kind} route (of ${paths.length} found)`);
  }
  return kinds;
}

/**
 * Words of 4 to 10 lowercase letters, each with the number of posts (Markdown files under
 * `content`, front matter left out) that contain it.
 */
export function documentFrequencies(content) {
  const df = new Map();
  for (const file of fs.readdirSync(content, { recursive: true })) {
    if (!/\.(md|markdown)$/.test(String(file))) continue;
    const text = fs.readFileSync(path.join(content, String(file)), 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '');
    for (const w of new Set(text.toLowerCase().split(/[^a-z]+/))) {
      if (w.length >= 4 && w.length <= 10) df.set(w, (df.get(w) ?? 0) + 1);
    }
  }
  return df;
}

/**
 * A word of `content` found in as close to `posts` posts as there is (ties: alphabetical), and
 * the start of no other word (so a search's prefix matches do not add posts to it).
 */
export function wordIn(content, posts) {
  const df = documentFrequencies(content);
  const sorted = [...df.keys()].sort();
  const isPrefix = (w) => {
    const next = sorted[sorted.indexOf(w) + 1];
    return next !== undefined && next.startsWith(w);
  };
  const words = [...df].filter(([w]) => w.length >= 5 && !isPrefix(w))
    .sort((a, b) => Math.abs(a[1] - posts) - Math.abs(b[1] - posts) || (a[0] < b[0] ? -1 : 1));
  return words[0][0];
}

/**
 * Records every response `page` receives until `stop()`: URL, status, bytes on the wire (the
 * encoded body, as the browser counts it), decoded (the body itself), and `cached` when nothing
 * came over the network for it (the browser's memory or disk cache answered). `quiet(ms)` resolves
 * once no request has been in flight for `ms`; `take()` returns what was recorded and forgets it.
 */
export function recordResponses(page) {
  let seen = [];
  const pending = new Set();
  let last = Date.now();
  const bodies = [];
  const onRequest = (request) => {
    pending.add(request);
    last = Date.now();
  };
  const done = (request) => {
    pending.delete(request);
    last = Date.now();
  };
  const onFinished = (request) => {
    const record = (async () => {
      const response = await request.response();
      if (!response) return;
      const sizes = await request.sizes().catch(() => null);
      const body = await response.body().catch(() => null);
      seen.push({
        url: request.url(),
        status: response.status(),
        type: request.resourceType(),
        wire: sizes ? Math.max(0, sizes.responseBodySize) : null,
        // Nothing transferred: no headers and no body came over the network.
        cached: sizes ? sizes.responseHeadersSize + sizes.responseBodySize <= 0 : false,
        decoded: body ? body.length : 0,
        body,
      });
    })().finally(() => done(request));
    bodies.push(record);
  };
  page.on('request', onRequest);
  page.on('requestfinished', onFinished);
  page.on('requestfailed', done);
  return {
    async quiet(ms = 500, timeout = TIMEOUT) {
      const until = Date.now() + timeout;
      while (pending.size > 0 || Date.now() - last < ms) {
        if (Date.now() > until) throw new Error(`requests still in flight after ${timeout / 1000} s: ${[...pending].map((r) => r.url()).join(' ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await Promise.all(bodies);
    },
    take() {
      const out = seen;
      seen = [];
      return out;
    },
    stop() {
      page.off('request', onRequest);
      page.off('requestfinished', onFinished);
      page.off('requestfailed', done);
    },
  };
}

/**
 * What a route costs a reader, in a fresh context each (service worker blocked: see below):
 * `first`, every response of a direct load of `base + route` until the app has drawn it and
 * the network is quiet; `click`, every response after the app, already open at `from` (`/`, or
 * the newest post for `/` itself), follows a link to the route, until quiet again. The link is
 * the page's own when it has one, else one added to the page (the app's router takes any link
 * inside the site). Responses the browser's cache answered are left out. Also the size of the
 * text in `main` once drawn (what the route shows), and whether the click stayed in the app (no
 * new document). The service worker is blocked: its
 * precache, 3 s after a first visit, is the offline feature's cost, not the route's, and a
 * response from the worker would hide the network's.
 */
export async function visitRoute(browser, base, route, from) {
  const visit = async (start, target) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const recorder = recordResponses(page);
    try {
      await page.goto(base + start);
      await appReady(page);
      await recorder.quiet();
      if (!target) {
        return { responses: recorder.take().filter((r) => !r.cached), shown: await mainText(page), inApp: true };
      }
      recorder.take();
      await page.evaluate((href) => {
        let link = [...document.querySelectorAll('main a[href], header a[href]')].find((a) => a.getAttribute('href') === href);
        if (!link) {
          link = document.createElement('a');
          link.href = href;
          link.textContent = 'benchmark link';
          document.body.append(link);
        }
        link.click();
      }, target);
      const want = new URL(base + target);
      await page.waitForFunction(([p, q]) => location.pathname === p && location.search === q, [decodeURIComponent(want.pathname), want.search]);
      await appReady(page);
      await recorder.quiet();
      const responses = recorder.take().filter((r) => !r.cached);
      return { responses, shown: await mainText(page), inApp: !responses.some((r) => r.type === 'document') };
    } finally {
      recorder.stop();
      await context.close();
    }
  };
  return { first: await visit(route), click: await visit(from, route) };
}

/** The size of the text the app shows in `main`, in UTF-8 bytes (as its data carries it). */
function mainText(page) {
  return page.evaluate(() => new TextEncoder().encode(document.querySelector('main')?.innerText ?? '').length);
}

// ---------------------------------------------------------------------------------------------
// Accessibility: axe-core in the page.

// axe is read once and evaluated in each page: the site's Content-Security-Policy forbids inline
// scripts, so a <script> tag carrying it would be blocked (and would test a weakened page).
let axeSource;
// WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices (landmarks, one h1, skip links…).
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** Runs axe over the whole document; resolves to its violations, made small enough to print. */
export async function axeViolations(page) {
  // A string is evaluated as a script in the page (through the DevTools protocol, which the
  // page's CSP does not govern), defining `window.axe`.
  axeSource ??= fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] })
      .then((r) => r.violations),
    AXE_TAGS,
  );
  return violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
  }));
}

/** One line per violation and one per element it names, for an assertion message. */
export function describe(violations) {
  return violations
    .map((v) => [
      `${v.id} (${v.impact}): ${v.help}`,
      ...v.targets.map((t) => `    ${t.target}\n      ${(t.summary ?? '').replace(/\n/g, '\n      ')}`),
    ].join('\n'))
    .join('\n');
}

/**
 * For the tests of one file: a browser and `root` served on 127.0.0.1, started before the first
 * test and stopped after the last. The returned object holds `browser` and `site` once started.
 */
export function servedSite(root = dist) {
  const held = {};
  before(async () => {
    assert.ok(fs.existsSync(path.join(root, 'index.html')), 'build the site first: trunk build --release --offline');
    held.browser = await launchBrowser();
    held.site = await serve(root);
  });
  after(async () => {
    await held.browser?.close();
    await held.site?.close();
  });
  return held;
}

/** A font file of this machine's (the fixture commits none): a plain serif one if there is one. */
export function machineFont() {
  const fonts = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.ttf$/i.test(entry.name)) fonts.push(file);
    }
  };
  walk('/usr/share/fonts');
  const plain = fonts.filter((f) => !/bold|italic|oblique|condensed|mono/i.test(path.basename(f)));
  const font = plain.find((f) => /serif/i.test(path.basename(f)) && !/sans/i.test(path.basename(f))) ?? plain[0] ?? fonts[0];
  if (!font) throw new Error('no .ttf font under /usr/share/fonts (a browser\'s fonts come with it)');
  return font;
}
