// Bytes per route do not grow with the number of posts. Two sites are generated from the same
// corpus generator and seed (250 and 1,000 posts) and built with the app shell of the release build
// in dist/; each kind of route (`/`, `/page/2`, a post, `/tags`, a tag, `/archive`, a one-word
// search) is visited in headless Chromium on both, as a first visit and as a click from another
// page, and every response is recorded. The test fails when a route fetches a file that is larger
// on the bigger site than the route's own content explains. It reads no data file: routes come
// from the sitemap and the route pages, sizes from the browser.
//
// The rule, per route and kind of visit. Files are matched between the two sites by address, with
// content hashes and the route's own names (the post's slug, the tag, the search word) taken out;
// the files found on one side only (a search's index files differ with the words of the corpus)
// are matched as one group. A file (or that group) grows with the post count when
//
//   bytes on the 1,000-post site > bytes on the 250-post site × max(1, shown) × 1.10 + 2 KiB
//
// where `shown` is how much more the route itself shows on the bigger site: the text of `main`
// once the app has drawn it (UTF-8 bytes), or the route's own HTML page, which carries the same
// content for readers without JavaScript, whichever grew more (two posts differ in their markup as
// much as in their text). So `/`, a list page, a post and a search for a word found in about a
// dozen posts on both sites may not fetch anything bigger (10 % or 2 KiB of noise: hashes, dates,
// another post's length); `/tags`, which lists every tag, may fetch a tag list as much larger as
// the list it shows; `/archive` and a tag page, which list every post they cover (today), may fetch
// as much more as they list. Sizes are the decoded bodies (what the rule is about); the brotli
// sizes a CDN would send are printed beside them, and the table is written to
// tests/artifacts/bounded.md. Both sites are kept in target/bounded/ (corpora regenerated only when
// the generator changes).
//
// The service worker is blocked: its precache, a few seconds after a first visit, is the offline
// feature's cost (see offline.test.mjs), not the route's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serve } from './static-server.mjs';
import { root, dist, launchBrowser, buildSite, routeKinds, visitRoute, wordIn } from './harness.mjs';

const SMALL = 250;
const LARGE = 1000;
const SEED = 42;
const NOISE = 1.1;
const SLACK = 2048;
const work = path.join(root, 'target/bounded');

let browser;
const sites = {};

/** Brotli (quality 11, as a CDN sends it) of a body, once per distinct body. */
const brotliCache = new Map();
function brotli(body) {
  if (!body || !body.length) return 0;
  const key = crypto.createHash('sha256').update(body).digest('hex');
  if (!brotliCache.has(key)) {
    brotliCache.set(key, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length);
  }
  return brotliCache.get(key);
}

before(async () => {
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('no release build in dist/: run trunk build --release --offline');
  fs.mkdirSync(work, { recursive: true });
  for (const posts of [SMALL, LARGE]) {
    const content = path.join(work, `corpus-${posts}`);
    const stamp = path.join(content, '.stamp');
    // Generated again when the generator changed (its source is part of the stamp).
    const want = `${posts} ${SEED} ${crypto.createHash('sha256').update(fs.readFileSync(path.join(root, 'bench/src/corpus.rs'))).digest('hex')}`;
    if ((fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8') : '') !== want) {
      fs.rmSync(content, { recursive: true, force: true });
      execFileSync('cargo', ['run', '--quiet', '-p', 'fieldnotes-bench', '--bin', 'fieldnotes-corpus', '--',
        '--posts', String(posts), '--seed', String(SEED), '--out', content], { cwd: root, stdio: 'pipe' });
      fs.writeFileSync(stamp, want);
    }
    const site = path.join(work, `site-${posts}`);
    buildSite({ content, out: site });
    const word = wordIn(content, 12);
    sites[posts] = { dir: site, word, kinds: routeKinds(site, word), server: await serve(site) };
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const s of Object.values(sites)) await s.server?.close();
});

/** The address of a response, its content hashes and the route's own names taken out. */
function keyOf(url, site) {
  const names = [
    [decodeURIComponent(site.kinds.post.replace(/^\/posts\//, '')), '<post>'],
    [decodeURIComponent(site.kinds.tag.replace(/^\/tags\//, '')), '<tag>'],
    [site.word, '<word>'],
  ];
  let p = decodeURIComponent(new URL(url).pathname);
  for (const [name, role] of names) p = p.split(name).join(role);
  return p.replace(/(?<![A-Za-z0-9])[0-9a-f]{8,}(?![A-Za-z0-9])/g, '#');
}

/**
 * Responses by key, bodies of the same key added up (a file fetched twice counts twice). The
 * app's chunks and pieces (`/pieces/`) are left out: code is the same whatever the post count,
 * and whether the chunks fetched ahead 1.5 s after the first page arrive before the network goes
 * quiet depends on timing alone.
 */
function byKey(responses, site) {
  const out = new Map();
  for (const r of responses) {
    if (new URL(r.url).pathname.startsWith('/pieces/')) continue;
    const key = keyOf(r.url, site);
    const seen = out.get(key) ?? { decoded: 0, brotli: 0, count: 0 };
    seen.decoded += r.decoded;
    seen.brotli += brotli(r.body);
    seen.count++;
    out.set(key, seen);
  }
  return out;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

test(`no route fetches a file that grows with the post count (${SMALL} and ${LARGE} posts)`, { timeout: 240_000 }, async () => {
  const small = sites[SMALL];
  const large = sites[LARGE];
  const rows = [];
  const failures = [];
  for (const kind of Object.keys(small.kinds)) {
    const from = (s) => (kind === 'home' ? s.kinds.post : '/');
    const a = await visitRoute(browser, small.server.url, small.kinds[kind], from(small));
    const b = await visitRoute(browser, large.server.url, large.kinds[kind], from(large));
    // The route's own page (its no-JavaScript copy of the same content) as a second measure.
    const page = (v) => v.first.responses.find((r) => r.type === 'document')?.decoded ?? 0;
    const pageGrowth = page(a) > 0 ? page(b) / page(a) : 1;
    for (const visit of ['first', 'click']) {
      const route = `${kind} (${visit === 'first' ? 'first visit' : 'click-through'})`;
      assert.ok(a[visit].inApp && b[visit].inApp, `${route}: the click loaded a new page instead of staying in the app`);
      const shown = Math.max(a[visit].shown > 0 ? b[visit].shown / a[visit].shown : 1, pageGrowth);
      const allowed = Math.max(1, shown);
      const fa = byKey(a[visit].responses, small);
      const fb = byKey(b[visit].responses, large);
      const onlyA = [...fa].filter(([k]) => !fb.has(k));
      const onlyB = [...fb].filter(([k]) => !fa.has(k));
      const sum = (entries, field) => entries.reduce((s, [, v]) => s + v[field], 0);
      const pairs = [...fa].filter(([k]) => fb.has(k)).map(([k, v]) => [k, v, fb.get(k)]);
      if (onlyA.length || onlyB.length) {
        const group = `files on one side only (${onlyA.map(([k]) => k).join(', ') || 'none'} | ${onlyB.map(([k]) => k).join(', ') || 'none'})`;
        pairs.push([group, { decoded: sum(onlyA, 'decoded'), brotli: sum(onlyA, 'brotli') }, { decoded: sum(onlyB, 'decoded'), brotli: sum(onlyB, 'brotli') }]);
      }
      for (const [key, x, y] of pairs) {
        if (y.decoded > x.decoded * allowed * NOISE + SLACK) {
          failures.push(`${route}: ${key} is ${kb(x.decoded)} with ${SMALL} posts and ${kb(y.decoded)} with ${LARGE} `
            + `(×${(y.decoded / Math.max(1, x.decoded)).toFixed(2)}; the route shows ×${shown.toFixed(2)} as much, so at most ${kb(x.decoded * allowed * NOISE + SLACK)})`);
        }
      }
      const total = (m, field) => [...m.values()].reduce((s, v) => s + v[field], 0);
      rows.push(`| ${kind} | ${visit === 'first' ? 'first visit' : 'click-through'} | ${fa.size} / ${fb.size} `
        + `| ${kb(total(fa, 'decoded'))} / ${kb(total(fb, 'decoded'))} | ${kb(total(fa, 'brotli'))} / ${kb(total(fb, 'brotli'))} `
        + `| ${kb(a[visit].shown)} / ${kb(b[visit].shown)} |`);
    }
  }
  const table = [
    `Bytes per route, ${SMALL} / ${LARGE} posts (decoded; brotli quality 11 as a CDN sends; text shown in main, UTF-8). `
      + `Routes: ${Object.values(small.kinds).join(' ')} / ${Object.values(large.kinds).join(' ')}`,
    '',
    '| Route | Visit | Files | Decoded | Brotli | Text shown |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  console.log(table);
  fs.mkdirSync(path.join(root, 'tests/artifacts'), { recursive: true });
  fs.writeFileSync(path.join(root, 'tests/artifacts/bounded.md'), `${table}\n${failures.length ? `\nGrowing:\n${failures.map((f) => `- ${f}`).join('\n')}\n` : ''}`);
  assert.deepEqual(failures, [], `routes fetch files that grow with the post count:\n${failures.join('\n')}`);
});
