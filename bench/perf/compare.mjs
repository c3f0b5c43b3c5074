// The side-by-side comparison (numbers only, nothing is asserted). Run by bench/scripts/compare,
// which builds the fieldnotes CLI, generates the corpora and installs Pagefind first.
//
//   node bench/perf/compare.mjs SIZE... --fieldnotes PATH [--pagefind PATH] [--runs N] [--build-runs N]
//
// SIZE is `14` (the sample blog in content/) or a generated corpus in bench-corpus/<size>/ (1k,
// 10k, 100k). For each size it builds a site (the app shell of dist/, `fieldnotes build`,
// `fieldnotes stubs`) into bench-corpus/compare-<size>/, serves it on 127.0.0.1 compressed as a
// CDN serves it, and measures:
//   1. the bytes of each kind of route, as the browser fetches them (brotli, quality 11): a first
//      visit (fresh context, direct load, until the app has drawn and the network is quiet) and a
//      click-through (from `/`, or from a post for `/` itself). Routes are found in the built site
//      (sitemap, route pages), never in its data files, whose format may change;
//   2. paints on the Lighthouse mobile profile (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU
//      slowed ×4, through the DevTools protocol; a 412×823 touch screen): first contentful paint,
//      largest contentful paint and the app ready (its own view drawn), for direct loads of `/`
//      and of a post; median of --runs;
//   3. build wall time and peak memory (GNU time) of `fieldnotes build`, Hugo on the same posts
//      (bench/hugo/, as bench/scripts/bench-build) and Pagefind indexing the route pages; a warm-up
//      then the fastest of --build-runs.
// Prints one Markdown table and writes it to bench-corpus/compare-report.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { serve } from '../../tests/e2e/static-server.mjs';
import {
  root, dist, TIMEOUT, launchBrowser, buildSite, routeKinds, visitRoute, wordIn, appReady,
} from '../../tests/e2e/harness.mjs';

const bench = path.join(root, 'bench-corpus');
const REPORT = path.join(bench, 'compare-report.md');
const SAMPLE = '14';
const KINDS = [
  ['home', '`/`'],
  ['page2', '`/page/2`'],
  ['post', 'a post'],
  ['tags', '`/tags`'],
  ['tag', 'a tag'],
  ['archive', '`/archive`'],
  ['search', 'a one-word search'],
];
// Lighthouse's mobile profile.
const MOBILE = { latency: 150, down: (1.6 * 1024 * 1024) / 8, up: (750 * 1024) / 8, cpu: 4 };

function log(message) {
  console.error(`compare: ${message}`);
}

function parseArgs(argv) {
  const options = { sizes: [], runs: 3, buildRuns: 3, fieldnotes: null, pagefind: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (/^(14|[1-9]\d*k?)$/.test(arg)) options.sizes.push(arg);
    else if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--build-runs') options.buildRuns = Number(argv[++i]);
    else if (arg === '--fieldnotes') options.fieldnotes = path.resolve(argv[++i]);
    else if (arg === '--pagefind') options.pagefind = argv[++i] ? path.resolve(argv[i]) : null;
    else {
      console.error(`compare: unknown argument ${arg}`);
      process.exit(2);
    }
  }
  if (!options.fieldnotes) {
    console.error('compare: --fieldnotes PATH is required (bench/scripts/compare passes it)');
    process.exit(2);
  }
  return options;
}

/** Runs a command under GNU time: { seconds (wall, from our clock), rss (KB) }; throws on failure. */
function timed(command, args, cwd = root) {
  const stats = path.join(os.tmpdir(), `compare-time-${process.pid}`);
  const t0 = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', '-o', stats, command, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 3 * 3600_000 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (result.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')} failed:\n${(result.stdout + result.stderr).slice(-3000)}`);
  const rss = Number(fs.readFileSync(stats, 'utf8').trim().split('\n').at(-1));
  fs.rmSync(stats, { force: true });
  return { seconds, rss, output: result.stdout + result.stderr };
}

/**
 * A warm-up, then the fastest of `runs` runs of `once`. Callers empty the output before the
 * warm-up only: the timed runs build again into the output it left, as an author does (deleting
 * thousands of files just before a build slows the next one's file creation on some disks).
 */
function best(name, runs, once) {
  once();
  let fastest = null;
  for (let i = 1; i <= runs; i++) {
    const r = once();
    log(`  ${name} run ${i}: ${r.seconds.toFixed(2)} s, ${(r.rss / 1024).toFixed(0)} MB`);
    if (!fastest || r.seconds < fastest.seconds) fastest = r;
  }
  return fastest;
}

/** The posts of a content folder (Markdown files; drafts included, as the generators write none). */
function contentOf(size) {
  return size === SAMPLE ? path.join(root, 'content') : path.join(bench, size);
}

// ---------------------------------------------------------------------------------------------
// Builds: fieldnotes, Hugo, Pagefind.

function buildTimes(size, site, options) {
  const content = contentOf(size);
  const work = path.join(bench, `compare-${size}`);
  const out = {};
  const data = path.join(work, 'data-timed');
  log(`${size}: fieldnotes build (warm-up + ${options.buildRuns})`);
  fs.rmSync(data, { recursive: true, force: true });
  out.fieldnotes = best('fieldnotes build', options.buildRuns, () =>
    timed(options.fieldnotes, ['build', '--content', content, '--out', data]),
  );
  out.posts = Number(out.fieldnotes.output.match(/built (\d+) posts/)?.[1] ?? NaN);
  fs.rmSync(data, { recursive: true, force: true });

  const hugoSite = path.join(work, 'hugo');
  const hugoOut = path.join(work, 'hugo-out');
  fs.rmSync(hugoSite, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'bench/hugo'), hugoSite, { recursive: true });
  fs.mkdirSync(path.join(hugoSite, 'content'), { recursive: true });
  fs.symlinkSync(size === SAMPLE ? content : path.join(content, 'posts'), path.join(hugoSite, 'content/posts'));
  log(`${size}: hugo (warm-up + ${options.buildRuns})`);
  try {
    fs.rmSync(hugoOut, { recursive: true, force: true });
    out.hugo = best('hugo', options.buildRuns, () =>
      timed('hugo', ['--quiet', '--minify=false', '--noBuildLock', '-s', hugoSite, '-d', hugoOut]),
    );
    out.hugo.pages = fs.existsSync(path.join(hugoOut, 'posts')) ? fs.readdirSync(path.join(hugoOut, 'posts')).length : 0;
  } catch (error) {
    out.hugo = { failed: error.message.split('\n')[0] };
  }

  if (options.pagefind) {
    log(`${size}: pagefind over the route pages (warm-up + ${options.buildRuns})`);
    try {
      fs.rmSync(path.join(site, 'pagefind'), { recursive: true, force: true });
      out.pagefind = best('pagefind', options.buildRuns, () =>
        timed(options.pagefind, ['--site', site, '--glob', 'posts/**/index.html', '--output-subdir', 'pagefind']),
      );
      out.pagefind.pages = Number(out.pagefind.output.match(/Indexed (\d+) pages/)?.[1] ?? NaN);
    } catch (error) {
      out.pagefind = { failed: error.message.split('\n')[0] };
    }
  } else {
    out.pagefind = { failed: 'not installed' };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bytes per route.

const brotliCache = new Map();
function brotli(body) {
  if (!body || !body.length) return 0;
  const key = crypto.createHash('sha256').update(body).digest('hex');
  if (!brotliCache.has(key)) {
    const quality = body.length > 64 * 1024 * 1024 ? 9 : 11;
    brotliCache.set(key, Math.min(body.length, zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }).length));
  }
  return brotliCache.get(key);
}

async function routeBytes(browser, server, kinds) {
  const out = {};
  for (const [kind] of KINDS) {
    log(`  bytes: ${kinds[kind]}`);
    const from = kind === 'home' ? kinds.post : '/';
    const v = await visitRoute(browser, server.url, kinds[kind], from);
    const sum = (visit) => ({
      files: visit.responses.length,
      brotli: visit.responses.reduce((s, r) => s + brotli(r.body), 0),
      decoded: visit.responses.reduce((s, r) => s + r.decoded, 0),
      inApp: visit.inApp,
    });
    out[kind] = { first: sum(v.first), click: sum(v.click) };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Paints on the mobile profile.

// Installed before the page's scripts: paint entries and the moment the app replaced the
// no-JavaScript copy.
const WATCH_PAINTS = () => {
  window.__paints = { fcp: null, lcp: null, ready: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') window.__paints.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((list) => {
    const last = list.getEntries().at(-1);
    if (last) window.__paints.lcp = last.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  const seen = () => {
    if (window.__paints.ready === null && document.readyState !== 'loading' && !document.getElementById('prerendered')) {
      window.__paints.ready = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true });
};

async function paints(browser, url) {
  const context = await browser.newContext({
    viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true, serviceWorkers: 'block',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT * 8);
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: MOBILE.latency, downloadThroughput: MOBILE.down, uploadThroughput: MOBILE.up });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: MOBILE.cpu });
    await page.addInitScript(WATCH_PAINTS);
    await page.goto(url);
    await appReady(page);
    await page.waitForFunction(() => window.__paints.ready !== null && window.__paints.fcp !== null);
    await page.waitForTimeout(500);
    return await page.evaluate(() => window.__paints);
  } finally {
    await context.close();
  }
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : null;
}

async function mobilePaints(browser, server, kinds, runs) {
  const out = {};
  for (const [kind, route] of [['home', kinds.home], ['post', kinds.post]]) {
    const all = [];
    for (let r = 1; r <= runs; r++) {
      all.push(await paints(browser, server.url + route));
      log(`  mobile ${route} run ${r}: FCP ${all.at(-1).fcp?.toFixed(0)} ms, LCP ${all.at(-1).lcp?.toFixed(0)} ms, ready ${all.at(-1).ready?.toFixed(0)} ms`);
    }
    out[kind] = { fcp: median(all.map((p) => p.fcp)), lcp: median(all.map((p) => p.lcp)), ready: median(all.map((p) => p.ready)) };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One size, and the report.

async function measureSize(size, options, browser) {
  const content = contentOf(size);
  const site = path.join(bench, `compare-${size}`, 'site');
  log(`${size}: building the site into ${path.relative(root, site)}`);
  buildSite({ content, out: site, cli: options.fieldnotes });
  const builds = buildTimes(size, site, options);
  const posts = builds.posts;
  const word = wordIn(content, Math.max(2, Math.min(12, Math.round(posts / 4))));
  const kinds = routeKinds(site, word);
  const server = await serve(site, { compress: true });
  try {
    log(`${size}: bytes per route (${Object.values(kinds).join(' ')})`);
    const bytes = await routeBytes(browser, server, kinds);
    log(`${size}: mobile-profile paints (${options.runs} runs each)`);
    const painted = await mobilePaints(browser, server, kinds, options.runs);
    return { size, posts, word, kinds, bytes, painted, builds };
  } finally {
    await server.close();
  }
}

const kb = (n) => (n === null || n === undefined ? 'n/a' : n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : `${(n / 1024).toFixed(1)} KB`);
const ms = (v) => (v === null || v === undefined ? 'n/a' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`);
const tool = (t) => (t.failed ? `failed: ${t.failed.slice(0, 60)}` : `${t.seconds.toFixed(2)} s, ${(t.rss / 1024).toFixed(0)} MB`);

function table(results, options, meta) {
  const head = results.map((r) => (r.size === SAMPLE ? `sample (${r.posts} posts)` : `${r.size} (${r.posts.toLocaleString('en')} posts)`));
  const lines = [
    '# Fieldnotes side by side: bytes per route, mobile paints, build',
    '',
    `- ${new Date().toISOString().slice(0, 16)}Z; ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB; load average ${meta.load}; Fieldnotes ${meta.rev}; headless Chromium ${meta.chromium}; ${meta.hugo}; Pagefind ${meta.pagefind}`,
    '- Bytes: every response a route fetched in Chromium (fresh context, service worker blocked), brotli quality 11 as a CDN serves, with the number of files. First visit: a direct load until the app has drawn and the network is quiet for 0.5 s; click-through: from `/` (from a post for `/` itself), a link to the route followed inside the app.',
    `- Mobile: Lighthouse's mobile profile through the DevTools protocol (${MOBILE.latency} ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU ×${MOBILE.cpu}, 412×823 touch screen), served brotli-compressed; FCP / LCP / app ready (its own view drawn), median of ${options.runs} direct loads.`,
    `- Build: wall time and peak RSS (GNU time), fastest of ${options.buildRuns} after a warm-up, each into the output the run before left. fieldnotes: \`fieldnotes build\` (\`builder\` profile; post files, lists, search index). Hugo: one page per post plus a home page listing every post (bench/hugo/). Pagefind: indexing the post pages \`fieldnotes stubs\` writes.`,
    `- Search words (a word in about a quarter of the posts, at most 12): ${results.map((r) => `${r.size}: "${r.word}"`).join(', ')}.`,
    '',
    `| Measure | ${head.join(' | ')} |`,
    `| --- | ${head.map(() => '---:').join(' | ')} |`,
  ];
  const row = (name, f) => lines.push(`| ${name} | ${results.map(f).join(' | ')} |`);
  const bytesCell = (v) => `${kb(v.brotli)} (${v.files})${v.inApp ? '' : ' full load'}`;
  for (const [kind, label] of KINDS) row(`First visit: ${label}`, (r) => bytesCell(r.bytes[kind].first));
  for (const [kind, label] of KINDS) row(`Click-through: ${label}`, (r) => bytesCell(r.bytes[kind].click));
  for (const [kind, label] of [['home', '`/`'], ['post', 'a post']]) {
    row(`Mobile, ${label}: FCP / LCP / app ready`, (r) => `${ms(r.painted[kind].fcp)} / ${ms(r.painted[kind].lcp)} / ${ms(r.painted[kind].ready)}`);
  }
  row('`fieldnotes build`: wall, peak RSS', (r) => tool(r.builds.fieldnotes));
  row('Hugo: wall, peak RSS', (r) => tool(r.builds.hugo));
  row('Pagefind index: wall, peak RSS', (r) => tool(r.builds.pagefind));
  lines.push('');
  return lines.join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.sizes.length) options.sizes = [SAMPLE, '1k', '10k'];
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    console.error('compare: dist/ has no build; run `trunk build --release --offline` first');
    process.exit(1);
  }
  const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout.trim();
  const meta = {
    load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    rev: `${git('rev-parse', '--short', 'HEAD') || '?'}${spawnSync('git', ['diff', '--quiet'], { cwd: root }).status === 0 ? '' : ' + changes'}`,
    hugo: spawnSync('hugo', ['version'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 2).join(' ') || 'Hugo not found',
    pagefind: options.pagefind ? spawnSync(options.pagefind, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'not installed',
  };
  const browser = await launchBrowser();
  meta.chromium = browser.version();
  const results = [];
  try {
    for (const size of options.sizes) {
      results.push(await measureSize(size, options, browser));
      fs.writeFileSync(REPORT, table(results, options, meta));
    }
  } finally {
    await browser.close();
  }
  const text = table(results, options, meta);
  fs.writeFileSync(REPORT, text);
  process.stdout.write(text);
  log(`written to ${path.relative(root, REPORT)}`);
}

await main();
