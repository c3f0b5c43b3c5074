// Measurement report (not a test: numbers are printed, never asserted). Run by bench/scripts/measure.
//
//   node bench/perf/measure.mjs [--runs N] [--no-worker]
//
// Builds a copy of the release build in dist/ over the sample posts plus one long post (about
// 50 KB of Markdown, generated below), serves it on 127.0.0.1 with cross-origin isolation (so
// performance.now() has fine resolution), and measures in headless Chromium:
//   1. a click on a post link until the post's text is painted, cold (fresh browser context);
//      a cold direct load of the long post: first-contentful-paint and the app's own view drawn;
//   2. the app's User Timing measures for parsing and rendering the long post, and the time
//      from the end of its response to painted;
//   3. the brotli-compressed bytes of a first visit to `/`, file by file.
// Prints a Markdown report and writes it to tests/artifacts/measure.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { clockFacts, servedFile, serveIsolated } from './isolated-server.mjs';
import {
  root, dist, artifacts, TIMEOUT, launchBrowser, fieldnotes, appReady, sitemapPaths, prerendered,
} from '../../tests/e2e/harness.mjs';

const LONG_SLUG = 'notes-from-the-river-road';
const LONG_TARGET_BYTES = 50 * 1024;

const GOALS = {
  click: 120, // ms, click → post text painted
  parse: 0.5, // ms, JSON text → post
  responseToPaint: 8, // ms, end of the post's response → painted
  firstVisit: 150 * 1024, // bytes, brotli, everything a first visit to / requests
};

// ---------------------------------------------------------------------------------------------
// Arguments.

function parseArgs(argv) {
  const options = { runs: 20, worker: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-worker') {
      options.worker = false;
    } else if (arg === '--runs') {
      options.runs = Number(argv[++i]);
    } else if (arg.startsWith('--runs=')) {
      options.runs = Number(arg.slice('--runs='.length));
    } else if (arg === '-h' || arg === '--help') {
      console.log('usage: node bench/perf/measure.mjs [--runs N] [--no-worker]   (N defaults to 20; --no-worker: the site\'s service worker kept out, to see what it costs)');
      process.exit(0);
    } else {
      console.error(`measure: unknown argument ${arg} (usage: --runs N, --no-worker)`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(options.runs) || options.runs < 1) {
    console.error('measure: --runs takes a whole number of at least 1');
    process.exit(2);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// The long post: realistic Markdown of about 50 KB, the same every run (a seeded generator).

/** A small deterministic generator, so every run measures the same text. */
function seeded(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = ['Kratie', 'Kampong Cham', 'Stung Treng', 'Phnom Penh', 'Siem Reap', 'Battambang', 'Kampot', 'Takeo'];
const SENTENCES = [
  'The road followed the river for most of the morning, close enough that the brown water showed between the sugar palms.',
  'A woman selling iced coffee from a cart waved the bus down, and half the passengers climbed off to buy a cup.',
  'By ten the heat had settled over everything, and even the dogs lay flat in the shade of the stilt houses.',
  'The ferry was a steel platform pushed by a small boat lashed to its side, and it carried two trucks, a dozen motorbikes and a cow.',
  'I asked the way three times and got three different answers, all of them delivered with the same cheerful confidence.',
  'The market opened before dawn, lit by bare bulbs strung between the stalls, and by seven most of the fish had already been sold.',
  'Somebody had painted the distance to the next town on a concrete post, and somebody else had painted over it with a different number.',
  'Lunch was rice, a sour soup with morning glory and a plate of grilled pork, eaten at a plastic table beside a petrol station.',
  'The guesthouse owner kept a notebook of every guest since 2009, with a line for their name, their country and what they had eaten.',
  'In the afternoon the wind came up off the river and the whole town seemed to breathe out at once.',
  'Children on bicycles rode alongside for a while, shouting hello in English and laughing when I answered in Khmer.',
  'The monk at the gate said the temple was four hundred years old, then thought about it and said it might be older.',
  'Rain arrived in a single grey wall that crossed the paddy fields faster than a motorbike, and left just as quickly.',
  'The boatman cut the engine in the middle of the channel and we drifted, listening for the dolphins to surface.',
  'Every house along the lane had a spirit house on a post by the gate, with fresh flowers and a can of soft drink as an offering.',
  'My notes from this stretch are mostly lists: prices, bus times, the names of dishes I wanted to remember.',
  'A teacher on the bus corrected my pronunciation all the way to the next town, patiently and without being asked.',
  'The evening meal was served on a mat on the floor, and the grandmother of the house made sure my bowl was never empty.',
  'Dust from the unpaved road coated everything: the bags, the windows, the leaves of the trees for a hundred metres either side.',
  'At the crossroads a row of stalls sold fuel in old whisky bottles, lined up on shelves like a bar.',
];
const KHMER = [
  'សួស្តី (hello) is the first word everyone taught me, and the one I used most.',
  'The sign over the stall read ផ្សារ (market), painted in red on a white board.',
  'Everyone smiled at my slow, careful អរគុណ (thank you), which I said far too often.',
  'The boatman pointed at the water and said ទន្លេមេគង្គ, the Mekong River, as if introducing an old friend.',
  'On the menu, បាយ (rice) came first and was also, I learned, a word for a meal.',
  'The bus conductor called out ភ្នំពេញ (Phnom Penh) at every stop, whether or not we were going there.',
];
const DISHES = [
  ['Fish amok', 'Steamed curry in a banana leaf', '8,000 riel', 'Kratie riverfront'],
  ['Kuy teav', 'Pork noodle soup, eaten for breakfast', '6,000 riel', 'Central Market'],
  ['Nom banh chok', 'Rice noodles with green fish curry', '4,000 riel', 'A roadside stall'],
  ['Bai sach chrouk', 'Grilled pork over broken rice', '7,000 riel', 'The guesthouse corner'],
  ['Lok lak', 'Stir-fried beef with pepper and lime', '12,000 riel', 'A restaurant by the ferry'],
  ['Num ansom', 'Sticky rice cake with banana', '2,000 riel', 'The bus stop at Skun'],
];

function paragraph(random, sentences = 4 + Math.floor(random() * 3)) {
  const out = [];
  const left = [...SENTENCES];
  for (let i = 0; i < sentences; i++) {
    // No sentence twice in one paragraph.
    let s = left.splice(Math.floor(random() * left.length), 1)[0];
    if (random() < 0.15) s = s.replace('the river', '*the river*');
    if (random() < 0.1) s = s.replace('bus', '**bus**');
    out.push(s);
  }
  return out.join(' ');
}

function section(random, n) {
  const place = PLACES[n % PLACES.length];
  const day = n + 1;
  const parts = [`## Stage ${day}: towards ${place}`, '', paragraph(random), '', paragraph(random), ''];
  parts.push(`### Notes from the road to ${place}`, '', KHMER[n % KHMER.length], '', paragraph(random, 3), '');
  switch (n % 4) {
    case 0:
      parts.push(
        'What I carried that day:',
        '',
        '- a krama, used as a scarf, a towel and a sunshade',
        '- two litres of water and a bag of rambutans',
        `- the notebook, open at the page for ${place}`,
        '- a paperback I never once opened',
        '',
      );
      break;
    case 1:
      parts.push(
        '| Dish | What it is | Price | Where |',
        '| --- | --- | ---: | --- |',
        ...DISHES.map((d) => `| ${d.join(' | ')} |`),
        '',
      );
      break;
    case 2:
      parts.push(
        'My running log of the day, copied from the notebook:',
        '',
        '```text',
        `06:10  left the guesthouse, ${place} still asleep`,
        '07:45  ferry across, 1,500 riel, waited 20 minutes',
        '09:30  coffee stop, bought palm sugar',
        '12:15  lunch, rice and sour soup',
        '16:40  arrived, found a room with a fan',
        '```',
        '',
      );
      break;
    default:
      parts.push(
        'How the day went, in order:',
        '',
        '1. Up before the light, packed by torch.',
        '2. A long wait at the bus stop, then a short ride.',
        `3. An afternoon walking the riverbank at ${place}.`,
        '4. Dinner, notes, sleep.',
        '',
        `> "You will come back," said the woman at the stall in ${place}. "Everybody comes back."`,
        '',
      );
  }
  parts.push(
    `Earlier days are in [the central market](/posts/day-02-the-central-market) and [the long bus](/posts/day-06-the-long-bus); `
      + `a map of the route is on [OpenStreetMap](https://www.openstreetmap.org/). ${paragraph(random, 2)}`,
    '',
  );
  return parts.join('\n');
}

export function longPost({ seed = 20250216, title = 'Notes from the River Road', date = '2025-02-16' } = {}) {
  const random = seeded(seed);
  const front = [
    '---',
    `title: "${title}"`,
    `date: ${date}`,
    'tags: [river, transport, food, people]',
    'summary: "Everything from the notebook in one long read: the road north along the Mekong, stage by stage, with what I ate, what it cost and the words I learned."',
    '---',
    '',
    paragraph(random, 5),
    '',
  ].join('\n');
  let text = front;
  for (let n = 0; Buffer.byteLength(text) < LONG_TARGET_BYTES; n++) text += '\n' + section(random, n);
  return text;
}

// ---------------------------------------------------------------------------------------------
// The site: a copy of dist/ whose data is built from content/ plus the long post.

export function buildSite(work) {
  const content = path.join(work, 'content');
  const site = path.join(work, 'site');
  fs.cpSync(path.join(root, 'content'), content, { recursive: true });
  const markdown = longPost();
  fs.writeFileSync(path.join(content, `${LONG_SLUG}.md`), markdown);
  // A second long post of the same size and shape, opened after the first in the same visit: the
  // app's code is then compiled and warm, as for every post a reader opens after their first.
  const second = longPost({ seed: 20250217, title: 'More Notes from the River Road', date: '2025-02-17' });
  fs.writeFileSync(path.join(content, `${LONG_SLUG}-again.md`), second);
  fs.cpSync(dist, site, { recursive: true });
  fieldnotes('build', '--content', content, '--out', path.join(site, 'data'));
  fs.rmSync(path.join(site, 'posts'), { recursive: true, force: true });
  fieldnotes('stubs', '--dist', site);
  return { dir: site, posts: postsOfPages(site), markdownBytes: Buffer.byteLength(markdown) };
}

/**
 * The posts of a built site, newest first, from its sitemap and route pages (not from its data
 * files, whose format is the product's to change): slug and title (the page's heading).
 */
function postsOfPages(site) {
  const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  const text = (html) => html.replace(/<[^>]+>/g, '').replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e) => (
    e[0] === '#' ? String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : entities[e] ?? m));
  return sitemapPaths(site).filter((p) => p.startsWith('/posts/')).map((p) => ({
    slug: decodeURIComponent(p.slice('/posts/'.length).replace(/\/$/, '')),
    title: text(prerendered(site, p).match(/<h1[^>]*>([\s\S]*?)<\/h1>/)?.[1] ?? '').trim(),
  }));
}

// ---------------------------------------------------------------------------------------------
// In the browser.

/** Whether pages may run the site's service worker (`--no-worker` keeps it out). */
let serviceWorkers = 'allow';

/** A fresh context (empty cache) and page; errors in the page are collected, not fatal. */
async function coldPage(browser, problems) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().includes('404')) problems.push(`console error: ${msg.text()}`);
  });
  return { page, context };
}

/**
 * On the home page: clicks the link to `post` from script (a programmatic click moves neither
 * the pointer nor the focus, so the app's hover/focus prefetch does not run and the post is
 * fetched after the click), and resolves when its text is in the DOM and then after two
 * animation frames (the frame holding it has been painted). Also returns the app's User Timing
 * measures and the post file's resource timing taken during this navigation.
 */
function clickToPainted(page, post) {
  return page.evaluate(({ slug, title, timeout }) => new Promise((resolve, reject) => {
    const link = [...document.querySelectorAll('main a[href]')]
      .find((a) => a.getAttribute('href').endsWith('/posts/' + slug + '/'));
    if (!link) {
      reject(new Error(`no link to /posts/${slug} on the page`));
      return;
    }
    const drawn = () => {
      const article = document.querySelector('article.post');
      return article && article.querySelector('h1')?.textContent === title
        && (article.querySelector('.prose')?.textContent.length ?? 0) > 0;
    };
    let t0 = 0;
    const observer = new MutationObserver(() => {
      if (!drawn()) return;
      observer.disconnect();
      clearTimeout(timer);
      const inDom = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => {
        const painted = performance.now();
        const after = (e) => e.startTime >= t0;
        const last = (name) => performance.getEntriesByName(name).filter(after).at(-1)?.duration ?? null;
        // The post's data file: the one under data/ named after it (whatever else is in its name).
        const resource = performance.getEntriesByType('resource')
          .filter((e) => e.name.includes('/data/') && decodeURIComponent(e.name).includes(`/${slug}.`)).at(-1);
        resolve({
          click: painted - t0,
          clickToDom: inDom - t0,
          parse: last('fieldnotes:parse-post'),
          render: last('fieldnotes:render-post'),
          clickToResponse: resource ? resource.responseEnd - t0 : null,
          responseToPaint: resource ? painted - resource.responseEnd : null,
          responseToDom: resource ? inDom - resource.responseEnd : null,
          fetchedBeforeClick: resource ? resource.startTime < t0 : null,
        });
      }));
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`the post ${slug} was not drawn within ${timeout} ms`));
    }, timeout);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    t0 = performance.now();
    link.click();
  }), { slug: post.slug, title: post.title, timeout: TIMEOUT });
}

/** One cold run: load `/`, wait for the app, click through to `post`. */
async function coldClick(browser, site, post, problems) {
  const { page, context } = await coldPage(browser, problems);
  try {
    await page.goto(site.url + '/');
    await appReady(page);
    await page.locator(`main a[href$="/posts/${post.slug}/"]`).first().waitFor();
    return await clickToPainted(page, post);
  } finally {
    await context.close();
  }
}

/** One warm run: open the first long post, come back, then open the second (measured). */
async function warmClick(browser, site, first, second, problems) {
  const { page, context } = await coldPage(browser, problems);
  try {
    await page.goto(site.url + '/');
    await appReady(page);
    await page.locator(`main a[href$="/posts/${first.slug}/"]`).first().waitFor();
    await clickToPainted(page, first);
    await page.goBack();
    await page.locator(`main a[href$="/posts/${second.slug}/"]`).first().waitFor();
    return await clickToPainted(page, second);
  } finally {
    await context.close();
  }
}

// Installed before any page script: notes when the build's copy of the page (#prerendered) is
// removed, that is when the app has drawn its own view, and when that frame is painted.
const WATCH_PRERENDERED = () => {
  let seen = false;
  const observer = new MutationObserver(() => {
    const present = !!document.getElementById('prerendered');
    if (present) seen = true;
    if (seen && !present) {
      observer.disconnect();
      window.__appDrawn = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => { window.__appPainted = performance.now(); }));
    }
  });
  observer.observe(document, { childList: true, subtree: true });
};

/** One cold direct load of `/posts/<slug>`: first-contentful-paint and the app's view drawn. */
async function coldDirect(browser, site, post, problems) {
  const { page, context } = await coldPage(browser, problems);
  try {
    await page.addInitScript(WATCH_PRERENDERED);
    await page.goto(site.url + '/posts/' + post.slug);
    await page.waitForFunction(() => window.__appPainted !== undefined);
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    return await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
      appDrawn: window.__appDrawn,
      appPainted: window.__appPainted,
    }));
  } finally {
    await context.close();
  }
}

/** Everything a cold visit to `/` requests, with raw and brotli sizes. */
async function firstVisit(browser, site, dir, problems) {
  const { page, context } = await coldPage(browser, problems);
  const requested = [];
  page.on('request', (req) => requested.push({ url: req.url(), type: req.resourceType() }));
  try {
    await page.goto(site.url + '/');
    await appReady(page);
    await page.locator('.post-list .post-card').first().waitFor();
    await page.waitForLoadState('networkidle');
  } finally {
    await context.close();
  }
  const files = [];
  const seen = new Set();
  for (const { url, type } of requested) {
    const { origin, pathname } = new URL(url);
    if (origin !== site.url) {
      problems.push(`a first visit requested another origin: ${url}`);
      continue;
    }
    if (seen.has(pathname)) continue;
    seen.add(pathname);
    const body = fs.readFileSync(servedFile(dir, pathname));
    const brotli = zlib.brotliCompressSync(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }).length;
    files.push({ path: pathname, type, raw: body.length, brotli });
  }
  return files;
}

/** In-page facts about the measuring setup. */
async function environment(browser, site, problems) {
  const { page, context } = await coldPage(browser, problems);
  try {
    await page.goto(site.url + '/');
    await appReady(page);
    return await clockFacts(page);
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report.

/** Nearest-rank percentile of the numbers in `values` (nulls left out). */
function percentile(values, p) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function ms(v) {
  if (v === null) return 'n/a';
  return v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`;
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** A table row: name, p50, p95, goal and whether the p50 meets it. */
function row(name, values, goal, { missing = 'n/a' } = {}) {
  const p50 = percentile(values, 50);
  const p95 = percentile(values, 95);
  if (p50 === null) return `| ${name} | ${missing} | ${missing} | ${goal === undefined ? '—' : '≤ ' + ms(goal)} | |`;
  const verdict = goal === undefined ? '' : p50 <= goal ? 'yes' : 'no';
  return `| ${name} | ${ms(p50)} | ${ms(p95)} | ${goal === undefined ? '—' : '≤ ' + ms(goal)} | ${verdict} |`;
}

function report({ runs, env, site, sample, long, samples, files, problems, seconds, load }) {
  const lines = [];
  const pick = (list, key) => list.map((r) => r[key]);
  const noMarks = 'n/a (app build has no timing marks)';
  const prefetched = [...samples.sampleClick, ...samples.longClick].filter((r) => r.fetchedBeforeClick).length;
  // The long post's data file: the one under data/ named after it.
  const longFile = fs.readdirSync(path.join(site.dir, 'data'), { recursive: true })
    .map(String).find((f) => path.basename(f).startsWith(`${long.slug}.`) && f.endsWith('.json'));
  const longJson = longFile ? fs.statSync(path.join(site.dir, 'data', longFile)).size : null;

  lines.push('# Fieldnotes measurements', '');
  lines.push(`- Browser: headless ${env.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? env.userAgent}`);
  lines.push(`- crossOriginIsolated: ${env.crossOriginIsolated}; performance.now() resolution ≈ ${(env.resolution * 1000).toFixed(1)} µs`);
  lines.push(`- Machine: ${os.cpus().length} CPUs; load average ${load.before} before, ${load.after} after (other work on the machine slows every number)`);
  lines.push(`- Runs: ${runs} per measure, each in a fresh browser context (empty cache); p50 and p95 are nearest-rank`);
  lines.push(`- Service worker: ${serviceWorkers === 'allow' ? 'on, as readers get it (a first visit installs it 3 s after the app starts)' : 'kept out (--no-worker)'}`);
  lines.push(`- Sample post: /posts/${sample.slug}; long post: /posts/${long.slug} (${kb(site.markdownBytes)} of Markdown, ${longJson === null ? 'n/a' : kb(longJson)} of JSON)`);
  lines.push('- "Painted" = the text is in the DOM, then two requestAnimationFrame callbacks: it includes waiting for the next frame (up to one frame interval), so it is never below the DOM time');
  if (prefetched) lines.push(`- Note: in ${prefetched} run(s) the post had been fetched before the click`);
  lines.push('');

  lines.push('## Timings', '');
  lines.push('| Measure | p50 | p95 | Goal | p50 within goal |');
  lines.push('| --- | ---: | ---: | ---: | :---: |');
  lines.push(row('(1) Click → sample post text painted (cold)', pick(samples.sampleClick, 'click'), GOALS.click));
  lines.push(row('(1) Click → sample post text in DOM (cold)', pick(samples.sampleClick, 'clickToDom')));
  lines.push(row('(1) Click → sample post response end (cold)', pick(samples.sampleClick, 'clickToResponse')));
  lines.push(row('(1) Click → long post text painted (cold)', pick(samples.longClick, 'click'), GOALS.click));
  lines.push(row('(1) Click → long post text in DOM (cold)', pick(samples.longClick, 'clickToDom')));
  lines.push(row('(1) Click → long post response end (cold)', pick(samples.longClick, 'clickToResponse')));
  lines.push(row('(1) Long post, direct load: first-contentful-paint (prerendered HTML), from navigation start', pick(samples.longDirect, 'fcp')));
  lines.push(row('(1) Long post, direct load: app view drawn (#prerendered gone), from navigation start', pick(samples.longDirect, 'appDrawn')));
  lines.push(row('(1) Long post, direct load: app view painted, from navigation start', pick(samples.longDirect, 'appPainted')));
  lines.push(row('(2) Long post: parse (JSON text → post)', pick(samples.longClick, 'parse'), GOALS.parse, { missing: noMarks }));
  lines.push(row('(2) Long post: render (the rendered HTML into the page)', pick(samples.longClick, 'render'), undefined, { missing: noMarks }));
  lines.push(row('(2) Long post: response end → text painted', pick(samples.longClick, 'responseToPaint'), GOALS.responseToPaint));
  lines.push(row('(2) Long post: response end → text in DOM', pick(samples.longClick, 'responseToDom')));
  lines.push(row('(1) Click → long post text painted (warm: second long post of the visit)', pick(samples.longWarm, 'click'), GOALS.click));
  lines.push(row('(2) Long post, warm: parse (JSON text → post)', pick(samples.longWarm, 'parse'), GOALS.parse, { missing: noMarks }));
  lines.push(row('(2) Long post, warm: render (the rendered HTML into the page)', pick(samples.longWarm, 'render'), undefined, { missing: noMarks }));
  lines.push(row('(2) Long post, warm: response end → text painted', pick(samples.longWarm, 'responseToPaint'), GOALS.responseToPaint));
  lines.push(row('(2) Long post, warm: response end → text in DOM', pick(samples.longWarm, 'responseToDom')));
  lines.push('');

  const total = files.reduce((s, f) => s + f.brotli, 0);
  const totalRaw = files.reduce((s, f) => s + f.raw, 0);
  const firstPaint = files.filter((f) => f.type === 'document' || f.type === 'stylesheet');
  const firstPaintTotal = firstPaint.reduce((s, f) => s + f.brotli, 0);
  lines.push('## (3) First visit to / (brotli, quality 11)', '');
  lines.push('| File | Type | Raw | Brotli |');
  lines.push('| --- | --- | ---: | ---: |');
  for (const f of files) lines.push(`| ${f.path} | ${f.type} | ${kb(f.raw)} | ${kb(f.brotli)} |`);
  lines.push(`| **Total** (${files.length} files) | | ${kb(totalRaw)} | **${kb(total)}** |`);
  lines.push('');
  lines.push(`Goal: ≤ ${kb(GOALS.firstVisit)} — ${total <= GOALS.firstVisit ? 'within' : 'over'} (${kb(total)}).`);
  lines.push('');
  lines.push(`Needed for the first paint (HTML + CSS): ${firstPaint.map((f) => `${f.path} ${kb(f.brotli)}`).join(', ')} — ${kb(firstPaintTotal)} brotli.`);
  lines.push('');
  if (problems.length) {
    lines.push('## Problems seen in the page', '');
    for (const p of [...new Set(problems)]) lines.push(`- ${p}`);
    lines.push('');
  }
  lines.push(`Measured in ${seconds.toFixed(0)} s.`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const { runs, worker } = parseArgs(process.argv.slice(2));
  serviceWorkers = worker ? 'allow' : 'block';
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    console.error('measure: dist/ has no build; run `trunk build --release --offline` first');
    process.exit(1);
  }
  const started = Date.now();
  const loadBefore = os.loadavg()[0].toFixed(2);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-measure-'));
  let browser;
  let server;
  try {
    console.error('measure: building the site with the long post');
    const site = buildSite(work);
    const long = site.posts.find((p) => p.slug === LONG_SLUG);
    const sample = site.posts.find((p) => !p.slug.startsWith(LONG_SLUG));
    if (!long) throw new Error(`the build did not publish ${LONG_SLUG}`);
    server = await serveIsolated(site.dir);
    browser = await launchBrowser();
    const problems = [];
    const env = await environment(browser, server, problems);
    const again = site.posts.find((p) => p.slug === `${LONG_SLUG}-again`);
    const samples = { sampleClick: [], longClick: [], longWarm: [], longDirect: [] };
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}measure: run ${i + 1} of ${runs}${process.stderr.isTTY ? '' : '\n'}`);
      // Interleaved, so a slow spell on the machine spreads over all three measures.
      samples.sampleClick.push(await coldClick(browser, server, sample, problems));
      samples.longClick.push(await coldClick(browser, server, long, problems));
      samples.longWarm.push(await warmClick(browser, server, long, again, problems));
      samples.longDirect.push(await coldDirect(browser, server, long, problems));
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    const files = await firstVisit(browser, server, site.dir, problems);
    const text = report({
      runs, env, site, sample, long, samples, files, problems, seconds: (Date.now() - started) / 1000,
      load: { before: loadBefore, after: os.loadavg()[0].toFixed(2) },
    });
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, 'measure.md'), text);
    process.stdout.write(text);
    console.error('measure: written to tests/artifacts/measure.md');
  } finally {
    await browser?.close();
    await server?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// `node measure.mjs` runs the measurements; importing the file only defines its functions.
if (import.meta.url === `file://${process.argv[1]}`) await main();
